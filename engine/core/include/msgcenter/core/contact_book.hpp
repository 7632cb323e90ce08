// The contacts of one business with an index by phone (spec "Contacts and linking").
// Not thread-safe: owned by one business actor.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "msgcenter/core/directory.hpp"

namespace msgcenter {

class contact_book {
 public:
  /// Inserts or replaces a contact (phones must already be E.164). Returns the phones whose
  /// set of matching contacts changed, so their conversations can be (re)linked.
  std::vector<std::string> upsert(contact c);

  [[nodiscard]] const contact* find(const std::string& id) const;
  /// The one contact having `phone`, or nullptr when none or several have it.
  [[nodiscard]] const contact* single_match(const std::string& phone) const;
  /// Ids of every contact having `phone`.
  [[nodiscard]] const std::vector<std::string>& with_phone(const std::string& phone) const;
  [[nodiscard]] const std::map<std::string, contact>& all() const noexcept { return contacts_; }
  [[nodiscard]] std::size_t size() const noexcept { return contacts_.size(); }

 private:
  std::map<std::string, contact> contacts_;
  std::map<std::string, std::vector<std::string>> by_phone_;
};

}  // namespace msgcenter
