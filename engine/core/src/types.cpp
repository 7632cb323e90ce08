#include "msgcenter/core/types.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "msgcenter/core/error.hpp"

namespace msgcenter {
namespace {

// One table per enum: index = enum value, entry = wire spelling.
template <class E, std::size_t N>
const char* spell(const std::array<const char*, N>& names, E v) noexcept {
  auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : "?";
}

template <class E, std::size_t N>
std::optional<E> parse(const std::array<const char*, N>& names, std::string_view s) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<const char*, 2> kDirection{"in", "out"};
constexpr std::array<const char*, 4> kKind{"manual", "campaign", "notification", "system"};
constexpr std::array<const char*, 6> kStatus{"received",  "queued",      "sent",
                                             "delivered", "undelivered", "failed"};
constexpr std::array<const char*, 2> kEncoding{"gsm7", "ucs2"};
constexpr std::array<const char*, 4> kFolder{"unread", "read", "replied", "archived"};
constexpr std::array<const char*, 6> kFolderFilter{"inbox",   "unread",   "read",
                                                   "replied", "archived", "all"};
constexpr std::array<const char*, 3> kContactKind{"client", "lead", "resource"};
constexpr std::array<const char*, 4> kConsent{"unknown", "pending", "yes", "no"};
constexpr std::array<const char*, 2> kReadStatus{"shared", "per_staff"};
constexpr std::array<const char*, 2> kVisibility{"all", "assigned"};
constexpr std::array<const char*, 2> kConsentMode{"implied", "double_opt_in"};
constexpr std::array<const char*, 6> kRights{"view_messages", "manage_messages", "send_sms",
                                             "remove_feed",   "export",          "admin"};
constexpr std::array<const char*, 2> kAlertKind{"message", "assigned"};
constexpr std::array<const char*, 13> kErrc{
    "invalid_argument",  "not_found",     "permission_denied",
    "consent_required",  "opted_out",     "invalid_phone",
    "not_mobile",        "body_too_long", "attachment_too_large",
    "unsupported_media", "overloaded",    "unavailable",
    "conflict"};

std::string prefixed(char prefix, std::uint64_t id) {
  std::string s(1, prefix);
  s += std::to_string(id);
  return s;
}

std::optional<std::uint64_t> parse_prefixed(char prefix, std::string_view s) {
  if (s.size() < 2 || s.size() > 21 || s[0] != prefix) return std::nullopt;
  if (s[1] == '0' && s.size() > 2) return std::nullopt;  // one spelling per id
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v == 0) return std::nullopt;
  return v;
}

}  // namespace

const char* to_string(errc code) noexcept {
  auto i = static_cast<std::size_t>(code);
  return i >= 1 && i <= kErrc.size() ? kErrc[i - 1] : "unknown";
}
std::optional<errc> parse_errc(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kErrc.size(); ++i)
    if (text == kErrc[i]) return static_cast<errc>(i + 1);
  return std::nullopt;
}

std::string conversation_key(conversation_id id) { return prefixed('c', id); }
std::string message_key(message_id id) { return prefixed('m', id); }
std::string alert_key(alert_id id) { return prefixed('a', id); }
std::optional<conversation_id> parse_conversation_key(std::string_view s) {
  return parse_prefixed('c', s);
}
std::optional<message_id> parse_message_key(std::string_view s) { return parse_prefixed('m', s); }
std::optional<alert_id> parse_alert_key(std::string_view s) { return parse_prefixed('a', s); }

const char* to_string(direction v) noexcept { return spell(kDirection, v); }
const char* to_string(message_kind v) noexcept { return spell(kKind, v); }
const char* to_string(message_status v) noexcept { return spell(kStatus, v); }
const char* to_string(text_encoding v) noexcept { return spell(kEncoding, v); }
const char* to_string(folder v) noexcept { return spell(kFolder, v); }
const char* to_string(folder_filter v) noexcept { return spell(kFolderFilter, v); }
const char* to_string(contact_kind v) noexcept { return spell(kContactKind, v); }
const char* to_string(consent_state v) noexcept { return spell(kConsent, v); }
const char* to_string(read_status_mode v) noexcept { return spell(kReadStatus, v); }
const char* to_string(visibility_mode v) noexcept { return spell(kVisibility, v); }
const char* to_string(consent_mode v) noexcept { return spell(kConsentMode, v); }
const char* to_string(alert_kind v) noexcept { return spell(kAlertKind, v); }
const char* to_string(right v) noexcept {
  for (std::size_t i = 0; i < kRights.size(); ++i)
    if (static_cast<std::uint32_t>(v) == (1u << i)) return kRights[i];
  return "?";
}

std::optional<direction> parse_direction(std::string_view s) noexcept {
  return parse<direction>(kDirection, s);
}
std::optional<message_kind> parse_message_kind(std::string_view s) noexcept {
  return parse<message_kind>(kKind, s);
}
std::optional<message_status> parse_message_status(std::string_view s) noexcept {
  return parse<message_status>(kStatus, s);
}
std::optional<folder_filter> parse_folder_filter(std::string_view s) noexcept {
  return parse<folder_filter>(kFolderFilter, s);
}
std::optional<contact_kind> parse_contact_kind(std::string_view s) noexcept {
  return parse<contact_kind>(kContactKind, s);
}
std::optional<consent_state> parse_consent_state(std::string_view s) noexcept {
  return parse<consent_state>(kConsent, s);
}
std::optional<read_status_mode> parse_read_status_mode(std::string_view s) noexcept {
  return parse<read_status_mode>(kReadStatus, s);
}
std::optional<visibility_mode> parse_visibility_mode(std::string_view s) noexcept {
  return parse<visibility_mode>(kVisibility, s);
}
std::optional<consent_mode> parse_consent_mode(std::string_view s) noexcept {
  return parse<consent_mode>(kConsentMode, s);
}
std::optional<right> parse_right(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kRights.size(); ++i)
    if (s == kRights[i]) return static_cast<right>(1u << i);
  return std::nullopt;
}

std::string contact_card::full_name() const {
  if (first_name.empty()) return last_name;
  if (last_name.empty()) return first_name;
  return first_name + " " + last_name;
}

}  // namespace msgcenter
