// spec "Real time" (issue 10, security review L1): a resuming subscriber gets the events it
// missed, or an explicit `reset`, never silently fewer events.
#include <gtest/gtest.h>

#include "msgcenter/core/event_resume.hpp"

namespace msgcenter {
namespace {

// This run's ids: 1000 .. 1099 handed out, 1050 .. 1099 still kept.
constexpr event_window kWindow{1000, 1099, 1050};

TEST(EventResume, NoLastEventId_IsAFreshSubscription) {
  EXPECT_EQ(plan_resume(0, kWindow), resume_plan::fresh);
}

TEST(EventResume, EveryMissedEventStillKept_IsReplayed) {
  EXPECT_EQ(plan_resume(1049, kWindow), resume_plan::replay) << "1050.. are all kept";
  EXPECT_EQ(plan_resume(1080, kWindow), resume_plan::replay);
  EXPECT_EQ(plan_resume(1099, kWindow), resume_plan::replay) << "nothing missed";
}

TEST(EventResume, MissedEventsNoLongerKept_AreAReset) {
  EXPECT_EQ(plan_resume(1048, kWindow), resume_plan::reset) << "1049 was dropped";
  EXPECT_EQ(plan_resume(1000, kWindow), resume_plan::reset);
  EXPECT_EQ(plan_resume(1010, event_window{1000, 1099, 0}), resume_plan::reset)
      << "nothing kept at all";
}

TEST(EventResume, AnIdOfAnEarlierRun_OrOneNeverHandedOut_IsAReset) {
  EXPECT_EQ(plan_resume(999, kWindow), resume_plan::reset) << "before this run: a restart";
  EXPECT_EQ(plan_resume(5, kWindow), resume_plan::reset);
  EXPECT_EQ(plan_resume(1100, kWindow), resume_plan::reset) << "not handed out yet";
  // A restarted inbox that has handed out nothing yet still cannot vouch for an old id.
  EXPECT_EQ(plan_resume(999, event_window{1000, 999, 0}), resume_plan::reset);
}

}  // namespace
}  // namespace msgcenter
