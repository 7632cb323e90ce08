// spec "Consent": keywords, state transitions with their replies, send checks, and consent
// kept per (contact phone, business number).
#include <gtest/gtest.h>

#include <string>

#include "msgcenter/core/consent.hpp"

namespace msgcenter {
namespace {

using reply = consent_reply;
constexpr consent_state kAllStates[] = {consent_state::unknown, consent_state::pending,
                                        consent_state::yes, consent_state::no};

TEST(Consent, EveryOptOutWord_IsStop) {
  for (const char* w :
       {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
    EXPECT_EQ(classify_keyword(w), consent_keyword::stop) << w;
}

TEST(Consent, OptInAndHelpWords_AreTheirKeywords) {
  EXPECT_EQ(classify_keyword("START"), consent_keyword::start);
  EXPECT_EQ(classify_keyword("UNSTOP"), consent_keyword::unstop);
  EXPECT_EQ(classify_keyword("YES"), consent_keyword::yes);
  EXPECT_EQ(classify_keyword("HELP"), consent_keyword::help);
  EXPECT_EQ(classify_keyword("INFO"), consent_keyword::help);
}

TEST(Consent, KeywordInAnyCaseWithSurroundingWhitespace_IsRecognized) {
  for (const char* w : {"stop", "Stop", "sToP", "  STOP", "STOP  ", "\tstop\r\n", "\n Stop \n"})
    EXPECT_EQ(classify_keyword(w), consent_keyword::stop) << w;
  EXPECT_EQ(classify_keyword(" yes\n"), consent_keyword::yes);
  EXPECT_EQ(classify_keyword("Unsubscribe "), consent_keyword::stop);
  EXPECT_EQ(classify_keyword("info"), consent_keyword::help);
}

TEST(Consent, KeywordInsideASentence_IsNotAKeyword) {
  for (const char* body :
       {"stop please", "please stop", "STOP.", "STOP!", "S TOP", "yes!", "yes please", "help me",
        "stopp", "sto", "", "   ", "ok", "the end", "START NOW", "STOP STOP"})
    EXPECT_EQ(classify_keyword(body), consent_keyword::none) << '"' << body << '"';
}

TEST(Consent, Stop_FromAnyOtherState_OptsOutWithOneConfirmation) {
  for (auto s : {consent_state::unknown, consent_state::pending, consent_state::yes}) {
    auto o = apply_keyword(s, consent_keyword::stop);
    EXPECT_EQ(o.next, consent_state::no);
    EXPECT_EQ(o.reply, reply::opt_out_confirmation);
  }
}

TEST(Consent, StopWhileAlreadyOptedOut_SendsNothing) {
  auto o = apply_keyword(consent_state::no, consent_keyword::stop);
  EXPECT_EQ(o.next, consent_state::no);
  EXPECT_EQ(o.reply, reply::none);
}

TEST(Consent, RepeatedStop_ConfirmsOnlyOnce) {
  auto state = consent_state::yes;
  int confirmations = 0;
  for (int i = 0; i < 3; ++i) {
    auto o = apply_keyword(state, consent_keyword::stop);
    state = o.next;
    if (o.reply == reply::opt_out_confirmation) ++confirmations;
  }
  EXPECT_EQ(state, consent_state::no);
  EXPECT_EQ(confirmations, 1);
}

TEST(Consent, StartAndUnstop_FromNo_OptIn) {
  for (auto k : {consent_keyword::start, consent_keyword::unstop}) {
    auto o = apply_keyword(consent_state::no, k);
    EXPECT_EQ(o.next, consent_state::yes);
    EXPECT_EQ(o.reply, reply::opt_in_confirmation);
  }
}

TEST(Consent, StartAndUnstop_FromAnyOtherState_ChangeNothing) {
  for (auto k : {consent_keyword::start, consent_keyword::unstop})
    for (auto s : {consent_state::unknown, consent_state::pending, consent_state::yes})
      EXPECT_EQ(apply_keyword(s, k), (consent_outcome{s, reply::none})) << static_cast<int>(s);
}

TEST(Consent, Yes_FromNoOrPending_OptsIn) {
  for (auto s : {consent_state::no, consent_state::pending}) {
    auto o = apply_keyword(s, consent_keyword::yes);
    EXPECT_EQ(o.next, consent_state::yes);
    EXPECT_EQ(o.reply, reply::opt_in_confirmation);
  }
}

TEST(Consent, Yes_FromUnknownOrYes_ChangesNothing) {
  for (auto s : {consent_state::unknown, consent_state::yes})
    EXPECT_EQ(apply_keyword(s, consent_keyword::yes), (consent_outcome{s, reply::none}));
}

TEST(Consent, Help_InEveryState_KeepsStateAndRepliesHelp) {
  for (auto s : kAllStates)
    EXPECT_EQ(apply_keyword(s, consent_keyword::help), (consent_outcome{s, reply::help}));
}

TEST(Consent, OrdinaryMessage_InEveryState_ChangesNothing) {
  for (auto s : kAllStates)
    EXPECT_EQ(apply_keyword(s, consent_keyword::none), (consent_outcome{s, reply::none}));
}

TEST(Consent, ImpliedMode_RefusesOnlyOptedOut) {
  for (auto s : {consent_state::unknown, consent_state::pending, consent_state::yes})
    EXPECT_TRUE(check_send_consent(s, consent_mode::implied).ok());
  auto r = check_send_consent(consent_state::no, consent_mode::implied);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::opted_out);
}

TEST(Consent, DoubleOptInMode_NeedsYes) {
  EXPECT_TRUE(check_send_consent(consent_state::yes, consent_mode::double_opt_in).ok());
  for (auto s : {consent_state::unknown, consent_state::pending}) {
    auto r = check_send_consent(s, consent_mode::double_opt_in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, errc::consent_required);
  }
}

TEST(Consent, DoubleOptInMode_OptedOutIsOptedOutNotConsentRequired) {
  auto r = check_send_consent(consent_state::no, consent_mode::double_opt_in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::opted_out);
}

TEST(ConsentBook, NeverSetPair_IsUnknown) {
  consent_book book;
  EXPECT_EQ(book.get("+16502530000", "+18885550100"), consent_state::unknown);
  EXPECT_EQ(book.size(), 0u);
}

TEST(ConsentBook, SetState_IsReadBack) {
  consent_book book;
  for (auto s : kAllStates) {
    book.set("+16502530000", "+18885550100", s);
    EXPECT_EQ(book.get("+16502530000", "+18885550100"), s);
  }
}

TEST(ConsentBook, StopOnOneNumber_DoesNotCarryToAnotherNumber) {
  consent_book book;
  book.set("+16502530000", "+18885550100", consent_state::no);
  EXPECT_EQ(book.get("+16502530000", "+18885550100"), consent_state::no);
  EXPECT_EQ(book.get("+16502530000", "+18885550199"), consent_state::unknown);
  EXPECT_EQ(book.get("+16502530001", "+18885550100"), consent_state::unknown);
}

TEST(ConsentBook, PairsAreNotConfusedWhenSwapped) {
  consent_book book;
  book.set("+1A", "+1B", consent_state::yes);
  EXPECT_EQ(book.get("+1B", "+1A"), consent_state::unknown);
}

TEST(ConsentBook, SettingUnknown_ForgetsThePair) {
  consent_book book;
  book.set("+16502530000", "+18885550100", consent_state::pending);
  book.set("+16502530001", "+18885550100", consent_state::yes);
  EXPECT_EQ(book.size(), 2u);
  book.set("+16502530000", "+18885550100", consent_state::unknown);
  EXPECT_EQ(book.size(), 1u);
  EXPECT_EQ(book.get("+16502530000", "+18885550100"), consent_state::unknown);
  EXPECT_EQ(book.all().begin()->second, consent_state::yes);
}

}  // namespace
}  // namespace msgcenter
