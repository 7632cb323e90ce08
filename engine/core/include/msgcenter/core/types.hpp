// The vocabulary of spec.md "Words" and "Messages": enums, ids and plain records.
// Everything here is a value type with no behaviour beyond parsing and printing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace msgcenter {

/// Milliseconds since the Unix epoch.
using millis = std::int64_t;

/// Engine-assigned numeric ids. Strings on the wire: "c<N>", "m<N>", "a<N>".
using conversation_id = std::uint64_t;
using message_id = std::uint64_t;
using alert_id = std::uint64_t;

[[nodiscard]] std::string conversation_key(conversation_id id);  // "c12"
[[nodiscard]] std::string message_key(message_id id);            // "m345"
[[nodiscard]] std::string alert_key(alert_id id);                // "a7"
/// Parse "c12" / "m345" / "a7"; nullopt when malformed.
[[nodiscard]] std::optional<conversation_id> parse_conversation_key(std::string_view s);
[[nodiscard]] std::optional<message_id> parse_message_key(std::string_view s);
[[nodiscard]] std::optional<alert_id> parse_alert_key(std::string_view s);

enum class direction : std::uint8_t { in, out };
enum class message_kind : std::uint8_t { manual, campaign, notification, system };
enum class message_status : std::uint8_t { received, queued, sent, delivered, undelivered, failed };
enum class text_encoding : std::uint8_t { gsm7, ucs2 };
enum class folder : std::uint8_t { unread, read, replied, archived };
/// The `folder` filter of inbox.list: a folder, or `inbox` (all but archived), or `all`.
enum class folder_filter : std::uint8_t { inbox, unread, read, replied, archived, all };
enum class contact_kind : std::uint8_t { client, lead, resource };
enum class consent_state : std::uint8_t { unknown, pending, yes, no };
enum class read_status_mode : std::uint8_t { shared, per_staff };
enum class visibility_mode : std::uint8_t { all, assigned };
enum class consent_mode : std::uint8_t { implied, double_opt_in };

/// Staff rights, a bit set.
enum class right : std::uint32_t {
  view_messages = 1u << 0,
  manage_messages = 1u << 1,
  send_sms = 1u << 2,
  remove_feed = 1u << 3,
  export_ = 1u << 4,  ///< spelled "export" on the wire
  admin = 1u << 5,
};
using rights_mask = std::uint32_t;
constexpr rights_mask bit(right r) noexcept { return static_cast<rights_mask>(r); }

// Spelling on the wire, and parsing (nullopt for an unknown spelling).
const char* to_string(direction v) noexcept;
const char* to_string(message_kind v) noexcept;
const char* to_string(message_status v) noexcept;
const char* to_string(text_encoding v) noexcept;
const char* to_string(folder v) noexcept;
const char* to_string(folder_filter v) noexcept;
const char* to_string(contact_kind v) noexcept;
const char* to_string(consent_state v) noexcept;
const char* to_string(read_status_mode v) noexcept;
const char* to_string(visibility_mode v) noexcept;
const char* to_string(consent_mode v) noexcept;
const char* to_string(right v) noexcept;
std::optional<direction> parse_direction(std::string_view s) noexcept;
std::optional<message_kind> parse_message_kind(std::string_view s) noexcept;
std::optional<message_status> parse_message_status(std::string_view s) noexcept;
std::optional<folder_filter> parse_folder_filter(std::string_view s) noexcept;
std::optional<contact_kind> parse_contact_kind(std::string_view s) noexcept;
std::optional<consent_state> parse_consent_state(std::string_view s) noexcept;
std::optional<read_status_mode> parse_read_status_mode(std::string_view s) noexcept;
std::optional<visibility_mode> parse_visibility_mode(std::string_view s) noexcept;
std::optional<consent_mode> parse_consent_mode(std::string_view s) noexcept;
std::optional<right> parse_right(std::string_view s) noexcept;

/// One attachment of an MMS.
struct media_item {
  std::string url;
  std::string content_type;
  std::uint64_t size = 0;  ///< bytes
  friend bool operator==(const media_item& a, const media_item& b) {
    return a.url == b.url && a.content_type == b.content_type && a.size == b.size;
  }
};

/// One SMS/MMS of a conversation (spec "Messages").
struct message {
  message_id id = 0;
  conversation_id conversation = 0;
  direction dir = direction::in;
  message_kind kind = message_kind::manual;
  std::string author;  ///< staff id of a manual outbound, else empty
  std::string body;
  std::vector<media_item> media;
  message_status status = message_status::received;
  std::string error_code;
  std::string provider_id;
  millis at = 0;
  text_encoding encoding = text_encoding::gsm7;
  std::uint32_t segments = 1;

  /// True for messages shown in the thread (everything but the engine's consent texts).
  [[nodiscard]] bool visible() const noexcept { return kind != message_kind::system; }
  /// `failed` in the sense of the `types` filter: an outbound that failed or was undelivered.
  [[nodiscard]] bool failed() const noexcept {
    return dir == direction::out &&
           (status == message_status::failed || status == message_status::undelivered);
  }
};

/// A conversation's linked contact, as much of it as listings, filters and search need.
struct contact_card {
  std::string id;
  contact_kind kind = contact_kind::client;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string uid;
  std::string client_type;
  std::vector<std::string> groups;
  std::string home_location;
  std::string sales_owner;
  std::string service_owner;

  /// "First Last", trimmed.
  [[nodiscard]] std::string full_name() const;
};

/// An alert in a staff member's alert centre.
enum class alert_kind : std::uint8_t { message, assigned };
const char* to_string(alert_kind v) noexcept;

struct alert {
  alert_id id = 0;
  alert_kind kind = alert_kind::message;
  conversation_id conversation = 0;
  message_id message = 0;  ///< 0 for `assigned`
  millis at = 0;
  bool acked = false;
};

}  // namespace msgcenter
