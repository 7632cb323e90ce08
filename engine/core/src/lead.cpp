#include "msgcenter/core/lead.hpp"

#include <algorithm>
#include <cstdlib>

namespace msgcenter {
namespace {
constexpr char kLeadPrefix[] = "lead-";
constexpr std::size_t kLeadPrefixSize = sizeof(kLeadPrefix) - 1;
}  // namespace

result<contact> make_lead(const contact_book& book, std::uint64_t& next_lead,
                          const std::string& first_name, const std::string& last_name,
                          const std::string& email, const std::string& phone) {
  if (first_name.empty() && last_name.empty())
    return make_error(errc::invalid_argument, "a lead needs a name");
  contact lead;
  do {
    lead.id = kLeadPrefix + std::to_string(next_lead++);
  } while (book.find(lead.id));
  lead.kind = contact_kind::lead;
  lead.first_name = first_name;
  lead.last_name = last_name;
  lead.email = email;
  lead.phones = {phone};
  return lead;
}

std::uint64_t next_lead_after(const std::string& contact_id, std::uint64_t current) noexcept {
  if (contact_id.rfind(kLeadPrefix, 0) != 0) return current;
  std::uint64_t n = std::strtoull(contact_id.c_str() + kLeadPrefixSize, nullptr, 10);
  return std::max<std::uint64_t>(current, n + 1);
}

}  // namespace msgcenter
