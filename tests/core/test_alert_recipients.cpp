// spec "Assignment, visibility and alerts": who an inbound message alerts, with mutes
// applied in the same call ("Remove whoever muted it or cannot see it").
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/alert_recipients.hpp"
#include "msgcenter/core/inbox.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

const std::string kPhone = "+15557770001";

muted_predicate muted_by(std::set<std::string> ids) {
  return [ids = std::move(ids)](const std::string& staff) { return ids.count(staff) > 0; };
}

class AlertRecipients : public ::testing::Test {
 protected:
  AlertRecipients()
      : w(make_directory({make_staff("alice"), make_staff("bob"), make_staff("carol"),
                          make_staff("south", kView, {kSouth}),
                          make_staff("watcher", kView, {}, /*subscribe_all=*/true)})) {
    w.start(1, kPhone, kNorthNumber);
  }
  std::vector<std::string> recipients(const muted_predicate& muted) const {
    const auto& c = w.convs.at(1);
    return inbound_alert_recipients(w.dir, c.subject(w.dir.settings), c.last_manual_sender(),
                                    muted);
  }
  world w;
};

TEST_F(AlertRecipients, NobodyMuted_SameAsWithoutMutes) {
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(recipients(muted_by({})), w.alert_recipients(1));
  EXPECT_EQ(recipients(muted_by({})), (names{"bob", "watcher"}));
}

TEST_F(AlertRecipients, EmptyPredicate_MeansNobodyMuted) {
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(recipients(muted_predicate{}), (names{"bob", "watcher"}));
}

TEST_F(AlertRecipients, MutedOwner_IsRemoved) {
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(recipients(muted_by({"bob"})), (names{"watcher"}));
}

TEST_F(AlertRecipients, MutedSubscribeAll_IsRemoved) {
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(recipients(muted_by({"watcher"})), (names{"bob"}));
}

TEST_F(AlertRecipients, OnlyOwnerMuted_NoFallbackToLastSenderOrEveryone) {
  // Given bob owns it, alice replied last by hand, and bob muted it
  w.reply(1, 100, "alice");
  w.conv(1).set_assignee("bob");
  // Then the rule does not fall back to alice or to everyone: muting comes last
  EXPECT_EQ(recipients(muted_by({"bob", "watcher"})), names{});
}

TEST_F(AlertRecipients, EveryoneWhoSeesIt_MinusWhoMutedIt) {
  // Given no owner and no manual sender: everyone who can see it is alerted
  EXPECT_EQ(recipients(muted_by({})), (names{"alice", "bob", "carol", "watcher"}));
  // Then muting removes exactly those who muted it
  EXPECT_EQ(recipients(muted_by({"alice", "carol"})), (names{"bob", "watcher"}));
}

TEST_F(AlertRecipients, MutingByStaffWhoCannotSeeIt_ChangesNothing) {
  // `south` cannot see a north conversation: never a recipient, muted or not
  EXPECT_EQ(recipients(muted_by({"south"})), recipients(muted_by({})));
}

TEST_F(AlertRecipients, MatchesWhatTheInboxesWouldRaise) {
  // The one call equals the old two steps: recipients, then each inbox drops it when muted.
  w.reply(1, 100, "alice");
  std::map<std::string, inbox_view> inboxes;
  for (auto& [id, s] : w.dir.staff) inboxes.emplace(id, inbox_view(id));
  inboxes.at("alice").set_muted(1, true);
  std::vector<std::string> raised;
  for (auto& id : w.alert_recipients(1))
    if (inboxes.at(id).raise_alert(alert_kind::message, 1, 7, 200)) raised.push_back(id);
  auto muted = [&](const std::string& id) { return inboxes.at(id).muted(1); };
  EXPECT_EQ(recipients(muted), raised);
  EXPECT_EQ(raised, (names{"watcher"}));
}

}  // namespace
}  // namespace msgcenter

namespace msgcenter {
namespace {

// The dense form (staff numbers, used per message by the shards) is the same rule as the
// one on ids: random directories and conversations must give the same staff.
TEST(AlertRecipientsDense, SameStaffAsTheRuleOnIds_RandomDirectories) {
  std::mt19937 rng(7);
  auto coin = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  for (int round = 0; round < 2000; ++round) {
    directory dir;
    dir.settings.visibility = coin(50) ? visibility_mode::all : visibility_mode::assigned;
    dir.settings.notify_sales = coin(50);
    dir.settings.notify_service = coin(50);
    const int staff = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < staff; ++i) {
      staff_member s;
      s.id = "s" + std::to_string(i);
      s.rights = coin(85) ? bit(right::view_messages) : 0;
      if (coin(40)) s.rights |= bit(right::manage_messages);
      if (coin(25)) s.locations = {coin(50) ? "north" : "south"};
      s.subscribe_all = coin(20);
      dir.staff[s.id] = s;
    }
    auto pick = [&]() -> std::string {
      if (coin(30)) return "";
      if (coin(10)) return "ghost";  // not a staff member
      return "s" + std::to_string(rng() % staff);
    };
    access_subject subject;
    subject.location = coin(50) ? "north" : "south";
    contact_card card;
    card.sales_owner = pick();
    card.service_owner = pick();
    subject.owners = owners_of(pick(), coin(50) ? &card : nullptr, dir.settings);
    const std::string last_sender = pick();

    auto by_ids = inbound_alert_recipients(dir, subject, last_sender);

    std::vector<std::string> ids;
    for (auto& [id, s] : dir.staff) ids.push_back(id);
    auto number = [&](const std::string& id) -> std::optional<std::uint16_t> {
      auto it = std::find(ids.begin(), ids.end(), id);
      if (it == ids.end()) return std::nullopt;
      return static_cast<std::uint16_t>(it - ids.begin());
    };
    std::vector<bool> sees, subscribe_all;
    for (auto& id : ids) {
      const auto& s = dir.staff.at(id);
      sees.push_back(access_of(s, subject, dir.settings) == access::visible);
      subscribe_all.push_back(s.subscribe_all);
    }
    std::vector<std::uint16_t> owners;
    for (auto& o : subject.owners)
      if (auto n = number(o)) owners.push_back(*n);
    std::vector<std::uint16_t> dense;
    inbound_alert_recipients(owners, number(last_sender), sees, subscribe_all, dense);
    std::vector<std::string> dense_ids;
    for (auto n : dense) dense_ids.push_back(ids[n]);
    ASSERT_EQ(dense_ids, by_ids) << "round " << round;
  }
}

}  // namespace
}  // namespace msgcenter
