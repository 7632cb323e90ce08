// spec "Listing and search", the `q` text search: name word prefixes (case- and
// accent-insensitive), email / uid / contact id prefixes, phone digits; and the text helpers
// it is built on.
#include <gtest/gtest.h>

#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/search.hpp"
#include "msgcenter/core/text.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

conversation_view linked(contact_card c, std::string phone = "+15557770001") {
  conversation_view v;
  v.id = 1;
  v.phone = std::move(phone);
  v.has_messages = true;
  v.contact = std::move(c);
  return v;
}

conversation_view unlinked(std::string phone) {
  conversation_view v;
  v.id = 2;
  v.phone = std::move(phone);
  v.has_messages = true;
  return v;
}

bool finds(std::string_view q, const conversation_view& v) { return search_query(q).matches(v); }

const conversation_view kAna = [] {
  auto c = make_card("CL-0042", "Ana", "Smith");
  c.email = "Ana.Smith@Example.com";
  c.uid = "ACME-77";
  return linked(c, "+12025550142");
}();

// ---- Names -------------------------------------------------------------------------------

TEST(Search, NameWordPrefix_CaseInsensitive) {
  for (const char* q : {"ana", "Ana", "ANA", "a", "smi", "SMITH", "Smith", "sMiTh"})
    EXPECT_TRUE(finds(q, kAna)) << q;
}

TEST(Search, NameAccentInsensitive_ZoeFindsZoe) {
  auto zoe = linked(make_card("k1", "Zo\xC3\xAB", "M\xC3\xBCller"));  // Zoë Müller (NFC)
  EXPECT_TRUE(finds("zoe", zoe));
  EXPECT_TRUE(finds("ZOE", zoe));
  EXPECT_TRUE(finds("Zo\xC3\xAB", zoe));
  EXPECT_TRUE(finds("muller", zoe));
  EXPECT_TRUE(finds("zoe mu", zoe));
  auto plain = linked(make_card("k2", "Zoe", "Muller"));
  EXPECT_TRUE(finds("zo\xC3\xAB", plain)) << "an accented query finds the plain name";
  auto decomposed = linked(make_card("k3", "Zoe\xCC\x88", ""));  // Zoë as e + U+0308 (NFD)
  EXPECT_TRUE(finds("zoe", decomposed));
  EXPECT_TRUE(finds("Zo\xC3\xAB", decomposed));
}

TEST(Search, MultiWord_AnaSmFindsAnaSmith) {
  EXPECT_TRUE(finds("ana sm", kAna));
  EXPECT_TRUE(finds("Ana Smith", kAna));
  EXPECT_FALSE(finds("ana x", kAna));
  EXPECT_FALSE(finds("smith ana", kAna));
}

TEST(Search, MidWord_MithDoesNotFindSmith) {
  EXPECT_FALSE(finds("mith", kAna));
  EXPECT_FALSE(finds("na", kAna));
  EXPECT_FALSE(finds("th", kAna));
}

TEST(Search, NameWordsAfterPunctuationAreWords) {
  auto v = linked(make_card("k1", "Mary-Jane", "O'Brien"));
  EXPECT_TRUE(finds("jane", v));
  EXPECT_TRUE(finds("brien", v));
  EXPECT_TRUE(finds("mary-j", v));
  EXPECT_FALSE(finds("ary", v));
}

TEST(Search, NameWordsAfterTypographicPunctuationAreWords) {
  // Phones type O’Brien with a typographic apostrophe and Mary–Jane with an en dash.
  auto v = linked(make_card("k1", "Mary\xE2\x80\x93Jane",
                            "O\xE2\x80\x99"
                            "Brien"));
  EXPECT_TRUE(finds("jane", v));
  EXPECT_TRUE(finds("brien", v));
  EXPECT_TRUE(finds("mary", v));
  EXPECT_FALSE(finds("ary", v));
  EXPECT_FALSE(finds("rien", v));
}

TEST(Search, NameWordsOfOtherScriptsAreWords) {
  auto v =
      linked(make_card("k1", "\xD0\x90\xD0\xBD\xD0\xBD\xD0\xB0",                      // Анна
                       "\xD0\x9F\xD0\xB5\xD1\x82\xD1\x80\xD0\xBE\xD0\xB2\xD0\xB0"));  // Петрова
  EXPECT_TRUE(finds("\xD0\xBF\xD0\xB5\xD1\x82", v));                                  // пет
  EXPECT_TRUE(finds("\xD0\x90\xD0\x9D\xD0\x9D", v));                                  // АНН
  EXPECT_FALSE(finds("\xD0\xB5\xD1\x82\xD1\x80", v));  // етр: mid-word
}

TEST(Search, NameLastNameOnly) {
  auto v = linked(make_card("k1", "", "Nakamura"));
  EXPECT_TRUE(finds("naka", v));
  EXPECT_FALSE(finds("kamura", v));
}

// ---- Email, uid, contact id ----------------------------------------------------------------

TEST(Search, EmailPrefix_CaseInsensitive) {
  EXPECT_TRUE(finds("ana.smith@", kAna));
  EXPECT_TRUE(finds("ANA.SMITH@EXAMPLE.COM", kAna));
  EXPECT_FALSE(finds("example.com", kAna)) << "not a prefix of the email";
  EXPECT_FALSE(finds("smith@", kAna));
}

TEST(Search, UidPrefix_CaseInsensitive) {
  EXPECT_TRUE(finds("acme", kAna));
  EXPECT_TRUE(finds("acme-7", kAna));
  EXPECT_TRUE(finds("ACME-77", kAna));
  EXPECT_FALSE(finds("me-77", kAna));
  EXPECT_FALSE(finds("acme-78", kAna));
}

TEST(Search, ContactIdPrefix_CaseInsensitive) {
  EXPECT_TRUE(finds("cl-00", kAna));
  EXPECT_TRUE(finds("CL-0042", kAna));
  EXPECT_FALSE(finds("0042x", kAna));
  EXPECT_FALSE(finds("L-0042", kAna));
}

TEST(Search, EmptyEmailAndUid_MatchNothingExtra) {
  auto v = linked(make_card("k9", "Bo", ""));
  EXPECT_FALSE(finds("x", v));
  EXPECT_TRUE(finds("k9", v));
}

// ---- Phones --------------------------------------------------------------------------------

TEST(Search, PhoneDigitsSubstring) {
  // kAna's phone +12025550142
  for (const char* q : {"555", "0142", "2025550142", "+1 202 555 0142", "(202) 555-0142",
                        "202.555.0142", "+12025550142", " 555 "})
    EXPECT_TRUE(finds(q, kAna)) << q;
  EXPECT_FALSE(finds("5559", kAna));
  EXPECT_FALSE(finds("(303) 555-0142", kAna));
}

TEST(Search, PhoneSearch_FindsUnlinkedConversations) {
  auto v = unlinked("+15557771234");
  EXPECT_TRUE(finds("1234", v));
  EXPECT_TRUE(finds("777-12", v));
  EXPECT_FALSE(finds("4321", v));
  EXPECT_FALSE(finds("ana", v)) << "no contact: only the phone can match";
}

TEST(Search, PhoneNeedsThreeDigits_TwoDigitsNotAPhoneSearch) {
  auto v = unlinked("+15557771234");
  EXPECT_FALSE(finds("12", v));
  EXPECT_FALSE(finds("(1-2)", v));
  EXPECT_FALSE(finds("+1", v));
  EXPECT_TRUE(finds("123", v));
}

TEST(Search, PhoneQueryWithOtherCharacters_NotAPhoneSearch) {
  auto v = unlinked("+15557771234");
  for (const char* q : {"555a", "tel 555", "555/777", "555#", "x1234"})
    EXPECT_FALSE(finds(q, v)) << q;
}

TEST(Search, DigitsStillMatchIdsAndUids) {
  auto c = make_card("12345", "Bo", "");
  c.uid = "98-765";
  auto v = linked(c, "+15550000000");
  EXPECT_TRUE(finds("123", v));   // contact id prefix
  EXPECT_TRUE(finds("98-7", v));  // uid prefix
}

// ---- Query preparation ---------------------------------------------------------------------

TEST(Search, BlankQuery_IsEmpty) {
  EXPECT_TRUE(search_query("").empty());
  EXPECT_TRUE(search_query("   \t").empty());
  EXPECT_FALSE(search_query("a").empty());
  EXPECT_FALSE(search_query("555").empty());
}

TEST(Search, QueryIsTrimmed) {
  EXPECT_TRUE(finds("  ana  ", kAna));
  EXPECT_TRUE(finds("\tsmi\n", kAna));
}

TEST(Search, NoMatch) {
  EXPECT_FALSE(finds("bob", kAna));
  EXPECT_FALSE(finds("zzz", kAna));
}

// ---- Search inside inbox.list -------------------------------------------------------------

TEST(Search, InList_BlankQueryListsEverything) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, "+15557770001").link(make_card("k1", "Ana", "Smith"));
  w.receive(1, 100);
  w.start(2, "+15557770002");
  w.receive(2, 200);
  auto inbox = w.inbox_for("alice");
  inbox_query q;
  q.q = "   ";
  EXPECT_EQ(list_ids(inbox, q), (ids{2, 1}));
}

TEST(Search, InList_CombinesWithFilters) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, "+15557770001").link(make_card("k1", "Ana", "Smith"));
  w.receive(1, 100);
  w.start(2, "+15557770002").link(make_card("k2", "Anabel", "Jones"));
  w.receive(2, 200);
  w.conv(2).mark_read("alice", w.dir);
  w.start(3, "+15557770003").link(make_card("k3", "Bob", "Anders"));
  w.receive(3, 300);
  auto inbox = w.inbox_for("alice");
  inbox_query q;
  q.q = "ana";
  EXPECT_EQ(list_ids(inbox, q), (ids{2, 1}));
  q.folder = folder_filter::unread;
  EXPECT_EQ(list_ids(inbox, q), ids{1});
  q.q = "and";
  EXPECT_EQ(list_ids(inbox, q), ids{3});
}

TEST(Search, InList_FindsArchivedOnlyWithArchivedOrAllFolder) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, "+15557770001").link(make_card("k1", "Ana", "Smith"));
  w.receive(1, 100);
  w.conv(1).set_archived(true);
  auto inbox = w.inbox_for("alice");
  inbox_query q;
  q.q = "ana";
  EXPECT_TRUE(list_ids(inbox, q).empty()) << "folder stays `inbox` by default";
  q.folder = folder_filter::all;
  EXPECT_EQ(list_ids(inbox, q), ids{1});
}

// ---- Text helpers --------------------------------------------------------------------------

TEST(Text, FoldForSearch_CaseAndAccentsRemoved) {
  EXPECT_EQ(fold_for_search("Zo\xC3\xAB"), "zoe");
  EXPECT_EQ(fold_for_search("ZOE"), "zoe");
  EXPECT_EQ(fold_for_search("Zoe\xCC\x88"), "zoe");
  EXPECT_EQ(fold_for_search("Fran\xC3\xA7ois"), "francois");
  EXPECT_EQ(fold_for_search("\xC3\x85NGSTR\xC3\x96M"), "angstrom");
  EXPECT_EQ(fold_for_search("\xEF\xBC\xA1"), "a");  // fullwidth A (compatibility form)
  EXPECT_EQ(fold_for_search("\xC3"), "");           // invalid UTF-8
}

TEST(Text, Utf8Prefix_CountsCodePoints) {
  EXPECT_EQ(utf8_prefix("hello", 3), "hel");
  EXPECT_EQ(utf8_prefix("hi", 10), "hi");
  EXPECT_EQ(utf8_prefix("Zo\xC3\xAB!", 3), "Zo\xC3\xAB");
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 1), "\xF0\x9F\x98\x80");
  EXPECT_EQ(utf8_prefix("abc", 0), "");
}

TEST(Text, TrimAndAsciiLower) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \n "), "");
  EXPECT_EQ(ascii_lower("AbC-\xC3\x89"), "abc-\xC3\x89");  // non-ASCII left alone
}

}  // namespace
}  // namespace msgcenter
