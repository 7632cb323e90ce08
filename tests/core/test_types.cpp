// spec "Words", the field vocabulary of "Messages", "Rights" and "Errors": ids on the wire,
// enum spellings, the directory's lookups, and the stable error codes.
#include <gtest/gtest.h>

#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/error.hpp"
#include "msgcenter/core/text.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

// ---- Ids --------------------------------------------------------------------------------

TEST(Ids, ConversationKey_RoundTrips) {
  EXPECT_EQ(conversation_key(12), "c12");
  ASSERT_TRUE(parse_conversation_key("c12").has_value());
  EXPECT_EQ(*parse_conversation_key("c12"), 12u);
  for (conversation_id id : {1ull, 9ull, 10ull, 123456789ull, 18446744073709551615ull})
    EXPECT_EQ(parse_conversation_key(conversation_key(id)), id) << id;
}

TEST(Ids, MessageAndAlertKeys_RoundTripWithTheirOwnPrefix) {
  EXPECT_EQ(message_key(345), "m345");
  EXPECT_EQ(alert_key(7), "a7");
  EXPECT_EQ(parse_message_key("m345"), 345u);
  EXPECT_EQ(parse_alert_key("a7"), 7u);
  EXPECT_FALSE(parse_message_key("c345"));
  EXPECT_FALSE(parse_alert_key("m7"));
  EXPECT_FALSE(parse_conversation_key("m12"));
}

TEST(Ids, LeadingZero_Rejected) {
  EXPECT_FALSE(parse_conversation_key("c012"));
  EXPECT_FALSE(parse_conversation_key("c00"));
  EXPECT_FALSE(parse_message_key("m01"));
}

TEST(Ids, Zero_Rejected) {
  EXPECT_FALSE(parse_conversation_key("c0"));
  EXPECT_FALSE(parse_message_key("m0"));
  EXPECT_FALSE(parse_alert_key("a0"));
}

TEST(Ids, WrongPrefix_Rejected) {
  EXPECT_FALSE(parse_conversation_key("x1"));
  EXPECT_FALSE(parse_conversation_key("C1"));
  EXPECT_FALSE(parse_conversation_key("1"));
}

TEST(Ids, MalformedDigits_Rejected) {
  for (const char* s : {"", "c", "c-1", "c+1", "c1a", "c 1", " c1", "c1 ", "c1.0", "c0x1",
                        "c18446744073709551616", "c99999999999999999999999"})
    EXPECT_FALSE(parse_conversation_key(s)) << '"' << s << '"';
}

// ---- Words --------------------------------------------------------------------------------

TEST(Words, Business_ForeignConversationIsNotFoundNeverPermissionDenied) {
  // Given staff alice's inbox in one business, holding none of another business's conversations
  world w(make_directory({make_staff("alice")}));
  w.start(1, "+15557770001");
  w.receive(1, 100);
  auto inbox = w.inbox_for("alice");
  // When she reaches for an id she does not hold, or acks someone else's alert
  // Then it is simply unknown to her: no access, no row, not_found
  EXPECT_EQ(inbox.access_to(999), access::none);
  EXPECT_FALSE(inbox.row(999).has_value());
  auto acked = inbox.ack_alert(42);
  ASSERT_FALSE(acked.ok());
  EXPECT_EQ(acked.error().code, errc::not_found);
}

TEST(Words, Number_BelongsToOneLocation) {
  auto d = make_directory();
  ASSERT_NE(d.find_number(kNorthNumber), nullptr);
  EXPECT_EQ(d.find_number(kNorthNumber)->location, kNorth);
  EXPECT_EQ(d.find_number(kSouthNumber)->location, kSouth);
  EXPECT_EQ(d.find_number("+15550009999"), nullptr);
}

TEST(Words, Number_SendingNumberIsDefaultElseFirstElseNone) {
  auto d = make_directory();
  EXPECT_EQ(d.sending_number(), kNorthNumber);  // first by E.164 order
  d.default_number = kSouthNumber;
  EXPECT_EQ(d.sending_number(), kSouthNumber);
  directory empty;
  EXPECT_EQ(empty.sending_number(), "");
}

TEST(Words, Staff_EmptyLocationsPermitAll) {
  auto s = make_staff("alice");
  EXPECT_TRUE(s.permits_location(kNorth));
  EXPECT_TRUE(s.permits_location(kSouth));
  EXPECT_TRUE(s.permits_location("anywhere"));
}

TEST(Words, Staff_LocationListPermitsOnlyThose) {
  auto s = make_staff("bob", kView, {kNorth});
  EXPECT_TRUE(s.permits_location(kNorth));
  EXPECT_FALSE(s.permits_location(kSouth));
}

TEST(Words, Staff_FoundById) {
  auto d = make_directory({make_staff("alice", kManage, {kNorth}, true)});
  const auto* s = d.find_staff("alice");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->subscribe_all);
  EXPECT_TRUE(s->has(right::manage_messages));
  EXPECT_EQ(d.find_staff("nobody"), nullptr);
}

TEST(Words, Contact_KindsSpelledClientLeadResource) {
  EXPECT_STREQ(to_string(contact_kind::client), "client");
  EXPECT_STREQ(to_string(contact_kind::lead), "lead");
  EXPECT_STREQ(to_string(contact_kind::resource), "resource");
  EXPECT_EQ(parse_contact_kind("lead"), contact_kind::lead);
  EXPECT_EQ(parse_contact_kind("resource"), contact_kind::resource);
  EXPECT_FALSE(parse_contact_kind("staff"));
}

TEST(Words, Contact_FullNameJoinsFirstAndLast) {
  EXPECT_EQ(make_card("k1", "Ana", "Smith").full_name(), "Ana Smith");
  EXPECT_EQ(make_card("k1", "Ana", "").full_name(), "Ana");
  EXPECT_EQ(make_card("k1", "", "Smith").full_name(), "Smith");
  EXPECT_EQ(make_card("k1", "", "").full_name(), "");
}

TEST(Words, Contact_CardKeepsOwnersAndListingFields) {
  contact c;
  static_cast<contact_card&>(c) = make_card("k1", "Ana", "Smith", contact_kind::lead);
  c.sales_owner = "bob";
  c.service_owner = "carol";
  c.groups = {"vip"};
  c.phones = {"+15557770001"};
  auto card = c.card();
  EXPECT_EQ(card.id, "k1");
  EXPECT_EQ(card.kind, contact_kind::lead);
  EXPECT_EQ(card.sales_owner, "bob");
  EXPECT_EQ(card.service_owner, "carol");
  EXPECT_EQ(card.groups, names{"vip"});
}

TEST(Words, Conversation_IdentifiedByNumberAndPhone_OptionallyLinked) {
  world w(make_directory());
  auto& c = w.start(5, "+15557770001", kSouthNumber);
  EXPECT_EQ(c.id(), 5u);
  EXPECT_EQ(c.number(), kSouthNumber);
  EXPECT_EQ(c.phone(), "+15557770001");
  EXPECT_EQ(c.location(), kSouth);  // the location of its business number
  EXPECT_FALSE(c.contact().has_value());
  c.link(make_card("k1", "Ana", "Smith"));
  ASSERT_TRUE(c.contact().has_value());
  EXPECT_EQ(c.contact()->id, "k1");
  c.link(std::nullopt);
  EXPECT_FALSE(c.contact().has_value());
}

TEST(Words, Message_BelongsToTheConversationItIsAppendedTo) {
  world w(make_directory());
  w.start(7, "+15557770001");
  auto id = w.receive(7, 100);
  const auto* m = w.conv(7).find(id);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->conversation, 7u);
}

TEST(Words, Alert_KindsSpelled) {
  EXPECT_STREQ(to_string(alert_kind::message), "message");
  EXPECT_STREQ(to_string(alert_kind::assigned), "assigned");
}

// ---- Messages: fields ------------------------------------------------------------------

TEST(Messages, Fields_DirectionAndKindSpelledAsSpec) {
  EXPECT_STREQ(to_string(direction::in), "in");
  EXPECT_STREQ(to_string(direction::out), "out");
  EXPECT_EQ(parse_direction("out"), direction::out);
  EXPECT_FALSE(parse_direction("outbound"));
  for (auto k : {message_kind::manual, message_kind::campaign, message_kind::notification,
                 message_kind::system})
    EXPECT_EQ(parse_message_kind(to_string(k)), k) << to_string(k);
  EXPECT_STREQ(to_string(message_kind::notification), "notification");
  EXPECT_FALSE(parse_message_kind("Manual"));
}

TEST(Messages, Fields_StatusAndEncodingSpelledAsSpec) {
  const char* statuses[] = {"received", "queued", "sent", "delivered", "undelivered", "failed"};
  for (const char* s : statuses) {
    auto v = parse_message_status(s);
    ASSERT_TRUE(v.has_value()) << s;
    EXPECT_STREQ(to_string(*v), s);
  }
  EXPECT_FALSE(parse_message_status("read"));
  EXPECT_STREQ(to_string(text_encoding::gsm7), "gsm7");
  EXPECT_STREQ(to_string(text_encoding::ucs2), "ucs2");
}

TEST(Messages, Fields_FailedMeansOutboundFailedOrUndelivered) {
  auto m = outbound(1, 0, message_kind::manual, "alice");
  for (auto s : {message_status::queued, message_status::sent, message_status::delivered}) {
    m.status = s;
    EXPECT_FALSE(m.failed()) << to_string(s);
  }
  m.status = message_status::failed;
  EXPECT_TRUE(m.failed());
  m.status = message_status::undelivered;
  EXPECT_TRUE(m.failed());
  auto in = inbound(2, 0);
  in.status = message_status::failed;  // nonsense for an inbound, and never `failed`
  EXPECT_FALSE(in.failed());
}

TEST(Messages, Fields_OnlySystemKindIsHiddenFromTheThread) {
  EXPECT_TRUE(inbound(1, 0).visible());
  EXPECT_TRUE(outbound(1, 0, message_kind::manual, "a").visible());
  EXPECT_TRUE(outbound(1, 0, message_kind::campaign).visible());
  EXPECT_TRUE(outbound(1, 0, message_kind::notification).visible());
  EXPECT_FALSE(outbound(1, 0, message_kind::system).visible());
}

TEST(Messages, Fields_BodyMustBeValidUtf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("hello"));
  EXPECT_TRUE(is_valid_utf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80"));  // Zoë € 😀
  EXPECT_FALSE(is_valid_utf8("\xC3"));                                     // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                                 // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                             // surrogate D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                         // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));                                     // lone continuation
}

TEST(Messages, Fields_BodyLengthCountsCharactersNotBytes) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("Zo\xC3\xAB"), 3u);                    // Zoë: 4 bytes
  EXPECT_EQ(count_code_points("\xE2\x82\xAC\xF0\x9F\x98\x80"), 2u);  // €😀: 7 bytes
}

TEST(Messages, Fields_MediaItemsCompareByValue) {
  media_item a{"https://x/a.png", "image/png", 100};
  media_item b = a;
  EXPECT_TRUE(a == b);
  b.size = 101;
  EXPECT_FALSE(a == b);
}

// ---- Settings defaults ------------------------------------------------------------------

TEST(Words, BusinessSettings_DefaultsFollowSpec) {
  business_settings s;
  EXPECT_EQ(s.read_status, read_status_mode::shared);
  EXPECT_EQ(s.visibility, visibility_mode::all);
  EXPECT_EQ(s.consent, consent_mode::implied);
  EXPECT_TRUE(s.notify_sales);
  EXPECT_TRUE(s.notify_service);
  EXPECT_EQ(s.timezone, "UTC");
}

TEST(Words, SettingSpellings_RoundTrip) {
  EXPECT_EQ(parse_read_status_mode("per_staff"), read_status_mode::per_staff);
  EXPECT_EQ(parse_read_status_mode("shared"), read_status_mode::shared);
  EXPECT_EQ(parse_visibility_mode("assigned"), visibility_mode::assigned);
  EXPECT_EQ(parse_visibility_mode("all"), visibility_mode::all);
  EXPECT_EQ(parse_consent_mode("double_opt_in"), consent_mode::double_opt_in);
  EXPECT_FALSE(parse_read_status_mode("perstaff"));
  EXPECT_STREQ(to_string(read_status_mode::per_staff), "per_staff");
  EXPECT_STREQ(to_string(visibility_mode::assigned), "assigned");
}

TEST(Words, FolderSpellings_AndFolderFilterValues) {
  EXPECT_STREQ(to_string(folder::unread), "unread");
  EXPECT_STREQ(to_string(folder::replied), "replied");
  for (const char* f : {"inbox", "unread", "read", "replied", "archived", "all"}) {
    auto v = parse_folder_filter(f);
    ASSERT_TRUE(v.has_value()) << f;
    EXPECT_STREQ(to_string(*v), f);
  }
  EXPECT_FALSE(parse_folder_filter("pinned"));
}

// ---- Rights -----------------------------------------------------------------------------

TEST(Rights, EverySpelling_RoundTrips) {
  const char* spellings[] = {"view_messages", "manage_messages", "send_sms",
                             "remove_feed",   "export",          "admin"};
  for (const char* s : spellings) {
    auto r = parse_right(s);
    ASSERT_TRUE(r.has_value()) << s;
    EXPECT_STREQ(to_string(*r), s);
  }
  EXPECT_EQ(parse_right("export"), right::export_);
}

TEST(Rights, UnknownSpelling_Rejected) {
  EXPECT_FALSE(parse_right("export_"));
  EXPECT_FALSE(parse_right("VIEW_MESSAGES"));
  EXPECT_FALSE(parse_right(""));
}

TEST(Rights, StaffHasOnlyGrantedRights) {
  auto s = make_staff("ben", bit(right::view_messages) | bit(right::send_sms));
  EXPECT_TRUE(s.has(right::view_messages));
  EXPECT_TRUE(s.has(right::send_sms));
  EXPECT_FALSE(s.has(right::manage_messages));
  EXPECT_FALSE(s.has(right::remove_feed));
  EXPECT_FALSE(s.has(right::export_));
  EXPECT_FALSE(s.has(right::admin));
  auto all = make_staff("ana", kAllRights);
  for (auto r : {right::view_messages, right::manage_messages, right::send_sms, right::remove_feed,
                 right::export_, right::admin})
    EXPECT_TRUE(all.has(r)) << to_string(r);
}

TEST(Rights, EachRightIsItsOwnBit) {
  rights_mask seen = 0;
  for (auto r : {right::view_messages, right::manage_messages, right::send_sms, right::remove_feed,
                 right::export_, right::admin}) {
    EXPECT_EQ(seen & bit(r), 0u) << to_string(r);
    seen |= bit(r);
  }
}

TEST(Rights, MissingRight_IsPermissionDenied) {
  // Given bob without manage_messages, when he lists someone else's assigned conversations
  inbox_view inbox("bob");
  inbox_query q;
  q.assignee = "alice";
  auto r = inbox.list(q, /*may_manage=*/false);
  // Then the refusal is permission_denied
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::permission_denied);
  EXPECT_STREQ(to_string(r.error().code), "permission_denied");
}

// ---- Errors -----------------------------------------------------------------------------

TEST(Errors, EveryCode_HasItsStableSpelling) {
  const std::pair<errc, const char*> codes[] = {
      {errc::invalid_argument, "invalid_argument"},
      {errc::not_found, "not_found"},
      {errc::permission_denied, "permission_denied"},
      {errc::consent_required, "consent_required"},
      {errc::opted_out, "opted_out"},
      {errc::invalid_phone, "invalid_phone"},
      {errc::not_mobile, "not_mobile"},
      {errc::body_too_long, "body_too_long"},
      {errc::attachment_too_large, "attachment_too_large"},
      {errc::unsupported_media, "unsupported_media"},
      {errc::overloaded, "overloaded"},
      {errc::unavailable, "unavailable"},
      {errc::conflict, "conflict"},
  };
  for (auto [code, spelling] : codes) {
    EXPECT_STREQ(to_string(code), spelling);
    EXPECT_EQ(parse_errc(spelling), code) << spelling;
  }
}

TEST(Errors, UnknownSpelling_Rejected) {
  EXPECT_FALSE(parse_errc("NOT_FOUND"));
  EXPECT_FALSE(parse_errc("unknown"));
  EXPECT_FALSE(parse_errc(""));
  EXPECT_STREQ(to_string(static_cast<errc>(0)), "unknown");
  EXPECT_STREQ(to_string(static_cast<errc>(200)), "unknown");
}

TEST(Errors, Result_HoldsValueOrError) {
  result<int> good = 5;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  result<int> bad = make_error(errc::opted_out, "said STOP");
  ASSERT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.error().code, errc::opted_out);
  EXPECT_EQ(bad.error().message, "said STOP");
  status done = unit{};
  EXPECT_TRUE(done.ok());
}

TEST(Errors, RefusedAck_ChangesNothing) {
  // Given an inbox with one unacknowledged alert
  inbox_view inbox("alice");
  auto a = inbox.raise_alert(alert_kind::message, 1, 10, 100);
  ASSERT_TRUE(a.has_value());
  // When acking an id that does not exist
  auto r = inbox.ack_alert(a->id + 1);
  // Then it is refused and the existing alert is untouched
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::not_found);
  auto all = inbox.alerts(10);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(all[0].acked);
}

TEST(Errors, RefusedList_ChangesNothing) {
  // Given an inbox with a conversation, when a list is refused for a bad limit
  world w(make_directory({make_staff("alice")}));
  w.start(1, "+15557770001");
  w.receive(1, 100);
  auto inbox = w.inbox_for("alice");
  auto before = inbox.current_badge();
  inbox_query q;
  q.limit = 0;
  auto r = inbox.list(q, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  // Then the inbox still lists and counts the same
  EXPECT_EQ(inbox.current_badge(), before);
  EXPECT_EQ(list_ids(inbox), ids{1});
}

}  // namespace
}  // namespace msgcenter
