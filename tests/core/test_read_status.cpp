// spec "Read status mode": one shared read point, or one per staff member, and switching
// between them at runtime.
#include <gtest/gtest.h>

#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/inbox.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

const std::string kPhone = "+15557770001";

class ReadStatus : public ::testing::Test {
 protected:
  ReadStatus()
      : w(make_directory({make_staff("alice", kAllRights), make_staff("bob", kAllRights),
                          make_staff("carol", kAllRights)})) {
    w.start(1, kPhone);
  }
  conversation_state& c() { return w.conv(1); }
  world w;
};

TEST_F(ReadStatus, DefaultIsShared) {
  EXPECT_EQ(make_directory().settings.read_status, read_status_mode::shared);
}

TEST_F(ReadStatus, Shared_OneReadPointForEveryone) {
  // Given two unread inbound messages, when alice opens the conversation
  w.receive(1, 100);
  w.receive(1, 200);
  c().mark_read("alice", w.dir);
  // Then it is read for bob and carol too
  for (const char* s : {"alice", "bob", "carol"}) {
    EXPECT_EQ(w.unread_of(1, s), 0u) << s;
    EXPECT_EQ(w.folder_of(1, s), folder::read) << s;
  }
}

TEST_F(ReadStatus, Shared_MarkUnreadAffectsEveryone) {
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  c().mark_unread("bob", w.dir);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
  EXPECT_EQ(w.folder_of(1, "carol"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "carol"), 1u);
}

TEST_F(ReadStatus, Shared_ReplyMarksReadForEveryone) {
  w.receive(1, 100);
  w.reply(1, 200, "bob");
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.folder_of(1, "carol"), folder::replied);
}

TEST_F(ReadStatus, PerStaff_MessageStaysUnreadForOthers) {
  // Given per_staff mode and two inbound messages
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  w.receive(1, 200);
  // When alice reads them
  c().mark_read("alice", w.dir);
  // Then they are read for her only
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::read);
  EXPECT_EQ(w.unread_of(1, "bob"), 2u);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::unread);
  // and stay unread for bob until he reads them himself, whoever else did
  c().mark_read("carol", w.dir);
  EXPECT_EQ(w.unread_of(1, "bob"), 2u);
  c().mark_read("bob", w.dir);
  EXPECT_EQ(w.unread_of(1, "bob"), 0u);
}

TEST_F(ReadStatus, PerStaff_NewInboundIsUnreadForEachReader) {
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  w.receive(1, 200);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
  EXPECT_EQ(w.unread_of(1, "bob"), 2u);
}

TEST_F(ReadStatus, PerStaff_MarkUnreadOnlyForThatStaff) {
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  c().mark_read("bob", w.dir);
  c().mark_unread("bob", w.dir);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::unread);
  EXPECT_EQ(w.unread_of(1, "bob"), 1u);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::read);
}

TEST_F(ReadStatus, PerStaff_ReplyMarksReadOnlyForSender) {
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  w.reply(1, 200, "alice");
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::replied);
  EXPECT_EQ(w.unread_of(1, "bob"), 1u);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::unread);
}

TEST_F(ReadStatus, PerStaff_StaffWhoNeverReadStartsFromSharedPoint) {
  w.receive(1, 100);
  c().mark_read("alice", w.dir);  // shared: everyone has read message 1
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 200);
  // nobody read since the switch: each starts from the shared point (1 read, 1 unread)
  EXPECT_EQ(w.unread_of(1, "carol"), 1u);
  EXPECT_EQ(w.unread_of(1, "nobody-yet"), 1u);
}

TEST_F(ReadStatus, SwitchToPerStaff_StartsFromSharedPoint) {
  // Given shared mode where alice read two messages, and a third arrived
  w.receive(1, 100);
  w.receive(1, 200);
  c().mark_read("alice", w.dir);
  w.receive(1, 300);
  // When the business switches to per_staff
  w.set_read_mode(read_status_mode::per_staff);
  // Then every staff member starts from the shared point
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
  EXPECT_EQ(w.unread_of(1, "bob"), 1u);
  // and from then on each moves their own
  c().mark_read("bob", w.dir);
  EXPECT_EQ(w.unread_of(1, "bob"), 0u);
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
}

TEST_F(ReadStatus, SwitchToPerStaff_KeepsSharedMarkedUnread) {
  w.reply(1, 100, "alice");
  c().mark_unread("alice", w.dir);
  w.set_read_mode(read_status_mode::per_staff);
  EXPECT_EQ(w.folder_of(1, "bob"), folder::unread);
  EXPECT_EQ(w.folder_of(1, "alice"), folder::unread);
}

TEST_F(ReadStatus, SwitchBackToShared_OneReadAffectsEveryoneAgain) {
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  w.set_read_mode(read_status_mode::shared);
  w.receive(1, 200);
  // whatever each had in per_staff mode, shared mode shows one state to everyone
  EXPECT_EQ(w.unread_of(1, "alice"), w.unread_of(1, "bob"));
  c().mark_read("bob", w.dir);
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.unread_of(1, "carol"), 0u);
}

TEST_F(ReadStatus, SwitchAgainToPerStaff_OlderPersonalPointsAreStale) {
  // Given alice read message 1 in a first per_staff period
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  // and in a shared period messages 2 and 3 arrived and bob read everything
  w.set_read_mode(read_status_mode::shared);
  w.receive(1, 200);
  w.receive(1, 300);
  c().mark_read("bob", w.dir);
  // When switching to per_staff again
  w.set_read_mode(read_status_mode::per_staff);
  // Then alice starts from the shared point (all read), not her old point (2 unread)
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.unread_of(1, "carol"), 0u);
}

TEST_F(ReadStatus, ReadPointFor_FollowsTheMode) {
  w.receive(1, 100);
  w.set_read_mode(read_status_mode::per_staff);
  c().mark_read("alice", w.dir);
  EXPECT_EQ(c().read_point_for("alice", w.dir).seen, 1u);
  EXPECT_EQ(c().read_point_for("bob", w.dir).seen, 0u);
  EXPECT_EQ(w.view(1, "alice").read.seen, 1u);
}

TEST_F(ReadStatus, PerStaff_InboxBadgesDiffer) {
  // The badge of each inbox follows its own reader's point.
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(1, 100);
  c().mark_read("alice", w.dir);
  auto alice = w.inbox_for("alice");
  auto bob = w.inbox_for("bob");
  EXPECT_EQ(alice.current_badge(), (badge{0, 0}));
  EXPECT_EQ(bob.current_badge(), (badge{1, 1}));
}

}  // namespace
}  // namespace msgcenter
