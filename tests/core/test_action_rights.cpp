// spec "Pin, mute, archive, hide", "Assignment, visibility and alerts", "Contacts and
// linking" and "Rights": which right each conversation action needs beyond view_messages,
// the refusal each missing right gets, and who may filter by another assignee.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core_fixtures.hpp"
#include "msgcenter/core/action_rights.hpp"
#include "msgcenter/core/inbox.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

/// Every action, by walking the protocol spellings (a new action shows up here by itself).
std::vector<conversation_action> every_action() {
  std::vector<conversation_action> out;
  for (int i = 0; i < 64; ++i) {
    auto a = static_cast<conversation_action>(i);
    auto spelled = parse_conversation_action(to_string(a));
    if (!spelled || *spelled != a) break;
    out.push_back(a);
  }
  return out;
}

TEST(ActionRights, EveryActionIsCovered) { EXPECT_EQ(every_action().size(), 13u); }

TEST(ActionRights, ArchiveAssignAndLinking_NeedManageMessages) {
  for (auto a : {conversation_action::archive, conversation_action::unarchive,
                 conversation_action::assign, conversation_action::unassign,
                 conversation_action::link_contact, conversation_action::create_lead})
    EXPECT_EQ(right_for(a), std::optional<right>(right::manage_messages)) << to_string(a);
}

TEST(ActionRights, Hide_NeedsRemoveFeed) {
  EXPECT_EQ(right_for(conversation_action::hide), std::optional<right>(right::remove_feed));
}

TEST(ActionRights, ReadPinAndMute_NeedNothingBeyondViewMessages) {
  for (auto a :
       {conversation_action::mark_read, conversation_action::mark_unread, conversation_action::pin,
        conversation_action::unpin, conversation_action::mute, conversation_action::unmute})
    EXPECT_EQ(right_for(a), std::nullopt) << to_string(a);
}

TEST(ActionRights, ViewOnlyStaff_RefusedWithTheEnginesMessages) {
  // Given a staff member with view_messages only
  auto viewer = make_staff("vic", kView);
  // Then each shared action is refused with the text the conversation actor answers with
  struct expected_refusal {
    conversation_action action;
    const char* message;
  };
  const expected_refusal cases[] = {
      {conversation_action::archive, "archive needs manage_messages"},
      {conversation_action::unarchive, "archive needs manage_messages"},
      {conversation_action::hide, "hide needs remove_feed"},
      {conversation_action::assign, "assignment needs manage_messages"},
      {conversation_action::unassign, "assignment needs manage_messages"},
      {conversation_action::link_contact, "linking needs manage_messages"},
      {conversation_action::create_lead, "linking needs manage_messages"},
  };
  for (const auto& c : cases) {
    auto s = check_action_right(viewer, c.action);
    ASSERT_FALSE(s.ok()) << to_string(c.action);
    EXPECT_EQ(s.error(), make_error(errc::permission_denied, c.message)) << to_string(c.action);
  }
}

TEST(ActionRights, ViewOnlyStaff_MayReadPinAndMute) {
  auto viewer = make_staff("vic", kView);
  for (auto a :
       {conversation_action::mark_read, conversation_action::mark_unread, conversation_action::pin,
        conversation_action::unpin, conversation_action::mute, conversation_action::unmute})
    EXPECT_TRUE(check_action_right(viewer, a).ok()) << to_string(a);
}

TEST(ActionRights, ManagerWithoutRemoveFeed_MayDoAllButHide) {
  auto manager = make_staff("max", kManage);
  for (auto a : every_action()) {
    auto s = check_action_right(manager, a);
    if (a == conversation_action::hide) {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().code, errc::permission_denied);
    } else {
      EXPECT_TRUE(s.ok()) << to_string(a);
    }
  }
}

TEST(ActionRights, RemoveFeedWithoutManage_MayHideButNotArchive) {
  auto feeder = make_staff("fay", kView | bit(right::remove_feed));
  EXPECT_TRUE(check_action_right(feeder, conversation_action::hide).ok());
  EXPECT_FALSE(check_action_right(feeder, conversation_action::archive).ok());
}

TEST(ActionRights, CheckAgreesWithRightFor_ForEveryActionAndRightSet) {
  // The refusal is exactly "lacks right_for(a)": for every action and every mix of rights.
  for (rights_mask mask = 0; mask <= kAllRights; ++mask) {
    auto s = make_staff("x", mask);
    for (auto a : every_action()) {
      auto needed = right_for(a);
      bool allowed = !needed || s.has(*needed);
      EXPECT_EQ(check_action_right(s, a).ok(), allowed) << to_string(a) << " mask " << mask;
    }
  }
}

TEST(AssigneeFilter, ManagerMayNameOthers_InEveryVisibility) {
  auto manager = make_staff("max", kManage);
  business_settings s;
  s.visibility = visibility_mode::assigned;
  EXPECT_TRUE(may_filter_by_other_assignee(manager, s));
  s.visibility = visibility_mode::all;
  EXPECT_TRUE(may_filter_by_other_assignee(manager, s));
}

TEST(AssigneeFilter, NonManager_MayNameOthersOnlyWhenVisibilityIsAll) {
  auto viewer = make_staff("vic", kView);
  business_settings s;
  EXPECT_TRUE(may_filter_by_other_assignee(viewer, s));  // default visibility all
  s.visibility = visibility_mode::assigned;
  EXPECT_FALSE(may_filter_by_other_assignee(viewer, s));
}

TEST(AssigneeFilter, NonManagerInAssignedMode_ListingOthersIsRefusedButSelfIsFine) {
  // Given a non-manager under `assigned` visibility
  auto viewer = make_staff("vic", kView);
  business_settings s;
  s.visibility = visibility_mode::assigned;
  inbox_view inbox("vic");
  bool may = may_filter_by_other_assignee(viewer, s);
  // When listing by another assignee, or by `none`, it is refused; naming herself is fine
  inbox_query other;
  other.assignee = "bob";
  auto r = inbox.list(other, may);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::permission_denied);
  inbox_query none;
  none.assignee = "none";
  EXPECT_FALSE(inbox.list(none, may).ok());
  inbox_query self;
  self.assignee = "vic";
  EXPECT_TRUE(inbox.list(self, may).ok());
}

}  // namespace
}  // namespace msgcenter
