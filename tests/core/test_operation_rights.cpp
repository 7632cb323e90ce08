// spec "Sending", "Consent", "Contacts and linking", "Export" and "Rights" (issue 12): who
// may send which kind, from which number and into which conversation; which right each
// consent operation needs; which conversations a contact's history shows; and the access
// the export of one conversation needs.
#include <gtest/gtest.h>

#include "core_fixtures.hpp"
#include "msgcenter/core/operation_rights.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

constexpr rights_mask kSend = kView | bit(right::send_sms);
constexpr message_kind kSendKinds[] = {message_kind::manual, message_kind::campaign,
                                       message_kind::notification};

TEST(OperationRights, ActingStaff_MustExistAndHoldTheRight) {
  auto dir = make_directory({make_staff("vic", kView)});
  auto ok = acting_staff(dir, "vic", right::view_messages);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value()->id, "vic");
  auto missing = acting_staff(dir, "vic", right::send_sms);
  EXPECT_EQ(missing.error().code, errc::permission_denied);
  EXPECT_EQ(missing.error().message, "missing right `send_sms`");
  auto ghost = acting_staff(dir, "ghost", right::view_messages);
  EXPECT_EQ(ghost.error().code, errc::permission_denied);
  EXPECT_EQ(ghost.error().message, "unknown staff member `ghost`");
  EXPECT_EQ(acting_staff(dir, "", right::view_messages).error().code, errc::permission_denied);
}

TEST(MaySend, StaffMember_NeedsSendSms_ForEveryKind) {
  auto sender = make_staff("sid", kSend);
  auto viewer = make_staff("vic", kView);
  for (auto kind : kSendKinds) {
    EXPECT_TRUE(may_send("sid", &sender, kind).ok()) << to_string(kind);
    auto refused = may_send("vic", &viewer, kind);
    ASSERT_FALSE(refused.ok()) << to_string(kind);
    EXPECT_EQ(refused.error().code, errc::permission_denied);
    EXPECT_EQ(refused.error().message, "missing right `send_sms`");
  }
}

TEST(MaySend, StaffIdTheDirectoryDoesNotHave_IsPermissionDenied_ForEveryKind) {
  for (auto kind : kSendKinds) {
    auto refused = may_send("ghost", nullptr, kind);
    ASSERT_FALSE(refused.ok()) << to_string(kind);
    EXPECT_EQ(refused.error().code, errc::permission_denied);
    EXPECT_EQ(refused.error().message, "unknown staff member `ghost`");
  }
}

TEST(MaySend, Automation_SendsCampaignsAndNotifications_NotManualMessages) {
  EXPECT_TRUE(may_send("", nullptr, message_kind::campaign).ok());
  EXPECT_TRUE(may_send("", nullptr, message_kind::notification).ok());
  auto manual = may_send("", nullptr, message_kind::manual);
  ASSERT_FALSE(manual.ok());
  EXPECT_EQ(manual.error().code, errc::permission_denied);
  EXPECT_EQ(manual.error().message, "a manual send needs a staff member");
}

TEST(MayUseNumber, OnlyNumbersOfThePermittedLocations) {
  const number_info north{kNorthNumber, kNorth};
  const number_info south{kSouthNumber, kSouth};
  auto everywhere = make_staff("all", kSend);
  auto north_only = make_staff("nora", kSend, {kNorth});
  EXPECT_TRUE(may_use_number(everywhere, north).ok());
  EXPECT_TRUE(may_use_number(everywhere, south).ok());
  EXPECT_TRUE(may_use_number(north_only, north).ok());
  auto refused = may_use_number(north_only, south);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, errc::permission_denied);
  EXPECT_EQ(refused.error().message,
            "number " + kSouthNumber + " is in location `south`, not one of yours");
}

TEST(MaySendInto, AConversationWithoutAccess_IsNotFound) {
  EXPECT_TRUE(may_send_into(access::visible).ok());
  EXPECT_TRUE(may_send_into(access::open).ok()) << "a manager may act on what they may open";
  auto refused = may_send_into(access::none);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, errc::not_found);
  EXPECT_EQ(refused.error().message, "no such conversation");
}

TEST(ConsentRights, RequestNeedsSendSms_GetNeedsViewMessages) {
  EXPECT_EQ(right_for(consent_operation::request), right::send_sms);
  EXPECT_EQ(right_for(consent_operation::get), right::view_messages);
}

TEST(ContactHistory, ShowsConversationsOfPermittedLocations_WhateverTheVisibility) {
  auto everywhere = make_staff("all", kView);
  auto north_only = make_staff("nora", kView, {kNorth});
  auto no_view = make_staff("exp", bit(right::export_));
  EXPECT_TRUE(in_contact_history(everywhere, kNorth));
  EXPECT_TRUE(in_contact_history(everywhere, kSouth));
  EXPECT_TRUE(in_contact_history(north_only, kNorth));
  EXPECT_FALSE(in_contact_history(north_only, kSouth));
  EXPECT_FALSE(in_contact_history(no_view, kNorth)) << "history needs view_messages";
}

TEST(ExportRights, OneConversation_NeedsAccess) {
  EXPECT_TRUE(may_export_conversation(access::visible).ok());
  EXPECT_TRUE(may_export_conversation(access::open).ok());
  auto refused = may_export_conversation(access::none);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, errc::not_found);
}

TEST(AdminRights, ThePlatformOrAStaffMemberWithAdmin_MayAdministerTheBusiness) {
  auto dir = make_directory(
      {make_staff("boss", kView | bit(right::admin)), make_staff("vic", kView | kManage)});
  EXPECT_TRUE(may_administer(dir, "").ok()) << "the platform: admin key, replay, C++ API";
  EXPECT_TRUE(may_administer(dir, "boss").ok());
  auto clerk = may_administer(dir, "vic");
  ASSERT_FALSE(clerk.ok());
  EXPECT_EQ(clerk.error().code, errc::permission_denied);
  EXPECT_EQ(clerk.error().message, "missing right `admin`");
  auto ghost = may_administer(dir, "ghost");
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().message, "unknown staff member `ghost`");
}

}  // namespace
}  // namespace msgcenter
