// spec "Read status mode": switching the mode at runtime keeps working, and per_staff points
// start from the shared point.
#include <gtest/gtest.h>

#include "core_fixtures.hpp"
#include "msgcenter/core/read_mode.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

const std::string kPhone = "+15557770001";

TEST(ReadModeSwitch, ChangingTheMode_SetsItAndBumpsTheEpoch) {
  auto d = make_directory();
  ASSERT_EQ(d.settings.read_status, read_status_mode::shared);
  apply_read_mode(d, read_status_mode::per_staff);
  EXPECT_EQ(d.settings.read_status, read_status_mode::per_staff);
  EXPECT_EQ(d.read_mode_epoch, 1u);
  apply_read_mode(d, read_status_mode::shared);
  EXPECT_EQ(d.settings.read_status, read_status_mode::shared);
  EXPECT_EQ(d.read_mode_epoch, 2u);
}

TEST(ReadModeSwitch, SameModeAgain_LeavesTheEpoch) {
  auto d = make_directory();
  apply_read_mode(d, read_status_mode::shared);
  EXPECT_EQ(d.read_mode_epoch, 0u);
  apply_read_mode(d, read_status_mode::per_staff);
  apply_read_mode(d, read_status_mode::per_staff);
  EXPECT_EQ(d.read_mode_epoch, 1u);
}

TEST(ReadModeSwitch, ToPerStaff_EveryoneStartsFromTheSharedPoint) {
  // Given alice read the conversation in shared mode, then a new message arrived
  world w(make_directory({make_staff("alice"), make_staff("bob")}));
  w.start(1, kPhone);
  w.receive(1, 100);
  w.conv(1).mark_read("alice", w.dir);
  w.receive(1, 200);
  // When the business switches to per_staff
  apply_read_mode(w.dir, read_status_mode::per_staff);
  // Then both start from the shared point: one unread message each
  EXPECT_EQ(w.unread_of(1, "alice"), 1u);
  EXPECT_EQ(w.unread_of(1, "bob"), 1u);
}

TEST(ReadModeSwitch, RepeatingPerStaff_KeepsPersonalPoints) {
  // Given per_staff mode where alice read everything and bob did not
  world w(make_directory({make_staff("alice"), make_staff("bob")}));
  w.start(1, kPhone);
  apply_read_mode(w.dir, read_status_mode::per_staff);
  w.receive(1, 100);
  w.conv(1).mark_read("alice", w.dir);
  ASSERT_EQ(w.unread_of(1, "alice"), 0u);
  // When business.put repeats per_staff
  apply_read_mode(w.dir, read_status_mode::per_staff);
  // Then alice's personal point still counts
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.unread_of(1, "bob"), 1u);
}

TEST(ReadModeSwitch, BackAndForth_OldPersonalPointsAreStale) {
  // Given alice read message 1 in a first per_staff period
  world w(make_directory({make_staff("alice"), make_staff("bob")}));
  w.start(1, kPhone);
  apply_read_mode(w.dir, read_status_mode::per_staff);
  w.receive(1, 100);
  w.conv(1).mark_read("alice", w.dir);
  // and in a shared period two more messages arrived and bob read everything
  apply_read_mode(w.dir, read_status_mode::shared);
  w.receive(1, 200);
  w.receive(1, 300);
  w.conv(1).mark_read("bob", w.dir);
  // When switching to per_staff again
  apply_read_mode(w.dir, read_status_mode::per_staff);
  // Then alice starts from the shared point (all read), not her old point (2 unread)
  EXPECT_EQ(w.dir.read_mode_epoch, 3u);
  EXPECT_EQ(w.unread_of(1, "alice"), 0u);
  EXPECT_EQ(w.unread_of(1, "bob"), 0u);
}

}  // namespace
}  // namespace msgcenter
