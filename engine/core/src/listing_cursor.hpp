// The cursor format and folder filter of inbox.list, shared by conversation_index (the
// engine's listing) and inbox_view (the per-viewer reference model it is tested against).
// Internal to engine/core.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace msgcenter::listing
