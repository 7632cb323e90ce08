// protocol.md argument rules that the C++ API must apply exactly as the JSON protocol does:
// page limits, send shape and content, action arguments, bulk bounds, status callbacks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/media.hpp"
#include "msgcenter/core/request_validation.hpp"

namespace msgcenter {
namespace {

error invalid(const char* text) { return make_error(errc::invalid_argument, text); }

/// The error of a refused status, or a marker when it was accepted (for readable failures).
error refusal(const status& s) {
  return s.ok() ? make_error(errc::unavailable, "accepted") : s.error();
}

// ---- limits -------------------------------------------------------------------------------

TEST(Limit, OneTo500_AreAccepted) {
  EXPECT_TRUE(validate_limit(1).ok());
  EXPECT_TRUE(validate_limit(kDefaultPageSize).ok());
  EXPECT_TRUE(validate_limit(500).ok());
}

TEST(Limit, ZeroAndOver500_AreInvalidArgument) {
  EXPECT_EQ(refusal(validate_limit(0)), invalid("limit must be between 1 and 500"));
  EXPECT_EQ(refusal(validate_limit(501)), invalid("limit must be between 1 and 500"));
}

TEST(Limit, AgreesWithInboxList) {
  // inbox.list refuses the same limits with the same error.
  inbox_view inbox("alice");
  for (std::size_t limit : {0u, 1u, 50u, 500u, 501u, 100000u}) {
    inbox_query q;
    q.limit = limit;
    auto listed = inbox.list(q, false);
    auto checked = validate_limit(limit);
    ASSERT_EQ(listed.ok(), checked.ok()) << limit;
    if (!checked.ok()) {
      EXPECT_EQ(listed.error(), checked.error()) << limit;
    }
  }
}

// ---- send ---------------------------------------------------------------------------------

send_request to_phone(std::string body = "hi") {
  send_request r;
  r.phone = "+15557770001";
  r.body = std::move(body);
  return r;
}

TEST(SendRequest, OneTargetAndABody_IsAccepted) {
  EXPECT_TRUE(validate(to_phone()).ok());
  send_request by_conv;
  by_conv.conversation = 3;
  by_conv.template_name = "welcome";
  EXPECT_TRUE(validate(by_conv).ok());
  send_request by_contact;
  by_contact.contact = "ana";
  EXPECT_TRUE(validate(by_contact).ok());  // content is validate_content's, after rendering
}

TEST(SendRequest, BodyAndTemplate_IsInvalidArgument) {
  auto r = to_phone();
  r.template_name = "welcome";
  EXPECT_EQ(refusal(validate(r)), invalid("give `body` or `template`, not both"));
}

TEST(SendRequest, NoTarget_IsInvalidArgument) {
  send_request r;
  r.body = "hi";
  EXPECT_EQ(refusal(validate(r)), invalid("give exactly one of conversation, contact, phone"));
}

TEST(SendRequest, TwoOrThreeTargets_AreInvalidArgument) {
  auto two = to_phone();
  two.contact = "ana";
  EXPECT_EQ(refusal(validate(two)), invalid("give exactly one of conversation, contact, phone"));
  auto conv_and_phone = to_phone();
  conv_and_phone.conversation = 1;
  EXPECT_FALSE(validate(conv_and_phone).ok());
  auto three = two;
  three.conversation = 1;
  EXPECT_EQ(refusal(validate(three)), invalid("give exactly one of conversation, contact, phone"));
}

TEST(SendRequest, SystemKind_IsTheEnginesOwn) {
  auto r = to_phone();
  r.kind = message_kind::system;
  EXPECT_EQ(refusal(validate(r)), invalid("`system` messages are the engine's own"));
}

TEST(SendRequest, CampaignAndNotification_AreAccepted) {
  for (auto kind : {message_kind::campaign, message_kind::notification}) {
    auto r = to_phone();
    r.kind = kind;
    EXPECT_TRUE(validate(r).ok()) << to_string(kind);
  }
}

TEST(SendRequest, ChecksInProtocolOrder_BodyAndTemplateFirst) {
  // No target, both body and template, kind system: the first protocol check answers.
  send_request r;
  r.body = "hi";
  r.template_name = "welcome";
  r.kind = message_kind::system;
  EXPECT_EQ(refusal(validate(r)), invalid("give `body` or `template`, not both"));
  r.template_name.clear();
  EXPECT_EQ(refusal(validate(r)), invalid("give exactly one of conversation, contact, phone"));
}

TEST(MessageContent, NeitherBodyNorMedia_IsInvalidArgument) {
  EXPECT_EQ(refusal(validate_content("", {})), invalid("a message needs a body or media"));
}

TEST(MessageContent, BodyOrMediaAlone_IsAccepted) {
  EXPECT_TRUE(validate_content("hello", {}).ok());
  EXPECT_TRUE(validate_content("", {media_item{"https://x/a.png", "image/png", 10}}).ok());
}

TEST(MessageContent, TooLongBody_IsBodyTooLong) {
  auto s = validate_content(std::string(1601, 'a'), {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::body_too_long);
  EXPECT_EQ(s.error(), validate_body(std::string(1601, 'a')).error());
}

TEST(MessageContent, BadMedia_IsValidateMediasError) {
  std::vector<media_item> exe{media_item{"https://x/a.exe", "application/x-msdownload", 10}};
  auto s = validate_content("", exe);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::unsupported_media);
  EXPECT_EQ(s.error(), validate_media(exe).error());
}

TEST(MessageContent, BodyCheckedBeforeMedia) {
  std::vector<media_item> exe{media_item{"https://x/a.exe", "application/x-msdownload", 10}};
  EXPECT_EQ(refusal(validate_content(std::string(1601, 'a'), exe)).code, errc::body_too_long);
}

// ---- conversation.action ------------------------------------------------------------------

TEST(ActionRequest, AssignWithoutStaff_IsInvalidArgument) {
  action_request r;
  r.action = conversation_action::assign;
  EXPECT_EQ(refusal(validate(r)), invalid("`staff` is required to assign"));
  r.staff = "bob";
  EXPECT_TRUE(validate(r).ok());
}

TEST(ActionRequest, LinkWithoutContact_IsInvalidArgument) {
  action_request r;
  r.action = conversation_action::link_contact;
  EXPECT_EQ(refusal(validate(r)), invalid("`contact` is required to link"));
  r.contact = "ana";
  EXPECT_TRUE(validate(r).ok());
}

TEST(ActionRequest, ActionsWithoutArguments_AreAccepted) {
  for (auto a :
       {conversation_action::mark_read, conversation_action::mark_unread,
        conversation_action::archive, conversation_action::unarchive, conversation_action::mute,
        conversation_action::unmute, conversation_action::pin, conversation_action::unpin,
        conversation_action::hide, conversation_action::unassign}) {
    action_request r;
    r.action = a;
    EXPECT_TRUE(validate(r).ok()) << to_string(a);
  }
}

TEST(ActionRequest, CreateLeadWithoutName_IsLeftToMakeLead) {
  // The missing name is refused after the rights (lead.hpp), not as a request shape.
  action_request r;
  r.action = conversation_action::create_lead;
  EXPECT_TRUE(validate(r).ok());
}

// ---- conversation.bulk --------------------------------------------------------------------

TEST(BulkRequest, UpTo500Conversations_AreAccepted) {
  bulk_request r;
  r.action = conversation_action::archive;
  EXPECT_TRUE(validate(r).ok());  // none at all is fine: nothing to do
  r.conversations.assign(500, 1);
  EXPECT_TRUE(validate(r).ok());
}

TEST(BulkRequest, Over500Conversations_IsInvalidArgument) {
  bulk_request r;
  r.action = conversation_action::archive;
  r.conversations.assign(501, 1);
  EXPECT_EQ(refusal(validate(r)), invalid("at most 500 conversations per bulk action"));
}

TEST(BulkRequest, ActionsNeedingArguments_AreInvalidArgument) {
  for (auto a : {conversation_action::assign, conversation_action::link_contact,
                 conversation_action::create_lead}) {
    bulk_request r;
    r.action = a;
    r.conversations = {1, 2};
    EXPECT_EQ(refusal(validate(r)), invalid("this action needs arguments; use conversation.action"))
        << to_string(a);
  }
}

TEST(BulkRequest, SizeCheckedBeforeAction) {
  bulk_request r;
  r.action = conversation_action::assign;
  r.conversations.assign(501, 1);
  EXPECT_EQ(refusal(validate(r)), invalid("at most 500 conversations per bulk action"));
}

TEST(BulkRequest, UnassignAndHide_AreAccepted) {
  for (auto a : {conversation_action::unassign, conversation_action::hide,
                 conversation_action::mute, conversation_action::mark_read}) {
    bulk_request r;
    r.action = a;
    r.conversations = {1};
    EXPECT_TRUE(validate(r).ok()) << to_string(a);
  }
}

// ---- status callbacks ---------------------------------------------------------------------

TEST(StatusRequest, Received_IsNotAnOutboundStatus) {
  status_request r;
  r.provider_id = "SM1";
  r.status = message_status::received;
  EXPECT_EQ(refusal(validate(r)), invalid("`received` is not an outbound status"));
}

TEST(StatusRequest, OutboundStatuses_AreAccepted) {
  for (auto st : {message_status::queued, message_status::sent, message_status::delivered,
                  message_status::undelivered, message_status::failed}) {
    status_request r;
    r.provider_id = "SM1";
    r.status = st;
    EXPECT_TRUE(validate(r).ok()) << to_string(st);
  }
}

TEST(StatusRequest, EmptyProviderId_IsLeftToTheEngine) {
  // It names no message: the engine answers not_found, as for an unknown one.
  status_request r;
  EXPECT_TRUE(validate(r).ok());
}

// Security review L7: ids from callers are checked at the edge.
TEST(ValidateId, OneTo128BytesOfUtf8WithoutControlCharacters) {
  EXPECT_TRUE(validate_id("ana", "`staff`").ok());
  EXPECT_TRUE(validate_id("Zoë-Ünal_2", "`staff`").ok()) << "UTF-8 letters are fine";
  EXPECT_TRUE(validate_id(std::string(kMaxIdBytes, 'x'), "`staff`").ok());
  auto too_long = validate_id(std::string(kMaxIdBytes + 1, 'x'), "`staff`");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, errc::invalid_argument);
  EXPECT_EQ(too_long.error().message, "`staff` must be 1-128 bytes");
  EXPECT_EQ(validate_id("", "`staff`").error().message, "`staff` must be 1-128 bytes");
  EXPECT_EQ(validate_id("a\xff", "`contact`").error().message, "`contact` is not valid UTF-8");
  for (std::string bad : {std::string("a\0b", 3), std::string("a\nb"), std::string("a\x7f"),
                          std::string("a\xc2\x85" "b")})  // NUL, LF, DEL, NEL (a C1 control)
    EXPECT_EQ(validate_id(bad, "`template`").error().message, "`template` has a control character");
}

}  // namespace
}  // namespace msgcenter
