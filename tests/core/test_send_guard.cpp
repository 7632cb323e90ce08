// The rules behind the web page's server requests (issue 13): client_ref validation and its
// bounded book, the send guard, presence's audience, who may read the page's frame, and
// inbox.counts (the differential test in test_shared_inbox.cpp compares counts with the
// reference listing; these are the readable cases).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core_fixtures.hpp"
#include "msgcenter/core/operation_rights.hpp"
#include "msgcenter/core/presence.hpp"
#include "msgcenter/core/request_validation.hpp"
#include "msgcenter/core/send_guard.hpp"
#include "msgcenter/core/shared_inbox.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

// ---- client_ref ---------------------------------------------------------------------------

TEST(ClientRef, OneToSixtyFourPrintableAscii_Accepted) {
  EXPECT_TRUE(validate_client_ref("a").ok());
  EXPECT_TRUE(validate_client_ref("draft c12 #3 ~ok").ok());
  EXPECT_TRUE(validate_client_ref(std::string(64, 'x')).ok());
}

TEST(ClientRef, EmptyTooLongOrNotPrintable_InvalidArgument) {
  for (std::string bad : {std::string(), std::string(65, 'x'), std::string("tab\there"),
                          std::string("nl\n"), std::string("caf\xc3\xa9"), std::string("\x7f")}) {
    auto ok = validate_client_ref(bad);
    ASSERT_FALSE(ok.ok()) << bad;
    EXPECT_EQ(ok.error().code, errc::invalid_argument);
  }
}

TEST(ClientRef, SendValidation_RefusesABadRefAndAGuardWithoutConversation) {
  send_request r;
  r.phone = "+15551234567";
  r.body = "hi";
  r.client_ref = std::string(65, 'x');
  EXPECT_EQ(validate(r).error().code, errc::invalid_argument);
  r.client_ref = "ok-1";
  EXPECT_TRUE(validate(r).ok());
  r.expect_last_message = 5;
  EXPECT_EQ(validate(r).error().message, "`expect_last_message` needs `conversation`");
}

TEST(ClientRefBook, BindFind_FirstBindingWins) {
  client_ref_book book;
  book.bind("r1", {3, 10, "ana", false});
  book.bind("r1", {4, 11, "ana", false});
  ASSERT_NE(book.find("r1"), nullptr);
  EXPECT_EQ(book.find("r1")->message, 10u);
  EXPECT_EQ(book.find("r2"), nullptr);
}

TEST(ClientRefBook, BeyondCapacity_OldestForgotten) {
  client_ref_book book(3);
  for (int i = 1; i <= 5; ++i) book.bind("r" + std::to_string(i), {1, message_id(i), "", true});
  EXPECT_EQ(book.size(), 3u);
  EXPECT_EQ(book.find("r1"), nullptr);
  EXPECT_EQ(book.find("r2"), nullptr);
  EXPECT_NE(book.find("r5"), nullptr);
}

TEST(ClientRefBook, Forget_LeavesNoTraceAndFreesItsPlace) {
  client_ref_book book(2);
  book.bind("a", {1, 1, "", true});
  book.bind("b", {1, 2, "", true});
  book.forget("b");
  EXPECT_EQ(book.find("b"), nullptr);
  book.bind("c", {1, 3, "", true});  // fits: "a" stays
  EXPECT_NE(book.find("a"), nullptr);
  EXPECT_NE(book.find("c"), nullptr);
}

TEST(ClientRef, ReuseByAnotherSender_Conflict) {
  client_ref_book::entry e{1, 2, "ana", true};
  EXPECT_TRUE(may_reuse_client_ref(e, "ana").ok());
  EXPECT_EQ(may_reuse_client_ref(e, "ben").error().code, errc::conflict);
  EXPECT_EQ(may_reuse_client_ref(e, "").error().code, errc::conflict);
}

// ---- send guard ---------------------------------------------------------------------------

TEST(SendGuard, NoExpectation_AlwaysAllowed) {
  EXPECT_TRUE(check_send_guard(std::nullopt, 7).ok());
  EXPECT_TRUE(check_send_guard(std::nullopt, std::nullopt).ok());
}

TEST(SendGuard, ExpectedIsStillLast_Allowed) { EXPECT_TRUE(check_send_guard(7, 7).ok()); }

TEST(SendGuard, NewerMessage_ConflictNamingIt) {
  auto ok = check_send_guard(7, 9);
  ASSERT_FALSE(ok.ok());
  EXPECT_EQ(ok.error().code, errc::conflict);
  EXPECT_EQ(ok.error().message, "the conversation has a newer message (m9)");
  EXPECT_EQ(check_send_guard(7, std::nullopt).error().code, errc::conflict);
}

TEST(SendGuard, LastThreadMessage_SkipsSystemMessages) {
  std::vector<message> thread{inbound(1, 10), outbound(2, 20, message_kind::manual, "ana"),
                              outbound(3, 30, message_kind::system)};
  EXPECT_EQ(last_thread_message(thread), message_id{2});
  EXPECT_EQ(last_thread_message({}), std::nullopt);
}

// ---- presence -----------------------------------------------------------------------------

TEST(Presence, HeardByWhoeverCanReachIt_NeverBySender) {
  EXPECT_TRUE(hears_presence(access::visible, false));
  EXPECT_TRUE(hears_presence(access::open, false));
  EXPECT_FALSE(hears_presence(access::none, false));
  EXPECT_FALSE(hears_presence(access::visible, true));
}

TEST(Presence, States_RoundTrip_UnknownRefused) {
  for (auto s : {presence_state::viewing, presence_state::replying, presence_state::idle})
    EXPECT_EQ(parse_presence_state(to_string(s)), s);
  EXPECT_EQ(parse_presence_state("typing"), std::nullopt);
}

// ---- who may read the frame ---------------------------------------------------------------

TEST(StaffLookupRights, MeNeedsNoRight_OthersTheirs) {
  EXPECT_EQ(right_for(staff_lookup::me), std::nullopt);
  EXPECT_EQ(right_for(staff_lookup::staff_list), right::view_messages);
  EXPECT_EQ(right_for(staff_lookup::template_list), right::send_sms);
  EXPECT_EQ(right_for(staff_lookup::counts), right::view_messages);
  EXPECT_EQ(right_for(staff_lookup::presence), right::view_messages);
  auto dir = make_directory({make_staff("nobody", 0)});
  EXPECT_TRUE(acting_staff(dir, "nobody", staff_lookup::me).ok());
  EXPECT_EQ(acting_staff(dir, "nobody", staff_lookup::staff_list).error().code,
            errc::permission_denied);
  EXPECT_EQ(acting_staff(dir, "ghost", staff_lookup::me).error().code, errc::permission_denied);
}

// ---- inbox.counts -------------------------------------------------------------------------

TEST(InboxCounts, PerFolder_PinnedOnlyWhereListed) {
  auto dir = make_directory({make_staff("alice")});
  std::vector<std::unique_ptr<conversation_state>> convs;
  conversation_index index;
  staff_inbox own("alice");
  message_id next = 1;
  auto add = [&](conversation_id id, bool replied) {
    convs.push_back(std::make_unique<conversation_state>(
        id, kNorthNumber, "+1555888" + std::to_string(1000 + id), kNorth, 0));
    auto& c = *convs.back();
    c.append(inbound(next++, static_cast<millis>(id) * 100), dir);
    if (replied)
      c.append(outbound(next++, static_cast<millis>(id) * 100 + 1, message_kind::manual, "alice"),
               dir);
    index.place(c, {});
  };
  add(1, false);
  add(2, true);
  add(3, true);
  add(4, false);
  own.set_pinned(4, true);  // unread and pinned
  auto c = index.counts({}, dir.staff.at("alice"), own, dir, false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->inbox, 4u);   // the unfiltered inbox lists the pinned one first
  EXPECT_EQ(c->unread, 1u);  // folders leave pinned rows out
  EXPECT_EQ(c->replied, 2u);
  EXPECT_EQ(c->read, 0u);
  EXPECT_EQ(c->archived, 0u);
  EXPECT_EQ(c->all, 3u);
  inbox_query search;
  search.q = "555 888";  // a search finds pinned rows everywhere
  auto s = index.counts(search, dir.staff.at("alice"), own, dir, false);
  EXPECT_EQ(s->unread, 2u);
  EXPECT_EQ(s->all, 4u);
}

TEST(InboxCounts, FromAfterTo_InvalidArgument) {
  auto dir = make_directory({make_staff("alice")});
  conversation_index index;
  staff_inbox own("alice");
  inbox_query q;
  q.from = 10;
  q.to = 5;
  EXPECT_EQ(index.counts(q, dir.staff.at("alice"), own, dir, false).error().code,
            errc::invalid_argument);
}

}  // namespace
}  // namespace msgcenter
