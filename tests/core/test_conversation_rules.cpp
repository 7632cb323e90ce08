// spec "Messages" and "Folders", and the shared half of "Pin, mute, archive, hide" and
// "Assignment": what appending a message, reading, marking unread, archiving, hiding and
// assigning do to one conversation_state.
#include <gtest/gtest.h>

#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/conversation.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

const std::string kPhone = "+15557770001";

class Folders : public ::testing::Test {
 protected:
  Folders() : w(make_directory({make_staff("alice", kAllRights), make_staff("bob", kAllRights)})) {
    w.start(1, kPhone);
  }
  conversation_state& c() { return w.conv(1); }
  world w;
};

// ---- Messages --------------------------------------------------------------------------

TEST(Messages, SystemMessage_ChangesNoFolderCountOrOrder) {
  // Given a conversation whose inbound was read, so it is `read`
  world w(make_directory({make_staff("alice")}));
  w.start(1, kPhone);
  w.receive(1, 1000, "hi there");
  w.conv(1).mark_read("alice", w.dir);
  auto before = w.view(1, "alice");
  ASSERT_EQ(before.current_folder(), folder::read);
  // When the engine stores an outbound consent text and an inbound system message later on
  w.system_text(1, 5000, direction::out);
  w.system_text(1, 6000, direction::in);
  // Then folder, unread count, order (last activity), direction, preview and count stay put
  auto after = w.view(1, "alice");
  EXPECT_EQ(after.current_folder(), folder::read);
  EXPECT_EQ(after.unread_count(), 0u);
  EXPECT_EQ(after.last_activity, 1000);
  EXPECT_EQ(after.last_direction, direction::in);
  EXPECT_EQ(after.preview, "hi there");
  EXPECT_EQ(after.message_count, 1u);
  EXPECT_EQ(after.inbound_count, 1u);
  EXPECT_EQ(after.types, before.types);
}

TEST(Messages, SystemMessage_IsStoredButNotAThreadMessage) {
  world w(make_directory());
  w.start(1, kPhone);
  auto id = w.system_text(1, 100);
  const auto& msgs = w.conv(1).messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].id, id);
  EXPECT_EQ(msgs[0].kind, message_kind::system);
  auto fx = w.conv(1).append(outbound(w.next_id++, 200, message_kind::system), w.dir);
  EXPECT_FALSE(fx.visible);
  EXPECT_FALSE(fx.unarchived);
  EXPECT_FALSE(fx.unhidden);
  EXPECT_EQ(w.conv(1).messages().size(), 2u);
}

TEST(Messages, SystemMessage_DoesNotUnarchiveOrUnhide) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  w.conv(1).set_archived(true);
  w.conv(1).set_hidden(true);
  w.system_text(1, 200);
  EXPECT_TRUE(w.conv(1).archived());
  EXPECT_TRUE(w.conv(1).hidden());
}

TEST(Messages, SystemOnlyConversation_HasNoListableMessages) {
  world w(make_directory());
  w.start(1, kPhone);
  w.system_text(1, 100);
  auto v = w.view(1, "alice");
  EXPECT_FALSE(v.has_messages);
  EXPECT_EQ(v.message_count, 0u);
  EXPECT_EQ(v.current_folder(), folder::read);
}

TEST(Messages, SystemInbound_DoesNotMakeUnread) {
  world w(make_directory());
  w.start(1, kPhone);
  w.reply(1, 100, "alice");
  w.system_text(1, 200, direction::in);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
}

TEST(Messages, TimesNeverGoBackwards) {
  // Given a conversation whose latest message is at t=2000
  world w(make_directory());
  w.start(1, kPhone, kNorthNumber, 10);
  w.receive(1, 2000);
  // When a message claims an earlier time
  auto late = w.receive(1, 1500);
  // Then it is stored at the latest time seen, and effective_time never goes back
  EXPECT_EQ(w.conv(1).find(late)->at, 2000);
  EXPECT_EQ(w.conv(1).effective_time(500), 2000);
  EXPECT_EQ(w.conv(1).effective_time(3000), 3000);
  EXPECT_EQ(w.view(1, "x").last_activity, 2000);
}

TEST(Messages, TimesNeverGoBackwards_EvenPastASystemMessage) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 1000);
  w.system_text(1, 3000);
  auto id = w.receive(1, 2000);
  EXPECT_EQ(w.conv(1).find(id)->at, 3000);
  EXPECT_EQ(w.conv(1).last_time(), 3000);
  EXPECT_EQ(w.view(1, "x").last_activity, 3000);
}

TEST(Messages, TimesNeverGoBackwards_BeforeCreation) {
  world w(make_directory());
  w.start(1, kPhone, kNorthNumber, 5000);
  auto id = w.receive(1, 4000);
  EXPECT_EQ(w.conv(1).find(id)->at, 5000);
}

TEST(Messages, IdsIncrease_FindLooksUpById) {
  world w(make_directory());
  w.start(1, kPhone);
  auto a = w.receive(1, 100);
  auto b = w.reply(1, 200, "alice");
  auto s = w.system_text(1, 300);
  EXPECT_LT(a, b);
  EXPECT_LT(b, s);
  ASSERT_NE(w.conv(1).find(b), nullptr);
  EXPECT_EQ(w.conv(1).find(b)->dir, direction::out);
  EXPECT_EQ(w.conv(1).find(s)->kind, message_kind::system);
  EXPECT_EQ(w.conv(1).find(999), nullptr);
  EXPECT_EQ(w.conv(1).find(0), nullptr);
}

TEST(Messages, DuplicateInbound_OriginalKeptWithItsProviderId) {
  // The business actor detects the repeated provider_id; the conversation keeps the original
  // so it can be returned as is.
  world w(make_directory());
  w.start(1, kPhone);
  auto m = inbound(w.next_id++, 100, "original");
  m.provider_id = "SM123";
  w.conv(1).append(m, w.dir);
  const auto* kept = w.conv(1).find(m.id);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->provider_id, "SM123");
  EXPECT_EQ(kept->body, "original");
  EXPECT_EQ(w.conv(1).messages().size(), 1u);
}

TEST(Messages, ProviderId_RecordedOnlyForHeldMessages) {
  world w(make_directory());
  w.start(1, kPhone);
  auto id = w.reply(1, 100, "alice");
  EXPECT_TRUE(w.conv(1).set_provider_id(id, "SM9"));
  EXPECT_EQ(w.conv(1).find(id)->provider_id, "SM9");
  EXPECT_FALSE(w.conv(1).set_provider_id(id + 100, "SM10"));
}

TEST(Messages, StatusCallback_RecordsStatusAndErrorCode) {
  world w(make_directory());
  w.start(1, kPhone);
  auto a = w.reply(1, 100, "alice");  // `sent`
  auto b = w.reply(1, 200, "alice");
  EXPECT_TRUE(w.conv(1).update_status(a, message_status::delivered, ""));
  EXPECT_EQ(w.conv(1).find(a)->status, message_status::delivered);
  EXPECT_TRUE(w.conv(1).update_status(b, message_status::undelivered, "30003"));
  EXPECT_EQ(w.conv(1).find(b)->status, message_status::undelivered);
  EXPECT_EQ(w.conv(1).find(b)->error_code, "30003");
  EXPECT_FALSE(w.conv(1).update_status(b + 1, message_status::failed, "x"));
}

TEST(Messages, StatusCallback_OnlyMovesForward) {
  // queued -> sent -> delivered | undelivered | failed: a late or repeated callback for an
  // earlier stage, or a second final status, leaves the first final status in place.
  world w(make_directory());
  w.start(1, kPhone);
  auto m = outbound(w.next_id++, 100, message_kind::manual, "alice");
  m.status = message_status::queued;
  w.conv(1).append(m, w.dir);
  EXPECT_TRUE(w.conv(1).update_status(m.id, message_status::sent, ""));
  EXPECT_EQ(w.conv(1).find(m.id)->status, message_status::sent);
  EXPECT_TRUE(w.conv(1).update_status(m.id, message_status::delivered, ""));
  EXPECT_TRUE(w.conv(1).update_status(m.id, message_status::sent, ""));
  EXPECT_TRUE(w.conv(1).update_status(m.id, message_status::queued, ""));
  EXPECT_TRUE(w.conv(1).update_status(m.id, message_status::failed, "30008"));
  EXPECT_EQ(w.conv(1).find(m.id)->status, message_status::delivered);
  EXPECT_EQ(w.conv(1).find(m.id)->error_code, "");
  EXPECT_EQ(w.view(1, "x").types & type_failed, 0);
}

TEST(Messages, StatusCallback_NeverChangesAnInboundMessage) {
  // An inbound message keeps its carrier id (duplicates are found by it), but a delivery
  // status is about outbound messages: `received` never becomes `failed`.
  world w(make_directory());
  w.start(1, kPhone);
  auto in = w.receive(1, 100);
  EXPECT_TRUE(w.conv(1).update_status(in, message_status::failed, "30003"));
  EXPECT_EQ(w.conv(1).find(in)->status, message_status::received);
  EXPECT_EQ(w.conv(1).find(in)->error_code, "");
  EXPECT_EQ(w.view(1, "x").types & type_failed, 0) << "the failed filter does not find it";
}

TEST(Messages, StatusCallback_FailedOrUndeliveredSetsTheFailedType) {
  world w(make_directory());
  w.start(1, kPhone);
  auto a = w.reply(1, 100, "alice");
  auto b = w.send(1, 200, message_kind::campaign);
  EXPECT_EQ(w.view(1, "x").types & type_failed, 0);
  w.conv(1).update_status(a, message_status::delivered, "");
  EXPECT_EQ(w.view(1, "x").types & type_failed, 0) << "delivered is not failed";
  w.conv(1).update_status(b, message_status::undelivered, "30005");
  EXPECT_NE(w.view(1, "x").types & type_failed, 0);
  w.start(2, "+15557770002");
  auto c = w.send(2, 300, message_kind::notification);
  w.conv(2).update_status(c, message_status::failed, "30006");
  EXPECT_EQ(w.view(2, "x").types, type_notification | type_failed);
}

TEST(Messages, TypesOfAConversation_InboundCountsAsManual) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  EXPECT_EQ(w.view(1, "x").types, type_manual);
  w.send(1, 200, message_kind::campaign);
  EXPECT_EQ(w.view(1, "x").types, type_manual | type_campaign);
  w.send(1, 300, message_kind::notification);
  EXPECT_EQ(w.view(1, "x").types, type_manual | type_campaign | type_notification);
  w.start(2, "+15557770002");
  auto failed = outbound(w.next_id++, 100, message_kind::notification);
  failed.status = message_status::failed;
  w.conv(2).append(failed, w.dir);
  EXPECT_EQ(w.view(2, "x").types, type_notification | type_failed);
}

// ---- Folders ---------------------------------------------------------------------------

TEST_F(Folders, NewInbound_IsUnread) {
  w.receive(1, 100);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
}

TEST_F(Folders, EmptyConversation_IsRead) { EXPECT_EQ(w.folder_of(1, "alice"), folder::read); }

TEST_F(Folders, ReadAndLastInbound_IsRead) {
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::read);
}

TEST_F(Folders, LastNonSystemOutbound_IsReplied) {
  w.receive(1, 100);
  w.reply(1, 200, "alice");
  w.system_text(1, 300, direction::in);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
}

TEST_F(Folders, CampaignAsLastMessage_IsRepliedWhenNothingUnread) {
  w.send(1, 100, message_kind::campaign);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
}

TEST_F(Folders, ArchivedWinsOverUnread) {
  w.receive(1, 100);
  c().set_archived(true);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::archived);
  c().mark_unread("alice", w.dir);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::archived);
}

TEST_F(Folders, UnreadWinsOverReplied) {
  w.receive(1, 100);
  w.send(1, 200, message_kind::campaign);  // a campaign marks nothing read
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
}

TEST_F(Folders, ExactlyOneFolderPerViewer) {
  // folder is a single value; check every state reaches the one the spec orders first
  w.receive(1, 100);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  c().mark_read("alice", w.dir);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::read);
  w.reply(1, 200, "alice");
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
  c().set_archived(true);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::archived);
}

TEST_F(Folders, Inbox_IsEveryFolderButArchived) {
  // Given one conversation in each folder
  w.receive(1, 100);  // unread
  w.start(2, "+15557770002");
  w.receive(2, 200);
  w.conv(2).mark_read("alice", w.dir);  // read
  w.start(3, "+15557770003");
  w.reply(3, 300, "alice");  // replied
  w.start(4, "+15557770004");
  w.receive(4, 400);
  w.conv(4).set_archived(true);  // archived
  // Then the `inbox` folder filter holds the first three only
  auto inbox = w.inbox_for("alice");
  EXPECT_EQ(list_ids(inbox), (ids{3, 2, 1}));
  inbox_query all;
  all.folder = folder_filter::all;
  EXPECT_EQ(list_ids(inbox, all), (ids{4, 3, 2, 1}));
}

TEST_F(Folders, ArchivedConversation_InboundMovesToUnread) {
  // Given an archived conversation
  w.receive(1, 100);
  w.conv(1).mark_read("alice", w.dir);
  w.conv(1).set_archived(true);
  // When a client texts in
  auto fx = w.conv(1).append(inbound(w.next_id++, 200), w.dir);
  // Then it leaves the archive and is unread
  EXPECT_TRUE(fx.unarchived);
  EXPECT_FALSE(w.conv(1).archived());
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
}

TEST_F(Folders, ManualReplyInArchived_LeavesArchiveAsReplied) {
  w.receive(1, 100);
  w.conv(1).set_archived(true);
  auto fx = w.conv(1).append(outbound(w.next_id++, 200, message_kind::manual, "alice"), w.dir);
  EXPECT_TRUE(fx.unarchived);
  EXPECT_FALSE(w.conv(1).archived());
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
}

TEST_F(Folders, CampaignSendDoesNotUnarchive) {
  w.receive(1, 100);
  w.conv(1).set_archived(true);
  auto fx = w.conv(1).append(outbound(w.next_id++, 200, message_kind::campaign), w.dir);
  EXPECT_FALSE(fx.unarchived);
  EXPECT_TRUE(w.conv(1).archived());
  EXPECT_EQ(w.folder_of(1, "alice"), folder::archived);
}

TEST_F(Folders, NotificationSendDoesNotUnarchive) {
  w.receive(1, 100);
  w.conv(1).set_archived(true);
  auto fx = w.conv(1).append(outbound(w.next_id++, 200, message_kind::notification), w.dir);
  EXPECT_FALSE(fx.unarchived);
  EXPECT_TRUE(w.conv(1).archived());
}

TEST_F(Folders, NotArchived_AppendReportsNoUnarchive) {
  auto fx = w.conv(1).append(inbound(w.next_id++, 100), w.dir);
  EXPECT_TRUE(fx.visible);
  EXPECT_FALSE(fx.unarchived);
  EXPECT_FALSE(fx.unhidden);
}

TEST_F(Folders, ManualReply_MarksReadForSender) {
  // Given two unread inbound messages, when alice replies
  w.receive(1, 100);
  w.receive(1, 200);
  ASSERT_EQ(w.unread_of(1, "alice"), 2u);
  w.reply(1, 300, "alice");
  // Then she has nothing unread and it is `replied` (shared mode: for everyone)
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::replied);
}

TEST_F(Folders, ManualReply_ClearsMarkedUnread) {
  w.receive(1, 100);
  c().mark_unread("bob", w.dir);
  w.reply(1, 200, "alice");
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
}

TEST_F(Folders, CampaignOrNotification_DoesNotMarkRead) {
  w.receive(1, 100);
  w.send(1, 200, message_kind::campaign);
  w.send(1, 300, message_kind::notification);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
}

TEST_F(Folders, Opening_MarksReadForViewer) {
  w.receive(1, 100);
  w.receive(1, 200);
  c().mark_read("alice", w.dir);
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::read);
}

TEST_F(Folders, MarkRead_ClearsMarkedUnread) {
  w.reply(1, 100, "alice");
  c().mark_unread("alice", w.dir);
  ASSERT_EQ(w.folder_of(1, "alice"), folder::unread);
  c().mark_read("alice", w.dir);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
}

TEST_F(Folders, MarkUnread_CountIsInboundSinceLastOutbound) {
  // Given in, in, out, in, in, all read
  w.receive(1, 100);
  w.receive(1, 200);
  w.reply(1, 300, "alice");
  w.receive(1, 400);
  w.receive(1, 500);
  w.conv(1).mark_read("alice", w.dir);
  ASSERT_EQ(w.unread_of(1, "alice"), 0u);
  // When alice marks it unread
  w.conv(1).mark_unread("alice", w.dir);
  // Then it is unread with the two inbound since the reply
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "alice"), 2u);
}

TEST_F(Folders, MarkUnread_CampaignCountsAsTheLastOutbound) {
  w.receive(1, 100);
  w.receive(1, 200);
  w.send(1, 300, message_kind::campaign);
  w.receive(1, 400);
  w.conv(1).mark_read("alice", w.dir);
  w.conv(1).mark_unread("alice", w.dir);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
}

TEST_F(Folders, MarkUnread_SystemOutboundIsNotTheLastOutbound) {
  w.reply(1, 50, "alice");
  w.receive(1, 100);
  w.system_text(1, 200);  // the engine's consent text is not "the last outbound message"
  w.receive(1, 300);
  w.conv(1).mark_read("alice", w.dir);
  w.conv(1).mark_unread("alice", w.dir);
  EXPECT_EQ(w.unread_of(1, "alice"), 2u);
}

TEST_F(Folders, MarkUnread_NoOutbound_CountsEveryInbound) {
  w.receive(1, 100);
  w.receive(1, 200);
  w.receive(1, 300);
  w.conv(1).mark_read("alice", w.dir);
  w.conv(1).mark_unread("alice", w.dir);
  EXPECT_EQ(w.unread_of(1, "alice"), 3u);
}

TEST_F(Folders, MarkUnread_StaysUnreadAtZero) {
  // Given the last message is alice's reply (nothing inbound since)
  w.receive(1, 100);
  w.reply(1, 200, "alice");
  ASSERT_EQ(w.folder_of(1, "alice"), folder::replied);
  // When she marks it unread
  w.conv(1).mark_unread("alice", w.dir);
  // Then it is `unread` although its count is 0
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
}

TEST_F(Folders, MarkUnreadAtZero_NewInboundCountsFromThere) {
  w.reply(1, 100, "alice");
  w.conv(1).mark_unread("alice", w.dir);
  w.receive(1, 200);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
}

TEST_F(Folders, UnreadCount_IsInboundAfterReadPoint) {
  // Given three inbound read, then two more inbound and outbound of every kind
  for (millis t : {100, 200, 300}) w.receive(1, t);
  w.conv(1).mark_read("alice", w.dir);
  w.receive(1, 400);
  w.send(1, 450, message_kind::campaign);
  w.receive(1, 500);
  w.system_text(1, 600, direction::in);
  // Then only the two later inbound thread messages are unread
  EXPECT_EQ(w.unread_of(1, "alice"), 2u);
  EXPECT_EQ(w.view(1, "alice").inbound_count, 5u);
}

TEST_F(Folders, UnreadCount_OutboundOnlyIsZero) {
  w.reply(1, 100, "alice");
  w.send(1, 200, message_kind::notification);
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
}

TEST_F(Folders, ViewComputesFolderFromItsFields) {
  conversation_view v;
  v.has_messages = true;
  v.inbound_count = 2;
  v.read.seen = 1;
  EXPECT_EQ(v.current_folder(), folder::unread);
  EXPECT_EQ(v.unread_count(), 1u);
  EXPECT_TRUE(v.unread());
  v.read.seen = 2;
  v.last_direction = direction::in;
  EXPECT_EQ(v.current_folder(), folder::read);
  v.last_direction = direction::out;
  EXPECT_EQ(v.current_folder(), folder::replied);
  v.read.marked_unread = true;
  EXPECT_EQ(v.current_folder(), folder::unread);
  EXPECT_EQ(v.unread_count(), 0u);
  v.archived = true;
  EXPECT_EQ(v.current_folder(), folder::archived);
  EXPECT_FALSE(v.unread());
}

// ---- Archive and hide (shared state) ---------------------------------------------------

TEST(Archive, IsShared_EveryViewerSeesItArchived) {
  world w(make_directory({make_staff("alice"), make_staff("bob")}));
  w.set_read_mode(read_status_mode::per_staff);
  w.start(1, kPhone);
  w.receive(1, 100);
  w.conv(1).set_archived(true);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::archived);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::archived);
  EXPECT_TRUE(w.view(1, "bob").archived);
  w.conv(1).set_archived(false);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::unread);
}

TEST(Archive, Unarchive_RestoresTheComputedFolder) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  w.reply(1, 200, "alice");
  w.conv(1).set_archived(true);
  w.conv(1).set_archived(false);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
}

TEST(Hide, IsShared_EveryViewerSeesItHidden) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  w.conv(1).set_hidden(true);
  EXPECT_TRUE(w.view(1, "alice").hidden);
  EXPECT_TRUE(w.view(1, "bob").hidden);
}

TEST(Hide, NewInbound_Unhides) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  w.conv(1).set_hidden(true);
  auto fx = w.conv(1).append(inbound(w.next_id++, 200), w.dir);
  EXPECT_TRUE(fx.unhidden);
  EXPECT_FALSE(w.conv(1).hidden());
}

TEST(Hide, NewOutboundOfAnyKind_Unhides) {
  for (auto kind : {message_kind::manual, message_kind::campaign, message_kind::notification}) {
    world w(make_directory());
    w.start(1, kPhone);
    w.receive(1, 100);
    w.conv(1).set_hidden(true);
    auto fx = w.conv(1).append(outbound(w.next_id++, 200, kind, "alice"), w.dir);
    EXPECT_TRUE(fx.unhidden) << to_string(kind);
    EXPECT_FALSE(w.conv(1).hidden()) << to_string(kind);
  }
}

TEST(Hide, NeverDeletesOrUnsends) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  auto out = w.reply(1, 200, "alice");
  w.conv(1).set_hidden(true);
  EXPECT_EQ(w.conv(1).messages().size(), 2u);
  EXPECT_EQ(w.view(1, "alice").message_count, 2u);
  ASSERT_NE(w.conv(1).find(out), nullptr);
  EXPECT_EQ(w.conv(1).find(out)->status, message_status::sent);
}

TEST(Hide, DoesNotChangeTheFolder) {
  world w(make_directory());
  w.start(1, kPhone);
  w.receive(1, 100);
  w.conv(1).set_hidden(true);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_FALSE(w.conv(1).archived());
}

// ---- Assignment -------------------------------------------------------------------------

TEST(Assignment, AtMostOneAssignee_AssignReplaces) {
  world w(make_directory({make_staff("alice"), make_staff("bob")}));
  w.start(1, kPhone);
  w.conv(1).set_assignee("alice");
  w.conv(1).set_assignee("bob");
  EXPECT_EQ(w.conv(1).assignee(), "bob");
  EXPECT_EQ(w.view(1, "x").assignee, "bob");
  EXPECT_EQ(w.conv(1).subject(w.dir.settings).owners, names{"bob"});
}

TEST(Assignment, Unassign_LeavesNoOwner) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, kPhone);
  w.conv(1).set_assignee("alice");
  w.conv(1).set_assignee("");
  EXPECT_EQ(w.conv(1).assignee(), "");
  EXPECT_TRUE(w.conv(1).subject(w.dir.settings).owners.empty());
}

TEST(Assignment, LastManualSender_IsTheLatestManualAuthor) {
  world w(make_directory());
  w.start(1, kPhone);
  EXPECT_EQ(w.conv(1).last_manual_sender(), "");
  w.reply(1, 100, "alice");
  w.reply(1, 200, "bob");
  w.send(1, 300, message_kind::campaign);  // automation has no author and does not count
  w.receive(1, 400);
  EXPECT_EQ(w.conv(1).last_manual_sender(), "bob");
}

TEST(Assignment, SubjectCarriesNumberLocation) {
  world w(make_directory());
  w.start(1, kPhone, kSouthNumber);
  EXPECT_EQ(w.conv(1).subject(w.dir.settings).location, kSouth);
}

}  // namespace
}  // namespace msgcenter
