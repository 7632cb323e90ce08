// Property: after any sequence of operations, every staff member's badge equals what their
// own listing shows: the unread conversations they can see that they did not mute, and
// their unread messages (spec "Folders" and the badge of "Assignment, visibility and
// alerts"). The engine keeps badges incrementally (a common audience counter with mute
// corrections, per-staff counters for the rest); this recounts them from scratch.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "engine_fixture.hpp"

namespace msgcenter::testing {
namespace {

class BadgeProperty : public EngineTest {
 protected:
  badge recount(const std::string& staff) {
    badge b;
    // The unfiltered inbox: any filter would leave pinned conversations out (spec).
    inbox_query q;
    q.limit = kMaxPageSize;
    auto page = mc->inbox_list(as(staff), q);
    EXPECT_TRUE(page.ok());
    if (!page.ok()) return b;
    EXPECT_TRUE(page->cursor.empty()) << "the test keeps under one page";
    for (auto& row : page->rows) {
      if (row.muted || row.current_folder != folder::unread) continue;
      ++b.unread_conversations;
      b.unread_messages += row.unread_count;
    }
    return b;
  }
};

TEST_F(BadgeProperty, BadgeEqualsTheUnreadRowsOfTheListing_RandomOperations) {
  const std::vector<std::string> staff = {"ana", "ben", "cara", "dan"};
  put_staff("cara", all_rights(), /*subscribe_all=*/true);
  put_staff("dan", bit(right::view_messages) | bit(right::manage_messages));
  std::mt19937 rng(20261202);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::vector<conversation_id> convs;
  std::vector<std::string> history;  // printed on failure
  auto trace = [&] {
    std::string out;
    for (auto it = history.size() > 12 ? history.end() - 12 : history.begin(); it != history.end();
         ++it)
      out += "\n  " + *it;
    return out;
  };
  for (int op = 0; op < 600; ++op) {
    const auto& who = staff[pick(staff.size())];
    const int kind = static_cast<int>(pick(100));
    if (kind < 35 || convs.empty()) {
      auto phone = "+120255501" + std::to_string(10 + pick(12));
      auto r = receive("hello " + std::to_string(op), phone);
      history.push_back("inbound into c" + std::to_string(r.conversation));
      if (std::find(convs.begin(), convs.end(), r.conversation) == convs.end())
        convs.push_back(r.conversation);
    } else if (kind < 85) {
      static const conversation_action actions[] = {
          conversation_action::mark_read, conversation_action::mark_unread,
          conversation_action::archive,   conversation_action::unarchive,
          conversation_action::hide,      conversation_action::mute,
          conversation_action::unmute,    conversation_action::pin,
          conversation_action::assign,    conversation_action::unassign};
      action_request a;
      a.conversation = convs[pick(convs.size())];
      a.action = actions[pick(std::size(actions))];
      if (a.action == conversation_action::assign) a.staff = staff[pick(staff.size())];
      auto done = mc->conversation_action(as(who), a);  // refusals are part of the history
      history.push_back(who + " " + to_string(a.action) + " c" + std::to_string(a.conversation) +
                        " " + a.staff + (done.ok() ? "" : " (refused)"));
    } else if (kind < 92) {
      send_request s;
      s.conversation = convs[pick(convs.size())];
      s.body = "reply " + std::to_string(op);
      auto sent = mc->send(as(who), s);
      history.push_back(who + " replies in c" + std::to_string(*s.conversation) +
                        (sent.ok() ? "" : " (refused)"));
    } else if (kind < 96) {
      business_put_request r{"Lotus Spa", "US", "", {}};
      r.settings.read_status = pick(2) ? read_status_mode::shared : read_status_mode::per_staff;
      r.settings.visibility = pick(3) ? visibility_mode::all : visibility_mode::assigned;
      ASSERT_TRUE(mc->business_put(admin(), r).ok());
      history.push_back(std::string("settings ") + to_string(*r.settings.read_status) + " " +
                        to_string(*r.settings.visibility));
    } else {
      rights_mask rights = bit(right::view_messages);
      if (pick(2)) rights |= bit(right::manage_messages);
      if (pick(4) == 0) rights = 0;
      bool all = pick(3) == 0;
      ASSERT_TRUE(mc->staff_put(admin(), {who, who, rights, {}, all}).ok());
      history.push_back("staff " + who + " rights " + std::to_string(rights) +
                        (all ? " subscribe_all" : ""));
    }
    for (auto& s : staff) {
      auto answer = mc->inbox_badge(as(s));
      if (!answer.ok()) {  // a staff member whose rights were taken away
        ASSERT_EQ(answer.error().code, errc::permission_denied);
        continue;
      }
      auto got = answer.value();
      auto want = recount(s);
      ASSERT_EQ(got.unread_conversations, want.unread_conversations)
          << "staff " << s << " after operation " << op << trace();
      ASSERT_EQ(got.unread_messages, want.unread_messages)
          << "staff " << s << " after operation " << op << trace();
    }
  }
}

}  // namespace
}  // namespace msgcenter::testing
