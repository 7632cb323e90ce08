#include "msgcenter/core/operations.hpp"

#include <array>

namespace msgcenter {
namespace {
constexpr std::array<const char*, 13> kActions{
    "mark_read", "mark_unread", "archive", "unarchive", "mute",         "unmute",     "pin",
    "unpin",     "hide",        "assign",  "unassign",  "link_contact", "create_lead"};
constexpr std::array<const char*, 7> kEvents{"message", "conversation", "badge", "alert",
                                             "reset",   "presence",     "closed"};
}  // namespace

const char* to_string(conversation_action a) noexcept {
  auto i = static_cast<std::size_t>(a);
  return i < kActions.size() ? kActions[i] : "?";
}

std::optional<conversation_action> parse_conversation_action(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kActions.size(); ++i)
    if (s == kActions[i]) return static_cast<conversation_action>(i);
  return std::nullopt;
}

const char* to_string(event_kind k) noexcept {
  auto i = static_cast<std::size_t>(k);
  return i < kEvents.size() ? kEvents[i] : "?";
}

}  // namespace msgcenter
