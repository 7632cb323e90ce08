// The operations of protocol.md as typed requests and replies. Shared by the embedding
// API (msgcenter::message_center), the actors that execute them and the JSON codec.
// Plain values; a field left empty / nullopt means "not given".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/presence.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// The envelope every operation carries.
struct op_context {
  std::string business;
  std::string as;            ///< acting staff member; empty for admin and carrier operations
  std::optional<millis> at;  ///< operation time; the engine clock when absent
};

// ---- admin ---------------------------------------------------------------------------

/// Settings given in business.put; absent fields keep their current value.
struct settings_patch {
  std::optional<read_status_mode> read_status;
  std::optional<visibility_mode> visibility;
  std::optional<consent_mode> consent;
  std::optional<bool> notify_sales;
  std::optional<bool> notify_service;
  std::optional<std::string> timezone;
  std::optional<std::string> help_text;
  std::optional<std::string> opt_out_text;
  std::optional<std::string> opt_in_request_text;
  std::optional<std::string> opt_in_confirmation_text;
  std::optional<std::string> twilio_account_sid;
  std::optional<std::string> twilio_auth_token;
};

struct business_put_request {
  std::string name;
  std::string region = "US";
  std::string default_number;  ///< may be raw; normalized with the region
  settings_patch settings;
};

struct number_put_request {
  std::string number;  ///< raw or E.164
  std::string location;
};
struct number_put_reply {
  std::string number;  ///< E.164
};

struct staff_put_request {
  std::string staff;
  std::string name;
  rights_mask rights = 0;
  std::vector<std::string> locations;
  bool subscribe_all = false;
};

struct template_put_request {
  std::string name;
  std::string body;
};

struct contact_put_request {
  contact value;  ///< phones raw; normalized with the business region
};
struct contact_put_reply {
  std::string contact;
  std::vector<std::string> phones;  ///< E.164
};

// ---- carrier -------------------------------------------------------------------------

struct inbound_request {
  std::string from;
  std::string to;
  std::string body;
  std::vector<media_item> media;
  std::string provider_id;
  std::optional<millis> at;  ///< per message in a batch; else the batch's context time
};
struct inbound_reply {
  conversation_id conversation = 0;
  message stored;
  bool duplicate = false;
};

struct status_request {
  std::string provider_id;
  message_status status = message_status::sent;
  std::string error_code;
};
struct status_reply {
  message stored;
};

// ---- staff ---------------------------------------------------------------------------

struct send_request {
  std::optional<conversation_id> conversation;
  std::string contact;
  std::string phone;
  std::string number;  ///< sending number; business default when empty
  std::string body;
  std::string template_name;
  std::vector<media_item> media;
  message_kind kind = message_kind::manual;
  /// The client's reference for this send (send_guard.hpp): a retry with the same one by
  /// the same sender answers the first send's message instead of sending again. Empty: none.
  std::string client_ref;
  /// The send guard: only with `conversation`; refused with `conflict` unless this is still
  /// the conversation's last (non-system) message. nullopt: no guard.
  std::optional<message_id> expect_last_message;
};
struct send_reply {
  conversation_id conversation = 0;
  message stored;
};

struct consent_request_args {
  std::string phone;
  std::string number;
};
struct consent_state_reply {
  consent_state state = consent_state::unknown;
};

/// A contact's account overview shown beside a conversation.
struct contact_overview {
  contact value;
  consent_state consent = consent_state::unknown;  ///< on this conversation's number
  std::uint64_t conversations = 0;                 ///< conversations linked to the contact
};

struct conversation_get_request {
  conversation_id conversation = 0;
};

struct conversation_get_reply {
  inbox_row row;
  std::optional<contact_overview> overview;
};

struct consent_get_args {
  std::string phone;
  std::string number;
};

struct messages_request {
  conversation_id conversation = 0;
  std::optional<message_id> before;
  std::size_t limit = 50;
  bool mark_read = true;
};
struct messages_reply {
  std::vector<message> messages;  ///< oldest first
  std::optional<message_id> next_before;
};

enum class conversation_action : std::uint8_t {
  mark_read,
  mark_unread,
  archive,
  unarchive,
  mute,
  unmute,
  pin,
  unpin,
  hide,
  assign,
  unassign,
  link_contact,
  create_lead,
};
const char* to_string(conversation_action a) noexcept;
std::optional<conversation_action> parse_conversation_action(std::string_view s) noexcept;

struct action_request {
  conversation_id conversation = 0;
  conversation_action action = conversation_action::mark_read;
  std::string staff;                         ///< assign
  std::string contact;                       ///< link_contact
  std::string first_name, last_name, email;  ///< create_lead
};

struct bulk_request {
  std::vector<conversation_id> conversations;
  conversation_action action = conversation_action::mark_read;
};
struct bulk_item {
  conversation_id conversation = 0;
  std::optional<error> failure;
};
struct bulk_reply {
  std::vector<bulk_item> results;
};

struct badge_request {};
struct alerts_list_request {
  std::size_t limit = 50;
};
struct alerts_ack_request {
  alert_id alert = 0;
};

/// A contact's messages over all their conversations, newest first (by time, then id), one
/// page of `limit` at a time: `before` is the last message of the previous page.
struct history_request {
  std::string contact;
  std::size_t limit = 50;
  std::optional<message_id> before;
};
struct history_reply {
  std::vector<message> messages;          ///< newest first
  std::optional<message_id> next_before;  ///< set when older messages remain
};

/// Messages per page of an export (the facade asks page after page, so one large export is
/// many short turns of its shard: other businesses are answered between them).
inline constexpr std::size_t kExportPageMessages = 5000;

struct export_request {
  std::optional<conversation_id> conversation;
  /// Paging (message_center::export_csv pages by itself; these are for the engine's turns):
  /// the messages after this id (0: from the first, with the header row), at most `limit`.
  message_id after = 0;
  std::size_t limit = kExportPageMessages;
};
struct export_reply {
  std::string csv;
  message_id next = 0;  ///< the `after` of the next page; 0 when this was the last
};

/// The carrier credentials of the business owning a number (webhook signature checks).
struct carrier_account {
  std::string business;
  std::string account_sid;
  std::string auth_token;  ///< secret: never log or return it over the API
};
struct carrier_account_request {};

/// Whether the acting staff member (op_context::as) exists and holds `needed`: the server
/// asks before it serves a tenant admin's token and key routes, which are not operations.
struct authorize_request {
  right needed = right::admin;
};

/// staff.me: the caller's own record and the business settings a client adapts to.
struct staff_me_request {};
struct staff_me_reply {
  staff_member self;
  std::string business;
  std::string business_name;
  read_status_mode read_status = read_status_mode::shared;
  visibility_mode visibility = visibility_mode::all;
  consent_mode consent = consent_mode::implied;
};

/// staff.list: the business's staff members (ids and names, for assigning), by id.
struct staff_list_request {};
struct staff_list_entry {
  std::string staff;
  std::string name;
};
struct staff_list_reply {
  std::vector<staff_list_entry> staff;
};

/// template.list: the business's templates, by name, and the name {business_name} fills.
struct template_list_request {};
struct template_list_reply {
  std::vector<text_template> templates;
  std::string business_name;
};

/// inbox.counts: per folder, how many conversations inbox.list would list with these
/// filters (`folder`, `limit` and `cursor` of the query are not used).
struct inbox_counts_request {
  inbox_query query;
};

/// presence.set: tell the colleagues who can reach a conversation what the caller does in it.
struct presence_request {
  conversation_id conversation = 0;
  presence_state state = presence_state::viewing;
};

// ---- real time -----------------------------------------------------------------------

/// `reset`: the events a resuming subscriber missed cannot be replayed (too many, or from
/// before a restart): refetch the list and the badge (protocol.md, "Live events").
/// `presence` events are ephemeral (presence.hpp): seq 0, never kept for resume.
/// `closed` is the last event of a stream the engine ends: the staff member may no longer
/// read messages (their rights changed); a new subscription is refused.
enum class event_kind : std::uint8_t {
  message,
  conversation,
  badge,
  alert,
  reset,
  presence,
  closed
};
const char* to_string(event_kind k) noexcept;

/// One event of a staff member's stream. `seq` increases by one per event of that staff
/// member, so a subscriber can resume after the last seq it saw.
struct staff_event {
  std::uint64_t seq = 0;
  event_kind kind = event_kind::conversation;
  std::optional<message> msg;        ///< kind message
  std::optional<inbox_row> row;      ///< kind conversation (nullopt row + removed = left view)
  conversation_id removed = 0;       ///< kind conversation: it left this staff member's view
  msgcenter::badge badge_value;      ///< kind badge
  std::optional<alert> alert_value;  ///< kind alert
  std::optional<presence_note> presence_value;  ///< kind presence (seq 0)
};

}  // namespace msgcenter
