// The shape checks of requests (protocol.md), written once so the C++ API (message_center)
// refuses exactly what the JSON protocol refuses, with the same codes and messages. They
// look at the request alone: nothing here needs the directory, a conversation or a staff
// member, so they run before any of those are looked up.
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/media.hpp"
#include "msgcenter/core/operations.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// Longest id (business, staff, contact, template, location, provider id), in bytes.
inline constexpr std::size_t kMaxIdBytes = 128;

/// An id given by a caller (security review L7), checked at the edge before it is looked up
/// or stored: 1 to kMaxIdBytes bytes of well-formed UTF-8 without control characters (C0,
/// DEL, C1), so an id can be logged, listed, put in a CSV or an HTTP header safely.
/// `what` names it in the message ("`staff`").
/// Errors: `invalid_argument` with "<what> must be 1-128 bytes", "<what> is not valid UTF-8"
/// or "<what> has a control character".
[[nodiscard]] status validate_id(std::string_view id, std::string_view what);

/// Page size of inbox.list, alerts.list, contact.history and conversation.messages.
/// Errors: `invalid_argument` "limit must be between 1 and 500" outside 1..kMaxPageSize.
[[nodiscard]] status validate_limit(std::size_t limit);

/// The largest conversation.bulk request (the same bound as a page: one answer lists them all).
inline constexpr std::size_t kMaxBulkConversations = kMaxPageSize;

/// A send's shape, in the order the protocol checks it:
/// Errors: `invalid_argument` with "give `body` or `template`, not both"; "give exactly one
/// of conversation, contact, phone" (an empty contact or phone counts as not given);
/// "`system` messages are the engine's own" (kind system: consent texts only come from the
/// engine); validate_client_ref's error for a non-empty client_ref; "`expect_last_message`
/// needs `conversation`" (the guard compares one thread).
/// Whether there is something to send is known only once a template is rendered: see
/// validate_content.
[[nodiscard]] status validate(const send_request& req);

/// What an outbound message carries, once its template (if any) is rendered, in the order
/// the engine checks it.
/// Errors: `invalid_argument` "a message needs a body or media" when both are empty; then
/// validate_body's and validate_media's errors (media.hpp).
[[nodiscard]] status validate_content(std::string_view body, const std::vector<media_item>& media,
                                      media_rules rules = {});

/// conversation.action's arguments.
/// Errors: `invalid_argument` "`staff` is required to assign" (assign without staff);
/// "`contact` is required to link" (link_contact without contact). create_lead's missing
/// name is make_lead's (lead.hpp), checked after the rights.
[[nodiscard]] status validate(const action_request& req);

/// conversation.bulk.
/// Errors: `invalid_argument` "at most 500 conversations per bulk action" for more than
/// kMaxBulkConversations; "this action needs arguments; use conversation.action" for assign,
/// link_contact and create_lead (bulk carries no staff, contact or names).
[[nodiscard]] status validate(const bulk_request& req);

/// A carrier's status callback.
/// Errors: `invalid_argument` "`received` is not an outbound status" (only inbound messages
/// are `received`, and callbacks report on outbound ones). An empty provider_id is not refused
/// here: it names no message, which the engine answers with not_found.
[[nodiscard]] status validate(const status_request& req);

}  // namespace msgcenter
