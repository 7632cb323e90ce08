// What inbox.list decides before walking any list (refusals, cursor, search, pinned rows),
// the cursor format and the folder filter: shared by conversation_index (the engine's
// listing) and inbox_view (the per-viewer reference model it is tested against).
// Internal to engine/core.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/error.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/search.hpp"
#include "msgcenter/core/text.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter::listing {

// Cursor: "<phase>.<activity>.<id>" of the last row returned; phase 0 = pinned rows,
// 1 = the rest. Opaque to clients; positions are keys, so paging is stable while new
// messages arrive (a conversation that moves to the top is not repeated on later pages).
struct cursor_pos {
  int phase = 0;
  millis activity = 0;
  conversation_id id = 0;
};

inline std::string encode_cursor(const cursor_pos& c) {
  return std::to_string(c.phase) + "." + std::to_string(c.activity) + "." + std::to_string(c.id);
}

inline std::optional<cursor_pos> decode_cursor(std::string_view s) {
  cursor_pos c;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  auto r1 = std::from_chars(p, end, c.phase);
  if (r1.ec != std::errc{} || r1.ptr == end || *r1.ptr != '.' || c.phase < 0 || c.phase > 1)
    return std::nullopt;
  auto r2 = std::from_chars(r1.ptr + 1, end, c.activity);
  if (r2.ec != std::errc{} || r2.ptr == end || *r2.ptr != '.') return std::nullopt;
  auto r3 = std::from_chars(r2.ptr + 1, end, c.id);
  if (r3.ec != std::errc{} || r3.ptr != end) return std::nullopt;
  return c;
}

inline bool folder_matches(folder_filter f, folder actual) {
  switch (f) {
    case folder_filter::inbox:
      return actual != folder::archived;
    case folder_filter::all:
      return true;
    case folder_filter::unread:
      return actual == folder::unread;
    case folder_filter::read:
      return actual == folder::read;
    case folder_filter::replied:
      return actual == folder::replied;
    case folder_filter::archived:
      return actual == folder::archived;
  }
  return false;
}

/// One inbox.list call, checked and decoded.
struct plan {
  explicit plan(const inbox_query& q) : search(q.q) {}
  bool foreign_assignee = false;  ///< the assignee filter names someone else
  bool has_cursor = false;
  cursor_pos start{0, 0, 0};
  search_query search;
  bool searching = false;
  bool pinned_first = false;    ///< pinned rows lead the page (unfiltered inbox)
  bool include_pinned = false;  ///< pinned rows may be listed at all
  access min_access = access::visible;
};

/// Errors: invalid_argument (limit out of range, `from` after `to`, malformed cursor),
/// permission_denied (`assignee` naming someone else without may_manage).
inline result<plan> plan_listing(const inbox_query& q, const std::string& viewer, bool may_manage) {
  if (q.limit < 1 || q.limit > kMaxPageSize)
    return make_error(errc::invalid_argument, "limit must be between 1 and 500");
  if (q.from && q.to && *q.from > *q.to)
    return make_error(errc::invalid_argument, "`from` is after `to`");
  plan p(q);
  p.foreign_assignee = q.assignee && *q.assignee != viewer;
  if (p.foreign_assignee && !may_manage)
    return make_error(errc::permission_denied,
                      "the assignee filter may only name yourself without manage_messages");
  p.has_cursor = !q.cursor.empty();
  if (p.has_cursor) {
    auto c = decode_cursor(q.cursor);
    if (!c) return make_error(errc::invalid_argument, "malformed cursor");
    p.start = *c;
  }
  p.searching = !p.search.empty() || !trim(q.q).empty();
  p.pinned_first = !q.filtered();
  p.include_pinned = p.pinned_first || p.searching;
  // Managers reach others' conversations only through an explicit assignee filter.
  p.min_access = p.foreign_assignee ? access::open : access::visible;
  return p;
}

}  // namespace msgcenter::listing
