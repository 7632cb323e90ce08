// The records of msgcenter's journal and snapshots: every durable state change, as msgpack.
//
// Records carry state, not commands: a conversation record holds the conversation's whole
// header (read points, flags, assignee...) and the messages it added or changed, so
// replaying a record never re-runs a rule and replay is idempotent. Each record is
// [record tag, {field tag: value}] (field_list.hpp has the rules; src/saved_types.hpp lists
// every type's tags): unknown field tags are skipped, missing ones defaulted. The store
// records the format version as a whole (schema.hpp), so records carry none.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter::persistence {

/// A business's directory. `business_no` is the business's number in storage keys.
struct directory_record {
  std::uint32_t business_no = 0;
  directory dir;
};

struct contact_record {
  std::string business;
  contact value;
};

struct consent_record {
  std::string business;
  std::string phone;
  std::string number;
  consent_state state = consent_state::unknown;
};

/// A conversation's header after a change, and the messages that change added or updated.
struct conversation_record {
  std::string business;
  conversation_image image;
  std::vector<message> messages;
};

/// One change of a staff member's own inbox state.
struct inbox_record {
  enum class change : std::uint8_t { pin, unpin, mute, unmute, alert_raised, alert_acked };
  std::string business;
  std::string staff;
  change what = change::pin;
  conversation_id conversation = 0;  ///< pin..unmute
  std::vector<alert> alerts;         ///< alert_raised: the new alerts; alert_acked: the one acked
};

/// A staff member's own inbox state as a whole (snapshots).
struct inbox_image {
  std::string business;
  std::string staff;
  std::set<conversation_id> pins;
  std::set<conversation_id> mutes;
  std::vector<alert> alerts;  ///< oldest first
};

using record = std::variant<directory_record, contact_record, consent_record, conversation_record,
                            inbox_record, inbox_image>;

/// Encodes a record. Thread-safe.
[[nodiscard]] std::string encode_record(const record& r);

/// Decodes a record from untrusted bytes (size and nesting limited; never throws).
/// Errors: invalid_argument (malformed, over a limit, an unknown record tag, or a known
/// field mistyped, out of range or given twice, naming its path, e.g.
/// "conversation_record.image(2).archived(11): expected boolean, found string").
[[nodiscard]] result<record> decode_record(std::string_view bytes);

}  // namespace msgcenter::persistence
