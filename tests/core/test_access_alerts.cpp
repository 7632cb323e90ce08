// spec "Assignment, visibility and alerts": owners, who sees what under each visibility
// setting, who an inbound message alerts, the alert centre and the badge.
#include <gtest/gtest.h>

#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/access.hpp"
#include "msgcenter/core/inbox.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

const std::string kPhone = "+15557770001";

contact_card owned_card(std::string sales, std::string service) {
  auto c = make_card("k1", "Ana", "Smith");
  c.sales_owner = std::move(sales);
  c.service_owner = std::move(service);
  return c;
}

// ---- Owners ------------------------------------------------------------------------------

TEST(Owners, AssigneePlusSalesAndServiceOwner) {
  business_settings s;
  auto card = owned_card("sam", "sue");
  EXPECT_EQ(owners_of("alice", &card, s), (names{"alice", "sam", "sue"}));
}

TEST(Owners, NotifySalesOff_DropsSalesOwner) {
  business_settings s;
  s.notify_sales = false;
  auto card = owned_card("sam", "sue");
  EXPECT_EQ(owners_of("alice", &card, s), (names{"alice", "sue"}));
}

TEST(Owners, NotifyServiceOff_DropsServiceOwner) {
  business_settings s;
  s.notify_service = false;
  auto card = owned_card("sam", "sue");
  EXPECT_EQ(owners_of("", &card, s), (names{"sam"}));
  s.notify_sales = false;
  EXPECT_TRUE(owners_of("", &card, s).empty());
}

TEST(Owners, NoDuplicatesNoEmptyIds) {
  business_settings s;
  auto card = owned_card("alice", "alice");
  EXPECT_EQ(owners_of("alice", &card, s), (names{"alice"}));
  auto none = owned_card("", "");
  EXPECT_TRUE(owners_of("", &none, s).empty());
}

TEST(Owners, UnlinkedConversation_OnlyTheAssignee) {
  business_settings s;
  EXPECT_EQ(owners_of("bob", nullptr, s), (names{"bob"}));
  EXPECT_TRUE(owners_of("", nullptr, s).empty());
}

TEST(Owners, LinkedContactOwnersComeFromTheConversationContact) {
  world w(make_directory());
  w.start(1, kPhone);
  w.conv(1).link(owned_card("sam", "sue"));
  w.conv(1).set_assignee("alice");
  EXPECT_EQ(w.conv(1).subject(w.dir.settings).owners, (names{"alice", "sam", "sue"}));
}

// ---- Visibility --------------------------------------------------------------------------

TEST(Visibility, DefaultIsAll) { EXPECT_EQ(business_settings{}.visibility, visibility_mode::all); }

TEST(Visibility, AllMode_EveryViewerInLocationsSees) {
  world w(make_directory({make_staff("alice"), make_staff("bob", kView, {kNorth})}));
  w.start(1, kPhone, kNorthNumber);
  w.conv(1).set_assignee("carol");
  EXPECT_EQ(w.access_of_staff(1, "alice"), access::visible);
  EXPECT_EQ(w.access_of_staff(1, "bob"), access::visible);
}

TEST(Visibility, NeedsViewMessages) {
  world w(make_directory({make_staff("ben", bit(right::send_sms) | bit(right::manage_messages)),
                          make_staff("sub", bit(right::send_sms), {}, true)}));
  w.start(1, kPhone);
  w.conv(1).set_assignee("ben");
  EXPECT_EQ(w.access_of_staff(1, "ben"), access::none);
  EXPECT_EQ(w.access_of_staff(1, "sub"), access::none);
  w.dir.settings.visibility = visibility_mode::assigned;
  EXPECT_EQ(w.access_of_staff(1, "ben"), access::none);
}

TEST(Visibility, LocationsLimitAccess) {
  // Given bob permitted only in the north, carol a manager permitted only in the north
  world w(make_directory(
      {make_staff("bob", kView, {kNorth}), make_staff("carol", kManage, {kNorth}, true)}));
  w.start(1, kPhone, kNorthNumber);
  w.start(2, "+15557770002", kSouthNumber);
  w.conv(2).set_assignee("bob");
  // Then in either visibility mode south conversations are out of their reach,
  // even one assigned to bob
  for (auto mode : {visibility_mode::all, visibility_mode::assigned}) {
    w.dir.settings.visibility = mode;
    EXPECT_EQ(w.access_of_staff(2, "bob"), access::none) << to_string(mode);
    EXPECT_EQ(w.access_of_staff(2, "carol"), access::none) << to_string(mode);
  }
  w.dir.settings.visibility = visibility_mode::all;
  EXPECT_EQ(w.access_of_staff(1, "bob"), access::visible);
}

TEST(Visibility, AssignedMode_SeesOnlyOwned) {
  // Given assigned visibility and three conversations owned through each kind of ownership
  world w(make_directory(
      {make_staff("alice"), make_staff("sam"), make_staff("sue"), make_staff("bob")}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, "+15557770001");
  w.conv(1).set_assignee("alice");
  w.start(2, "+15557770002");
  w.conv(2).link(owned_card("sam", "sue"));
  w.start(3, "+15557770003");
  // Then each sees only what they own
  EXPECT_EQ(w.access_of_staff(1, "alice"), access::visible);
  EXPECT_EQ(w.access_of_staff(2, "alice"), access::none);
  EXPECT_EQ(w.access_of_staff(2, "sam"), access::visible);
  EXPECT_EQ(w.access_of_staff(2, "sue"), access::visible);
  EXPECT_EQ(w.access_of_staff(1, "sam"), access::none);
  for (conversation_id id : {1, 2, 3}) EXPECT_EQ(w.access_of_staff(id, "bob"), access::none);
  // and the inbox lists only those
  w.receive(1, 100);
  w.receive(2, 200);
  w.receive(3, 300);
  EXPECT_EQ(list_ids(w.inbox_for("alice")), ids{1});
  EXPECT_EQ(list_ids(w.inbox_for("sam")), ids{2});
  EXPECT_TRUE(list_ids(w.inbox_for("bob")).empty());
}

TEST(Visibility, AssignedMode_NotifySalesOffSalesOwnerNoLongerOwns) {
  world w(make_directory({make_staff("sam")}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, kPhone);
  w.conv(1).link(owned_card("sam", ""));
  EXPECT_EQ(w.access_of_staff(1, "sam"), access::visible);
  w.dir.settings.notify_sales = false;
  EXPECT_EQ(w.access_of_staff(1, "sam"), access::none);
}

TEST(Visibility, AssignedMode_ReassignMovesVisibility) {
  world w(make_directory({make_staff("alice"), make_staff("bob")}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, kPhone);
  w.conv(1).set_assignee("alice");
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(w.access_of_staff(1, "alice"), access::none);
  EXPECT_EQ(w.access_of_staff(1, "bob"), access::visible);
}

TEST(Visibility, AssignedMode_SubscribeAllSeesAllInLocations) {
  world w(make_directory({make_staff("sub", kView, {kNorth}, true)}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, "+15557770001", kNorthNumber);
  w.start(2, "+15557770002", kNorthNumber);
  w.conv(2).set_assignee("someone-else");
  w.start(3, "+15557770003", kSouthNumber);
  EXPECT_EQ(w.access_of_staff(1, "sub"), access::visible);
  EXPECT_EQ(w.access_of_staff(2, "sub"), access::visible);
  EXPECT_EQ(w.access_of_staff(3, "sub"), access::none);
}

TEST(Visibility, ManagerMayOpenButNotListByDefault) {
  // Given assigned visibility, a manager and a conversation assigned to bob
  world w(make_directory({make_staff("mia", kManage), make_staff("bob")}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, kPhone);
  w.conv(1).set_assignee("bob");
  w.receive(1, 100);
  // Then mia may open it
  EXPECT_EQ(w.access_of_staff(1, "mia"), access::open);
  auto inbox = w.inbox_for("mia");
  EXPECT_EQ(inbox.access_to(1), access::open);
  EXPECT_TRUE(inbox.row(1).has_value());
  // but it is not in her default listing, nor in her badge
  EXPECT_TRUE(list_ids(inbox, {}, true).empty());
  inbox_query all;
  all.folder = folder_filter::all;
  EXPECT_TRUE(list_ids(inbox, all, true).empty());
  EXPECT_EQ(inbox.current_badge(), (badge{0, 0}));
  // while the assignee filter naming bob lists it
  inbox_query q;
  q.assignee = "bob";
  EXPECT_EQ(list_ids(inbox, q, true), ids{1});
}

TEST(Visibility, ManagerListsUnassignedWithAssigneeNone) {
  world w(make_directory({make_staff("mia", kManage)}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, "+15557770001");
  w.receive(1, 100);
  w.start(2, "+15557770002");
  w.conv(2).set_assignee("bob");
  w.receive(2, 200);
  auto inbox = w.inbox_for("mia");
  inbox_query q;
  q.assignee = "none";
  EXPECT_EQ(list_ids(inbox, q, true), ids{1});
}

TEST(Visibility, ManagerOutsideLocationsCannotOpen) {
  world w(make_directory({make_staff("mia", kManage, {kSouth})}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, kPhone, kNorthNumber);
  EXPECT_EQ(w.access_of_staff(1, "mia"), access::none);
}

TEST(Visibility, AssigneeFilterForOthersNeedsManage) {
  // Given bob without manage_messages
  world w(make_directory({make_staff("bob")}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, kPhone);
  w.conv(1).set_assignee("bob");
  w.receive(1, 100);
  auto inbox = w.inbox_for("bob");
  // When he filters by another staff member or by `none`: permission_denied
  for (const char* other : {"alice", "none"}) {
    inbox_query q;
    q.assignee = other;
    auto r = inbox.list(q, /*may_manage=*/false);
    ASSERT_FALSE(r.ok()) << other;
    EXPECT_EQ(r.error().code, errc::permission_denied) << other;
  }
  // When he names himself: allowed
  inbox_query self;
  self.assignee = "bob";
  EXPECT_EQ(list_ids(inbox, self, false), ids{1});
}

TEST(Visibility, AccessLost_InboxForgetsTheConversation) {
  world w(make_directory({make_staff("alice")}));
  w.dir.settings.visibility = visibility_mode::assigned;
  w.start(1, kPhone);
  w.conv(1).set_assignee("alice");
  w.receive(1, 100);
  auto inbox = w.inbox_for("alice");
  ASSERT_EQ(inbox.size(), 1u);
  ASSERT_EQ(inbox.current_badge(), (badge{1, 1}));
  w.conv(1).set_assignee("");
  w.sync(inbox, 1);
  EXPECT_EQ(inbox.size(), 0u);
  EXPECT_EQ(inbox.access_to(1), access::none);
  EXPECT_EQ(inbox.current_badge(), (badge{0, 0}));
  EXPECT_TRUE(list_ids(inbox).empty());
}

// ---- Alerts: recipients -------------------------------------------------------------------

class Alerts : public ::testing::Test {
 protected:
  Alerts()
      : w(make_directory({make_staff("alice"), make_staff("bob"), make_staff("carol"),
                          make_staff("sam"), make_staff("sue"),
                          make_staff("south", kView, {kSouth}),
                          make_staff("noview", bit(right::send_sms))})) {
    w.start(1, kPhone, kNorthNumber);
  }
  world w;
};

TEST_F(Alerts, OwnersFirst) {
  // Given an assignee and a last manual sender
  w.reply(1, 100, "alice");
  w.conv(1).set_assignee("bob");
  w.receive(1, 200);
  // Then only the owner is alerted
  EXPECT_EQ(w.alert_recipients(1), names{"bob"});
  w.conv(1).link(owned_card("sam", "sue"));
  EXPECT_EQ(w.alert_recipients(1), (names{"bob", "sam", "sue"}));
}

TEST_F(Alerts, LastManualSenderWhenNoOwners) {
  w.reply(1, 100, "alice");
  w.reply(1, 150, "carol");
  w.send(1, 175, message_kind::campaign);
  w.receive(1, 200);
  EXPECT_EQ(w.alert_recipients(1), names{"carol"});
}

TEST_F(Alerts, EveryoneWhoSeesItWhenNoOneElse) {
  w.receive(1, 100);
  // everyone with view_messages in the north: not `south`, not `noview`
  EXPECT_EQ(w.alert_recipients(1), (names{"alice", "bob", "carol", "sam", "sue"}));
}

TEST_F(Alerts, SubscribeAllAdded) {
  w.dir.staff["carol"].subscribe_all = true;
  w.conv(1).set_assignee("bob");
  w.receive(1, 100);
  EXPECT_EQ(w.alert_recipients(1), (names{"bob", "carol"}));
  w.conv(1).set_assignee("");
  w.reply(1, 200, "alice");
  w.receive(1, 300);
  EXPECT_EQ(w.alert_recipients(1), (names{"alice", "carol"}));
}

TEST_F(Alerts, SubscribeAllOwnerListedOnce) {
  w.dir.staff["bob"].subscribe_all = true;
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(w.alert_recipients(1), names{"bob"});
}

TEST_F(Alerts, SubscribeAllOutsideLocationsNotAdded) {
  w.dir.staff["south"].subscribe_all = true;
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(w.alert_recipients(1), names{"bob"});
}

TEST_F(Alerts, NotifySalesOffDropsSalesOwner) {
  w.conv(1).link(owned_card("sam", "sue"));
  w.dir.settings.notify_sales = false;
  EXPECT_EQ(w.alert_recipients(1), names{"sue"});
  // with neither owner counted, the chain falls through to the last manual sender
  w.dir.settings.notify_service = false;
  w.reply(1, 100, "alice");
  EXPECT_EQ(w.alert_recipients(1), names{"alice"});
}

TEST_F(Alerts, NotifyServiceOffDropsServiceOwner) {
  w.conv(1).link(owned_card("sam", "sue"));
  w.dir.settings.notify_service = false;
  EXPECT_EQ(w.alert_recipients(1), names{"sam"});
}

TEST_F(Alerts, WhoCannotSeeItIsRemoved) {
  // an owner outside the conversation's location is an owner, so the chain stops there,
  // then removed because they cannot see it
  w.conv(1).set_assignee("south");
  EXPECT_TRUE(w.alert_recipients(1).empty());
  w.conv(1).set_assignee("noview");
  EXPECT_TRUE(w.alert_recipients(1).empty());
}

TEST_F(Alerts, UnknownOwnerCountsAsNone) {
  // an owner id that is not (or no longer) a staff member does not stop the chain
  w.conv(1).set_assignee("ghost");
  w.reply(1, 100, "alice");
  EXPECT_EQ(w.alert_recipients(1), names{"alice"});
}

TEST_F(Alerts, AssignedMode_EveryoneWhoSeesItIsSubscribeAllOnly) {
  w.dir.settings.visibility = visibility_mode::assigned;
  w.dir.staff["carol"].subscribe_all = true;
  w.dir.staff["mia"] = make_staff("mia", kManage);  // may open, does not see
  w.receive(1, 100);
  EXPECT_EQ(w.alert_recipients(1), names{"carol"});
}

TEST_F(Alerts, AssignedMode_LastSenderWhoCannotSeeItIsRemoved) {
  w.dir.settings.visibility = visibility_mode::assigned;
  w.dir.staff["mia"] = make_staff("mia", kManage);
  w.reply(1, 100, "mia");
  w.receive(1, 200);
  EXPECT_TRUE(w.alert_recipients(1).empty());
}

TEST_F(Alerts, RecipientsSortedUnique) {
  w.conv(1).link(owned_card("sam", "bob"));
  w.conv(1).set_assignee("sam");
  auto r = w.alert_recipients(1);
  EXPECT_EQ(r, (names{"bob", "sam"}));
}

// ---- Alerts: the alert centre (inbox_view)
// -------------------------------------------------------------

TEST_F(Alerts, MutedGetsNone) {
  // Given alice muted conversation 1
  inbox_view inbox("alice");
  inbox.set_muted(1, true);
  // When an alert is raised for it (message or assigned)
  EXPECT_FALSE(inbox.raise_alert(alert_kind::message, 1, 10, 100).has_value());
  EXPECT_FALSE(inbox.raise_alert(alert_kind::assigned, 1, 0, 110).has_value());
  // Then none reaches her; other conversations still alert
  EXPECT_TRUE(inbox.alerts(10).empty());
  EXPECT_TRUE(inbox.raise_alert(alert_kind::message, 2, 11, 120).has_value());
  // and after unmuting it alerts again
  inbox.set_muted(1, false);
  EXPECT_TRUE(inbox.raise_alert(alert_kind::message, 1, 12, 130).has_value());
  EXPECT_EQ(inbox.alerts(10).size(), 2u);
}

TEST_F(Alerts, MuteIsPerStaff) {
  inbox_view alice("alice");
  inbox_view bob("bob");
  alice.set_muted(1, true);
  EXPECT_FALSE(alice.raise_alert(alert_kind::message, 1, 10, 100));
  EXPECT_TRUE(bob.raise_alert(alert_kind::message, 1, 10, 100));
}

TEST_F(Alerts, Assigning_RaisesAssignedAlert) {
  inbox_view inbox("bob");
  auto a = inbox.raise_alert(alert_kind::assigned, 7, 0, 500);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->kind, alert_kind::assigned);
  EXPECT_EQ(a->conversation, 7u);
  EXPECT_EQ(a->message, 0u);
  EXPECT_EQ(a->at, 500);
  EXPECT_FALSE(a->acked);
}

TEST_F(Alerts, ListedNewestFirst) {
  inbox_view inbox("alice");
  auto a = inbox.raise_alert(alert_kind::message, 1, 10, 100);
  auto b = inbox.raise_alert(alert_kind::message, 2, 11, 200);
  auto c = inbox.raise_alert(alert_kind::assigned, 3, 0, 300);
  ASSERT_TRUE(a && b && c);
  EXPECT_LT(a->id, b->id);
  EXPECT_LT(b->id, c->id);
  auto all = inbox.alerts(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c->id);
  EXPECT_EQ(all[1].id, b->id);
  EXPECT_EQ(all[2].id, a->id);
  auto two = inbox.alerts(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, c->id);
  EXPECT_EQ(two[1].id, b->id);
  EXPECT_TRUE(inbox.alerts(0).empty());
}

TEST_F(Alerts, CanBeAcknowledged) {
  inbox_view inbox("alice");
  auto a = inbox.raise_alert(alert_kind::message, 1, 10, 100);
  auto b = inbox.raise_alert(alert_kind::message, 2, 11, 200);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(inbox.ack_alert(a->id).ok());
  auto all = inbox.alerts(10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].acked);  // b
  EXPECT_TRUE(all[1].acked);   // a
  EXPECT_TRUE(inbox.ack_alert(a->id).ok()) << "acking twice is harmless";
  auto unknown = inbox.ack_alert(b->id + 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, errc::not_found);
}

TEST_F(Alerts, OldestDroppedBeyondTheCap) {
  inbox_view inbox("alice");
  auto first = inbox.raise_alert(alert_kind::message, 1, 1, 0);
  ASSERT_TRUE(first);
  for (std::size_t i = 0; i < kMaxAlertsKept; ++i)
    ASSERT_TRUE(inbox.raise_alert(alert_kind::message, 1, 2 + i, 1));
  EXPECT_EQ(inbox.alerts(kMaxAlertsKept + 10).size(), kMaxAlertsKept);
  EXPECT_EQ(inbox.ack_alert(first->id).error().code, errc::not_found);
  EXPECT_TRUE(inbox.ack_alert(first->id + 1).ok());
}

// ---- Badge -------------------------------------------------------------------------------

class Badge : public ::testing::Test {
 protected:
  Badge() : w(make_directory({make_staff("alice", kAllRights), make_staff("bob")})) {
    // 1: two unread, 2: one unread, 3: read
    w.start(1, "+15557770001");
    w.receive(1, 100);
    w.receive(1, 110);
    w.start(2, "+15557770002");
    w.receive(2, 200);
    w.start(3, "+15557770003");
    w.receive(3, 300);
    w.conv(3).mark_read("alice", w.dir);
  }
  world w;
};

TEST_F(Badge, CountsUnreadConversationsAndMessages) {
  auto inbox = w.inbox_for("alice");
  EXPECT_EQ(inbox.current_badge(), (badge{2, 3}));
}

TEST_F(Badge, ExcludesMutedArchivedHidden) {
  auto inbox = w.inbox_for("alice");
  ASSERT_EQ(inbox.current_badge(), (badge{2, 3}));
  // muted by alice
  EXPECT_TRUE(inbox.set_muted(1, true));
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
  // archived
  w.conv(2).set_archived(true);
  w.sync(inbox, 2);
  EXPECT_EQ(inbox.current_badge(), (badge{0, 0}));
  // hidden
  w.conv(2).set_archived(false);
  w.conv(2).set_hidden(true);
  w.sync(inbox, 2);
  EXPECT_EQ(inbox.current_badge(), (badge{0, 0}));
  // restoring each brings it back
  w.conv(2).set_hidden(false);
  w.sync(inbox, 2);
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
  inbox.set_muted(1, false);
  EXPECT_EQ(inbox.current_badge(), (badge{2, 3}));
}

TEST_F(Badge, MuteIsPerStaff) {
  auto alice = w.inbox_for("alice");
  auto bob = w.inbox_for("bob");
  alice.set_muted(1, true);
  EXPECT_EQ(alice.current_badge(), (badge{1, 1}));
  EXPECT_EQ(bob.current_badge(), (badge{2, 3}));
}

TEST_F(Badge, MutedBeforeItArrives_StillExcluded) {
  inbox_view inbox("alice");
  inbox.set_muted(1, true);
  w.sync(inbox);
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
}

TEST_F(Badge, FollowsReadingAndNewMessages) {
  auto inbox = w.inbox_for("alice");
  w.conv(1).mark_read("alice", w.dir);
  w.sync(inbox, 1);
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
  w.receive(3, 400);
  w.receive(3, 410);
  w.sync(inbox, 3);
  EXPECT_EQ(inbox.current_badge(), (badge{2, 3}));
  w.reply(3, 500, "alice");
  w.sync(inbox, 3);
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
}

TEST_F(Badge, MarkedUnreadAtZero_CountsTheConversationOnly) {
  auto inbox = w.inbox_for("alice");
  w.reply(3, 400, "alice");
  w.conv(3).mark_unread("alice", w.dir);
  w.sync(inbox, 3);
  EXPECT_EQ(inbox.current_badge(), (badge{3, 3}));
}

TEST_F(Badge, OnlyWhatTheyCanSee) {
  w.dir.settings.visibility = visibility_mode::assigned;
  w.conv(2).set_assignee("bob");
  w.dir.staff["mia"] = make_staff("mia", kManage);
  EXPECT_EQ(w.inbox_for("bob").current_badge(), (badge{1, 1}));
  EXPECT_EQ(w.inbox_for("mia").current_badge(), (badge{0, 0}));  // open only
}

}  // namespace
}  // namespace msgcenter
