// Creating a lead from a conversation (spec "Contacts and linking": `create_lead` creates a
// lead contact from first name, last name, email and links it).
// Stateless and thread-safe; the caller owns the lead counter.
#pragma once

#include <cstdint>
#include <string>

#include "msgcenter/core/contact_book.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter {

/// The lead contact for a conversation with `phone` (E.164): kind `lead`, the given names
/// and email, phones = {phone}, and id `lead-<n>` with n the first value from `next_lead` on
/// whose id `book` does not hold yet (an imported contact may already be called
/// "lead-3"). `next_lead` is left one past the n used, so ids are never handed out twice.
/// The lead is not added to `book`: the caller stores it (journal first) and upserts it.
/// Check access and check_action_right(create_lead) first: a refused staff member must not
/// learn that the name was missing.
/// Errors: `invalid_argument` "a lead needs a name" when both names are empty (`next_lead`
/// is then unchanged).
[[nodiscard]] result<contact> make_lead(const contact_book& book, std::uint64_t& next_lead,
                                        const std::string& first_name, const std::string& last_name,
                                        const std::string& email, const std::string& phone);

/// The lead counter after restoring contact `contact_id`: for an id `lead-<n>`, at least
/// n + 1, so new leads continue after the highest; `current` for any other id. The number is
/// read as strtoull reads it after the "lead-" prefix (leading blanks and a sign accepted,
/// trailing text ignored, no digits read as 0); an n of the largest uint64 wraps n + 1 to 0
/// and leaves `current`. make_lead skips taken ids anyway, so a lax parse costs no
/// collision. Never fails.
[[nodiscard]] std::uint64_t next_lead_after(const std::string& contact_id,
                                            std::uint64_t current) noexcept;

}  // namespace msgcenter
