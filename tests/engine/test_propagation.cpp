// Actor-level tests: conversation and inbox actors tell each other about reads,
// assignment, mutes and pins, and every reply comes after its effects are visible.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace msgcenter::testing {
namespace {

using Propagation = EngineTest;

TEST_F(Propagation, SharedMode_AnaReading_ClearsBensBadge) {
  auto in = receive("Can I book for Friday?");
  EXPECT_EQ(badge_of("ben").unread_conversations, 1u);
  EXPECT_EQ(badge_of("ben").unread_messages, 1u);

  ASSERT_TRUE(mc->conversation_messages(as("ana"), {in.conversation, {}, 50, true}).ok());

  EXPECT_EQ(badge_of("ben").unread_conversations, 0u) << "shared mode: anyone's read counts";
  EXPECT_EQ(badge_of("ana").unread_conversations, 0u);
}

TEST_F(Propagation, PerStaffMode_AnaReading_LeavesBensBadge) {
  set_read_status(read_status_mode::per_staff);
  auto in = receive("Can I book for Friday?");
  ASSERT_TRUE(mc->conversation_messages(as("ana"), {in.conversation, {}, 50, true}).ok());

  EXPECT_EQ(badge_of("ana").unread_conversations, 0u);
  EXPECT_EQ(badge_of("ben").unread_conversations, 1u) << "per-staff: unread until ben reads";
  auto rows = mc->inbox_list(as("ben"), inbox_query{});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].current_folder, folder::unread);
}

TEST_F(Propagation, MarkUnread_ByAna_ShowsInBensInboxAtOnce) {
  auto in = receive("hello");
  ASSERT_TRUE(mc->conversation_messages(as("ben"), {in.conversation, {}, 50, true}).ok());
  ASSERT_EQ(badge_of("ana").unread_conversations, 0u);
  auto row =
      mc->conversation_action(as("ana"), {in.conversation, conversation_action::mark_unread});
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->current_folder, folder::unread);
  EXPECT_EQ(badge_of("ben").unread_conversations, 1u);
  EXPECT_EQ(badge_of("ben").unread_messages, 1u) << "one inbound since the last outbound";
}

TEST_F(Propagation, MuteIsPerStaff_RemovesFromOwnBadgeOnly) {
  auto in = receive("hello");
  auto row = mc->conversation_action(as("ben"), {in.conversation, conversation_action::mute});
  ASSERT_TRUE(row.ok());
  EXPECT_TRUE(row->muted);
  EXPECT_EQ(badge_of("ben").unread_conversations, 0u);
  EXPECT_EQ(badge_of("ana").unread_conversations, 1u);
  receive("anyone there?");
  auto alerts = mc->alerts_list(as("ben"), {50});
  ASSERT_TRUE(alerts.ok());
  EXPECT_EQ(alerts->size(), 1u) << "only the alert from before the mute";
  auto ana_alerts = mc->alerts_list(as("ana"), {50});
  EXPECT_EQ(ana_alerts->size(), 2u);
}

TEST_F(Propagation, Assign_SendsAlertToAssignee_AndVisibilityFollows) {
  business_put_request r{"Lotus Spa", "US", "", {}};
  r.settings.visibility = visibility_mode::assigned;
  ASSERT_TRUE(mc->business_put(admin(), r).ok());
  auto in = receive("who can help me?");
  // Nobody owns it yet: ben (no manage right, no subscribe_all) cannot see it.
  auto ben_rows = mc->inbox_list(as("ben"), inbox_query{});
  ASSERT_TRUE(ben_rows.ok());
  EXPECT_TRUE(ben_rows->rows.empty());
  EXPECT_EQ(mc->conversation_messages(as("ben"), {in.conversation, {}, 50, false}).error().code,
            errc::not_found);

  action_request assign{in.conversation, conversation_action::assign, "ben"};
  ASSERT_TRUE(mc->conversation_action(as("ana"), assign).ok());

  ben_rows = mc->inbox_list(as("ben"), inbox_query{});
  ASSERT_EQ(ben_rows->rows.size(), 1u);
  EXPECT_EQ(ben_rows->rows[0].view.assignee, "ben");
  auto alerts = mc->alerts_list(as("ben"), {50});
  ASSERT_FALSE(alerts->empty());
  EXPECT_EQ(alerts->front().kind, alert_kind::assigned);
}

TEST_F(Propagation, Pin_ListedFirstForThatStaffOnly) {
  auto first = receive("first", "+12025550142");
  receive("second", "+12025550143");
  ASSERT_TRUE(
      mc->conversation_action(as("ben"), {first.conversation, conversation_action::pin}).ok());
  auto ben = mc->inbox_list(as("ben"), inbox_query{});
  auto ana = mc->inbox_list(as("ana"), inbox_query{});
  ASSERT_EQ(ben->rows.size(), 2u);
  ASSERT_EQ(ana->rows.size(), 2u);
  EXPECT_EQ(ben->rows[0].view.id, first.conversation);
  EXPECT_TRUE(ben->rows[0].pinned);
  EXPECT_NE(ana->rows[0].view.id, first.conversation) << "ana did not pin it: newest first";
}

TEST_F(Propagation, NewStaff_SeesExistingConversations) {
  receive("hello");
  put_staff("cleo", bit(right::view_messages));
  auto rows = mc->inbox_list(as("cleo"), inbox_query{});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(badge_of("cleo").unread_conversations, 1u);
}

TEST_F(Propagation, RevokedRight_RemovesConversationsFromInbox) {
  receive("hello");
  put_staff("ben", 0);
  EXPECT_EQ(mc->inbox_list(as("ben"), inbox_query{}).error().code, errc::permission_denied);
  put_staff("ben", bit(right::view_messages));
  EXPECT_EQ(mc->inbox_list(as("ben"), inbox_query{})->rows.size(), 1u);
}

TEST_F(Propagation, ContactUpsert_LinksExistingConversation) {
  auto in = receive("hi, it's Zoë");
  contact c;
  c.id = "k1";
  c.first_name = "Zoë";
  c.last_name = "Martin";
  c.phones = {"(202) 555-0142"};
  ASSERT_TRUE(mc->contact_put(admin(), {c}).ok());
  auto row = mc->conversation_get(as("ben"), {in.conversation});
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row->row.view.contact.has_value());
  EXPECT_EQ(row->row.view.contact->id, "k1");
  inbox_query q;
  q.q = "zoe";
  EXPECT_EQ(mc->inbox_list(as("ben"), q)->rows.size(), 1u);
}

TEST_F(Propagation, ContactUpsert_TwoContactsSamePhone_StaysUnlinked) {
  contact a;
  a.id = "k1";
  a.phones = {kClient};
  contact b = a;
  b.id = "k2";
  ASSERT_TRUE(mc->contact_put(admin(), {a}).ok());
  ASSERT_TRUE(mc->contact_put(admin(), {b}).ok());
  auto in = receive("who am I?");
  auto row = mc->conversation_get(as("ben"), {in.conversation});
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->row.view.contact.has_value());
}

}  // namespace
}  // namespace msgcenter::testing
