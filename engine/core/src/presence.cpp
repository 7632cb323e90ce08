#include "msgcenter/core/presence.hpp"

#include <array>

namespace msgcenter {
namespace {
constexpr std::array<const char*, 3> kStates{"viewing", "replying", "idle"};
}  // namespace

const char* to_string(presence_state s) noexcept {
  auto i = static_cast<std::size_t>(s);
  return i < kStates.size() ? kStates[i] : "?";
}

std::optional<presence_state> parse_presence_state(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kStates.size(); ++i)
    if (s == kStates[i]) return static_cast<presence_state>(i);
  return std::nullopt;
}

bool hears_presence(access acc, bool is_sender) noexcept {
  return !is_sender && acc != access::none;
}

}  // namespace msgcenter
