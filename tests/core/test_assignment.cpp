// spec "Assignment, visibility and alerts": an assignee must be staff of the business, and
// assigning alerts the new assignee (only when the assignee changed to someone).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/assignment.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

TEST(AssignedAlert, AssigningSomeone_AlertsThem) {
  EXPECT_EQ(assigned_alert_target("", "bob"), std::optional<std::string>("bob"));
}

TEST(AssignedAlert, Reassigning_AlertsTheNewAssigneeOnly) {
  EXPECT_EQ(assigned_alert_target("alice", "bob"), std::optional<std::string>("bob"));
}

TEST(AssignedAlert, AssigningTheCurrentAssigneeAgain_AlertsNobody) {
  EXPECT_EQ(assigned_alert_target("bob", "bob"), std::nullopt);
}

TEST(AssignedAlert, Unassigning_AlertsNobody) {
  EXPECT_EQ(assigned_alert_target("bob", ""), std::nullopt);
  EXPECT_EQ(assigned_alert_target("", ""), std::nullopt);
}

TEST(Assignee, KnownStaff_IsAccepted) {
  auto dir = make_directory({make_staff("alice"), make_staff("bob")});
  EXPECT_TRUE(check_assignee(dir, "bob").ok());
}

TEST(Assignee, UnknownStaff_IsNotFound) {
  auto dir = make_directory({make_staff("alice")});
  auto s = check_assignee(dir, "zed");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), make_error(errc::not_found, "no such staff member"));
}

TEST(Assignee, Empty_IsUnassignAndAlwaysAccepted) {
  auto dir = make_directory();  // no staff at all
  EXPECT_TRUE(check_assignee(dir, "").ok());
}

TEST(Assignee, StaffOfAnotherBusiness_IsNotFound) {
  // Staff ids are per business: the same id elsewhere names nobody here.
  auto here = make_directory({make_staff("alice")});
  auto there = make_directory({make_staff("bob")});
  EXPECT_TRUE(check_assignee(there, "bob").ok());
  EXPECT_EQ(check_assignee(here, "bob").error().code, errc::not_found);
}

}  // namespace
}  // namespace msgcenter
