// Messages between the engine's actors (see docs/design.md, "Actor topology").
// Plain values: no pointers into another actor's state. The directory travels as an
// immutable shared snapshot (a value that is never modified once shared).
#pragma once

#include <caf/all.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/operations.hpp"

namespace msgcenter::actors {

/// Staff id -> that staff member's inbox actor.
using inbox_map = std::map<std::string, caf::actor>;
using inbox_map_ptr = std::shared_ptr<const inbox_map>;

/// What every conversation of a business needs to know about it.
struct business_context {
  directory_ptr dir;
  inbox_map_ptr inboxes;
};

// ---- business -> conversation -------------------------------------------------------

/// New directory / inboxes: recompute access and refresh inbox views. `only_staff` limits the
/// refresh to those staff members (empty = everyone). Sent inside conv_refresh_part.
struct conv_refresh {
  business_context ctx;
  std::vector<std::string> only_staff;
};

/// Append messages (ids assigned by the business actor). Reply: result<std::vector<message>>
/// (the stored messages), once durable and applied by every inbox that can see them.
/// Batches use conv_append_part instead.
struct conv_append {
  std::vector<message> messages;
};

// Batch traffic travels as plain sends with a completion message instead of request():
// CAF 0.17 keeps an actor's open requests in a vector searched linearly, so a business
// actor with thousands of conversations in flight paid O(n) per request and per reply.

/// Like conv_refresh, for one conversation of a refresh of many: no reply; once the inboxes
/// applied it, the conversation sends conv_refreshed{token} to the sender.
struct conv_refresh_part {
  conv_refresh refresh;
  std::uint64_t token = 0;
};
struct conv_refreshed {
  std::uint64_t token = 0;
};

struct conv_append_reply;

/// Appends one conversation's messages of an inbound batch. No reply: once durable, the
/// conversation sends conv_appended{token, ...} to the sender, with the inboxes' updates
/// (conv_append_reply::updates), so the sender tells each inbox once per batch.
struct conv_append_part {
  std::vector<message> messages;
  std::uint64_t token = 0;
};

/// A staff command on shared state. Reply: result<conversation_view> for the viewer.
struct conv_command {
  std::string staff;
  conversation_action action = conversation_action::mark_read;
  std::string assignee;                 ///< assign
  std::optional<contact_card> contact;  ///< link_contact / create_lead (already resolved)
  millis at = 0;
};

/// The business actor re-links a conversation (contact upsert). Reply: unit.
struct conv_link {
  std::optional<contact_card> contact;
};

/// Read a page of messages. Reply: result<messages_reply>.
struct conv_read {
  std::string staff;
  messages_request args;
};

/// Checks a staff member's access. Reply: access.
struct conv_access {
  std::string staff;
};

/// Delivery status by message id. Reply: result<message>.
struct conv_status {
  message_id id = 0;
  message_status status = message_status::sent;
  std::string error_code;
};

/// The carrier accepted an outbound message. Reply: result<message>.
struct conv_provider {
  message_id id = 0;
  std::string provider_id;
  bool failed = false;  ///< handing over failed (or consent withdrawn meanwhile)
  std::string error_code;
};

/// One stored message by id (duplicates). Reply: result<message>.
struct conv_get_message {
  message_id id = 0;
};

/// Everything held about the conversation, for export and history. Reply: conv_dump_reply.
struct conv_dump {};
struct conv_dump_reply {
  conversation_id id = 0;
  std::string number;
  std::string phone;
  std::optional<contact_card> contact;
  std::vector<message> messages;  ///< oldest first
};

// ---- conversation -> inbox ----------------------------------------------------------

struct inbox_update;

struct alert_spec {
  alert_kind kind = alert_kind::message;
  message_id message = 0;
  millis at = 0;
};

/// The latest view of one conversation for this inbox's owner. Reply: unit (applied).
struct inbox_update {
  conversation_view view;
  access acc = access::none;
  std::vector<alert_spec> alerts;
  /// For `message` events (only when visible); one list shared by every inbox's update.
  std::shared_ptr<const std::vector<message>> new_messages;
};

/// What a conv_append_part produced: the stored messages and the inboxes' updates.
struct conv_append_reply {
  std::vector<message> stored;
  std::vector<std::pair<caf::actor, inbox_update>> updates;
};

/// The completion of a conv_append_part.
struct conv_appended {
  std::uint64_t token = 0;
  result<conv_append_reply> reply;
};

/// Many conversations' updates for one inbox (an inbound batch). Reply: unit (applied).
struct inbox_batch {
  std::vector<inbox_update> updates;
};

// ---- business -> inbox ---------------------------------------------------------------

/// Requests answered by the inbox actor, with the staff member's rights resolved.
struct inbox_list_cmd {
  inbox_query query;
  bool may_manage = false;
};
/// Pin/mute (and their inverse). Reply: result<inbox_row>.
struct inbox_flag_cmd {
  conversation_id conversation = 0;
  conversation_action action = conversation_action::pin;
};
/// The viewer's row; `fallback` is used when the conversation left their view.
struct inbox_row_cmd {
  conversation_id conversation = 0;
  std::optional<conversation_view> fallback;
};
/// Subscribe `subscriber` to staff_event messages after `after_seq` (0 = only new ones).
struct inbox_subscribe {
  caf::actor subscriber;
  std::uint64_t after_seq = 0;
};
struct inbox_unsubscribe {
  caf::actor subscriber;
};

}  // namespace msgcenter::actors
