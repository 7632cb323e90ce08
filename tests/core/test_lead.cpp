// spec "Contacts and linking": create_lead makes a lead contact from first name, last name
// and email for the conversation's phone; lead ids `lead-<n>` continue after a restart.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "msgcenter/core/lead.hpp"

namespace msgcenter {
namespace {

const std::string kPhone = "+15557770001";

TEST(Lead, MadeFromNamesEmailAndTheConversationsPhone) {
  contact_book book;
  std::uint64_t next = 1;
  auto lead = make_lead(book, next, "Ana", "Smith", "ana@example.com", kPhone);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->id, "lead-1");
  EXPECT_EQ(lead->kind, contact_kind::lead);
  EXPECT_EQ(lead->first_name, "Ana");
  EXPECT_EQ(lead->last_name, "Smith");
  EXPECT_EQ(lead->email, "ana@example.com");
  EXPECT_EQ(lead->phones, std::vector<std::string>{kPhone});
  EXPECT_EQ(next, 2u);
}

TEST(Lead, EitherNameIsEnough) {
  contact_book book;
  std::uint64_t next = 1;
  EXPECT_TRUE(make_lead(book, next, "Ana", "", "", kPhone).ok());
  EXPECT_TRUE(make_lead(book, next, "", "Smith", "", kPhone).ok());
  EXPECT_EQ(next, 3u);
}

TEST(Lead, NoName_IsInvalidArgument_AndUsesNoId) {
  contact_book book;
  std::uint64_t next = 4;
  auto lead = make_lead(book, next, "", "", "ana@example.com", kPhone);
  ASSERT_FALSE(lead.ok());
  EXPECT_EQ(lead.error(), make_error(errc::invalid_argument, "a lead needs a name"));
  EXPECT_EQ(next, 4u);
}

TEST(Lead, IdsAlreadyTaken_AreSkipped) {
  // Given contacts imported as lead-1 and lead-2
  contact_book book;
  contact taken;
  taken.id = "lead-1";
  book.upsert(taken);
  taken.id = "lead-2";
  book.upsert(taken);
  std::uint64_t next = 1;
  // Then the new lead is lead-3 and the counter moves past it
  auto lead = make_lead(book, next, "Ana", "", "", kPhone);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->id, "lead-3");
  EXPECT_EQ(next, 4u);
}

TEST(Lead, IsNotAddedToTheBook) {
  contact_book book;
  std::uint64_t next = 1;
  auto lead = make_lead(book, next, "Ana", "", "", kPhone);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(book.find(lead->id), nullptr);
  EXPECT_EQ(book.size(), 0u);
}

TEST(Lead, SuccessiveLeads_GetDistinctIds) {
  contact_book book;
  std::uint64_t next = 1;
  auto a = make_lead(book, next, "Ana", "", "", kPhone);
  auto b = make_lead(book, next, "Ben", "", "", kPhone);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->id, b->id);
}

TEST(LeadIds, RestoredLead_CounterContinuesAfterIt) { EXPECT_EQ(next_lead_after("lead-7", 1), 8u); }

TEST(LeadIds, RestoredLeadBelowTheCounter_KeepsTheCounter) {
  EXPECT_EQ(next_lead_after("lead-3", 10), 10u);
}

TEST(LeadIds, OtherIds_KeepTheCounter) {
  EXPECT_EQ(next_lead_after("client-42", 5), 5u);
  EXPECT_EQ(next_lead_after("leads-42", 5), 5u);
  EXPECT_EQ(next_lead_after("Lead-42", 5), 5u);
  EXPECT_EQ(next_lead_after("", 5), 5u);
}

TEST(LeadIds, LeadPrefixWithoutDigits_CountsAsZero) {
  EXPECT_EQ(next_lead_after("lead-abc", 0), 1u);
  EXPECT_EQ(next_lead_after("lead-", 3), 3u);
}

TEST(LeadIds, LargestNumber_WrapsAndKeepsTheCounter) {
  auto max = std::to_string(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(next_lead_after("lead-" + max, 9), 9u);
}

TEST(LeadIds, RestoreThenCreate_ContinuesAfterTheHighest) {
  // Given the store held lead-2, lead-9 and lead-4 (any order)
  contact_book book;
  std::uint64_t next = 1;
  for (const char* id : {"lead-2", "lead-9", "lead-4"}) {
    contact c;
    c.id = id;
    book.upsert(c);
    next = next_lead_after(id, next);
  }
  // Then the next lead is lead-10
  auto lead = make_lead(book, next, "Ana", "", "", kPhone);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->id, "lead-10");
}

}  // namespace
}  // namespace msgcenter
