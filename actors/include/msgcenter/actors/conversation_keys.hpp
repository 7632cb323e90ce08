// The conversations of one business by their key (business number, client phone): a
// conversation is the thread between one of the business's numbers and one phone.
//
// Two levels, number then phone, so a lookup hashes one string and copies none: a business
// has a handful of numbers, and the per-message path (every inbound text) looks a key up
// without building a (number, phone) pair of strings.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <optional>
#include <string>

#include "msgcenter/core/types.hpp"

namespace msgcenter::actors {

class conversation_keys {
 public:
  /// The conversation between `number` and `phone`, if there is one.
  [[nodiscard]] std::optional<conversation_id> find(const std::string& number,
                                                    const std::string& phone) const {
    auto n = by_number_.find(number);
    if (n == by_number_.end()) return std::nullopt;
    auto p = n->second.find(phone);
    if (p == n->second.end()) return std::nullopt;
    return p->second;
  }

  /// Records the conversation of a key (a key already recorded keeps its conversation).
  void emplace(const std::string& number, const std::string& phone, conversation_id id) {
    by_number_[number].emplace(phone, id);
  }

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, conversation_id>> by_number_;
};

}  // namespace msgcenter::actors
