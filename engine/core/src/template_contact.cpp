#include "msgcenter/core/template_contact.hpp"

namespace msgcenter {

const contact* template_contact(const contact_book& book, const std::string& requested_contact,
                                const std::string& linked_contact_id, const std::string& phone) {
  if (!requested_contact.empty())
    if (const auto* c = book.find(requested_contact)) return c;
  if (!linked_contact_id.empty())
    if (const auto* c = book.find(linked_contact_id)) return c;
  return book.single_match(phone);
}

}  // namespace msgcenter
