// Presence (issue 13): "Ana is viewing / replying" shown to colleagues who can reach the
// same conversation. Ephemeral by design: a presence event is never journaled, never kept
// for resume and takes no event sequence number; a client forgets a state that was not
// refreshed within kPresenceTtlMs. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// What a staff member is doing in a conversation.
enum class presence_state : std::uint8_t {
  viewing,   ///< has the thread open
  replying,  ///< is typing a reply
  idle,      ///< left it (closes the others' indicator at once)
};
[[nodiscard]] const char* to_string(presence_state s) noexcept;
[[nodiscard]] std::optional<presence_state> parse_presence_state(std::string_view s) noexcept;

/// How long a presence state holds without a refresh; clients refresh well within it.
inline constexpr std::int64_t kPresenceTtlMs = 30'000;

/// One presence event's content.
struct presence_note {
  conversation_id conversation = 0;
  std::string staff;  ///< who
  std::string name;   ///< their display name
  presence_state state = presence_state::viewing;
  std::int64_t ttl_ms = kPresenceTtlMs;
};

/// Whether a staff member with access `acc` to the conversation hears another staff
/// member's presence in it: everyone who can reach it (access open or visible: a manager
/// who opened it collides as much as anyone), never the sender themself.
[[nodiscard]] bool hears_presence(access acc, bool is_sender) noexcept;

}  // namespace msgcenter
