// Which contact fills a template's {first_name} and {last_name} (spec "Sending": templates).
// Stateless; reads the contact book only.
#pragma once

#include <string>

#include "msgcenter/core/contact_book.hpp"

namespace msgcenter {

/// The contact whose names fill a template sent to `phone`:
///  1. `requested_contact` (the send's `contact`) when given and in `book`;
///  2. else `linked_contact_id` (the contact linked to the (number, phone) conversation,
///     empty when there is none or it is unlinked) when in `book`;
///  3. else the one contact having `phone` (contact_book::single_match), as linking would.
/// nullptr when none applies: the names then render as nothing.
/// The pointer is into `book` and valid until `book` changes. Never fails.
[[nodiscard]] const contact* template_contact(const contact_book& book,
                                              const std::string& requested_contact,
                                              const std::string& linked_contact_id,
                                              const std::string& phone);

}  // namespace msgcenter
