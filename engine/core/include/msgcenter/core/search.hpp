// The `q` text search of inbox.list (spec "Listing and search").
#pragma once

#include <string>
#include <string_view>

#include "msgcenter/core/conversation.hpp"

namespace msgcenter {

/// A prepared search: folded once, matched against many conversations.
/// Matches a prefix of any word of the contact's name (case- and accent-insensitive; a
/// multi-word query matches from any word on: "ana sm" finds "Ana Smith"), a prefix of the
/// email, uid or contact id (case-insensitive), and, when the query has at least 3 digits
/// and nothing but digits, spaces and `+()-.`, its digits as a substring of the phone's.
class search_query {
 public:
  explicit search_query(std::string_view q);

  [[nodiscard]] bool empty() const noexcept { return folded_.empty() && digits_.empty(); }
  [[nodiscard]] bool matches(const conversation_view& v) const;

 private:
  std::string folded_;  ///< fold_for_search(q), trimmed
  std::string lower_;   ///< ASCII-lowered q, for ids and emails
  std::string digits_;  ///< set only for phone-like queries
};

}  // namespace msgcenter
