// spec "Contacts and linking" as far as contact_book goes: contacts by id, the phone index,
// and the "exactly one contact has that phone" rule used to link conversations.
#include <gtest/gtest.h>

#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/contact_book.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

const std::string kP1 = "+15557770001";
const std::string kP2 = "+15557770002";
const std::string kP3 = "+15557770003";

contact make_contact(std::string id, std::vector<std::string> phones, std::string first = "Ana") {
  contact c;
  static_cast<contact_card&>(c) = make_card(std::move(id), std::move(first), "Smith");
  c.phones = std::move(phones);
  return c;
}

TEST(Contacts, Upsert_FindsById) {
  contact_book book;
  book.upsert(make_contact("k1", {kP1}));
  ASSERT_NE(book.find("k1"), nullptr);
  EXPECT_EQ(book.find("k1")->first_name, "Ana");
  EXPECT_EQ(book.find("k2"), nullptr);
  EXPECT_EQ(book.size(), 1u);
  EXPECT_EQ(book.all().count("k1"), 1u);
}

TEST(Contacts, OneContactWithPhone_IsTheSingleMatch) {
  contact_book book;
  book.upsert(make_contact("k1", {kP1, kP2}));
  ASSERT_NE(book.single_match(kP1), nullptr);
  EXPECT_EQ(book.single_match(kP1)->id, "k1");
  ASSERT_NE(book.single_match(kP2), nullptr);
  EXPECT_EQ(book.single_match(kP2)->id, "k1");
  EXPECT_EQ(book.with_phone(kP1), names{"k1"});
}

TEST(Contacts, NoContactWithPhone_NoMatch) {
  contact_book book;
  book.upsert(make_contact("k1", {kP1}));
  EXPECT_EQ(book.single_match(kP3), nullptr);
  EXPECT_TRUE(book.with_phone(kP3).empty());
}

TEST(Contacts, SeveralContactsWithPhone_NoSingleMatch) {
  contact_book book;
  book.upsert(make_contact("k1", {kP1}));
  book.upsert(make_contact("k2", {kP1}, "Leo"));
  EXPECT_EQ(book.single_match(kP1), nullptr);
  EXPECT_EQ(book.with_phone(kP1).size(), 2u);
}

TEST(Contacts, SamePhoneListedTwice_CountsOnce) {
  contact_book book;
  auto c = make_contact("k1", {kP1, kP1});
  book.upsert(c);
  EXPECT_EQ(book.with_phone(kP1), names{"k1"});
  ASSERT_NE(book.single_match(kP1), nullptr);
  EXPECT_EQ(book.find("k1")->phones, names{kP1});
}

TEST(Contacts, Upsert_ReturnsThePhonesItTouched) {
  contact_book book;
  auto touched = book.upsert(make_contact("k1", {kP2, kP1}));
  EXPECT_EQ(touched, (names{kP1, kP2}));
}

TEST(Contacts, Replace_ReindexesOldAndNewPhones) {
  // Given k1 with P1 and P2
  contact_book book;
  book.upsert(make_contact("k1", {kP1, kP2}));
  // When k1 is replaced with P2 and P3
  auto touched = book.upsert(make_contact("k1", {kP2, kP3}, "Anna"));
  // Then P1 no longer matches, P3 does, all three phones were touched
  EXPECT_EQ(touched, (names{kP1, kP2, kP3}));
  EXPECT_EQ(book.single_match(kP1), nullptr);
  EXPECT_TRUE(book.with_phone(kP1).empty());
  ASSERT_NE(book.single_match(kP3), nullptr);
  EXPECT_EQ(book.single_match(kP3)->first_name, "Anna");
  EXPECT_EQ(book.with_phone(kP2), names{"k1"});
  EXPECT_EQ(book.size(), 1u);
}

TEST(Contacts, UpsertThatLeavesOneMatch_ReportsThePhoneForRelinking) {
  // Given two contacts sharing P1 (so a conversation with P1 stays unlinked)
  contact_book book;
  book.upsert(make_contact("k1", {kP1}));
  book.upsert(make_contact("k2", {kP1}, "Leo"));
  ASSERT_EQ(book.single_match(kP1), nullptr);
  // When k2 moves to P2
  auto touched = book.upsert(make_contact("k2", {kP2}, "Leo"));
  // Then P1 now matches exactly k1 and is reported, so its conversation can be linked
  EXPECT_EQ(touched, (names{kP1, kP2}));
  ASSERT_NE(book.single_match(kP1), nullptr);
  EXPECT_EQ(book.single_match(kP1)->id, "k1");
}

TEST(Contacts, ReplaceWithNoPhones_RemovesFromIndex) {
  contact_book book;
  book.upsert(make_contact("k1", {kP1}));
  auto touched = book.upsert(make_contact("k1", {}));
  EXPECT_EQ(touched, names{kP1});
  EXPECT_EQ(book.single_match(kP1), nullptr);
  ASSERT_NE(book.find("k1"), nullptr);
}

TEST(Contacts, CardCarriesWhatListingsNeed) {
  contact_book book;
  auto c = make_contact("k1", {kP1});
  c.kind = contact_kind::resource;
  c.client_type = "supplier";
  c.groups = {"linen"};
  c.home_location = kNorth;
  c.sales_owner = "sam";
  book.upsert(c);
  auto card = book.find("k1")->card();
  EXPECT_EQ(card.kind, contact_kind::resource);
  EXPECT_EQ(card.client_type, "supplier");
  EXPECT_EQ(card.groups, names{"linen"});
  EXPECT_EQ(card.home_location, kNorth);
  EXPECT_EQ(card.sales_owner, "sam");
  EXPECT_EQ(card.full_name(), "Ana Smith");
}

}  // namespace
}  // namespace msgcenter
