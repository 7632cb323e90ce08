// spec "Sending" (templates with {first_name}, {last_name}) and "Contacts and linking": the
// contact whose names fill a template.
#include <gtest/gtest.h>

#include <string>

#include "msgcenter/core/render.hpp"
#include "msgcenter/core/template_contact.hpp"

namespace msgcenter {
namespace {

const std::string kPhone = "+15557770001";
const std::string kOtherPhone = "+15557770002";

contact person(std::string id, std::string first, std::vector<std::string> phones) {
  contact c;
  c.id = std::move(id);
  c.first_name = std::move(first);
  c.phones = std::move(phones);
  return c;
}

class TemplateContact : public ::testing::Test {
 protected:
  TemplateContact() {
    book.upsert(person("ana", "Ana", {kPhone}));
    book.upsert(person("ben", "Ben", {kOtherPhone}));
    book.upsert(person("cy", "Cy", {}));
  }
  std::string id_of(const contact* c) const { return c ? c->id : std::string("(none)"); }
  contact_book book;
};

TEST_F(TemplateContact, RequestedContact_WinsOverLinkedAndPhoneMatch) {
  EXPECT_EQ(id_of(template_contact(book, "cy", "ben", kPhone)), "cy");
}

TEST_F(TemplateContact, UnknownRequestedContact_FallsBackToTheLinkedOne) {
  EXPECT_EQ(id_of(template_contact(book, "nobody", "ben", kPhone)), "ben");
}

TEST_F(TemplateContact, NoRequestedContact_UsesTheConversationsLinkedContact) {
  // Linked by hand to ben although the phone is ana's: the link decides.
  EXPECT_EQ(id_of(template_contact(book, "", "ben", kPhone)), "ben");
}

TEST_F(TemplateContact, UnlinkedConversation_UsesTheOneContactWithThePhone) {
  EXPECT_EQ(id_of(template_contact(book, "", "", kPhone)), "ana");
}

TEST_F(TemplateContact, LinkedContactNoLongerInTheBook_FallsBackToPhoneMatch) {
  EXPECT_EQ(id_of(template_contact(book, "", "gone", kPhone)), "ana");
}

TEST_F(TemplateContact, PhoneSharedByTwoContacts_NoContact) {
  book.upsert(person("dee", "Dee", {kPhone}));
  EXPECT_EQ(template_contact(book, "", "", kPhone), nullptr);
}

TEST_F(TemplateContact, UnknownPhone_NoContact_NamesRenderAsNothing) {
  const auto* c = template_contact(book, "", "", "+15550000000");
  EXPECT_EQ(c, nullptr);
  template_vars vars;
  vars.business_name = "Spa";
  EXPECT_EQ(render_template("Hi {first_name}, from {business_name}", vars), "Hi , from Spa");
}

TEST_F(TemplateContact, FoundContact_FillsTheTemplate) {
  const auto* c = template_contact(book, "", "", kPhone);
  ASSERT_NE(c, nullptr);
  template_vars vars;
  vars.first_name = c->first_name;
  EXPECT_EQ(render_template("Hi {first_name}", vars), "Hi Ana");
}

}  // namespace
}  // namespace msgcenter
