// Declares which types travel in CAF messages between msgcenter's actors.
//
// CAF 0.17 insists that every message type is serializable (an `inspect` overload) or
// explicitly allowed as local-only. msgcenter's actors all live in one process today, and
// its values use std::optional / std::variant, which CAF 0.17 cannot serialize; so they are
// allowed here as local-only types. Running actors on several nodes will need `inspect`
// overloads for them (docs/design.md, "Distribution").
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <cstdint>
#include <vector>

#include "msgcenter/actors/durability.hpp"
#include "msgcenter/actors/messages.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/operations.hpp"

namespace msgcenter::actors {
using message_list = std::vector<message>;
using result_message_list = result<message_list>;
using alert_list = std::vector<alert>;
using result_unit = result<unit>;
using result_u64 = result<std::uint64_t>;
using result_badge = result<badge>;
using result_alerts = result<alert_list>;
using result_page = result<inbox_page>;
using result_row = result<inbox_row>;
using result_view = result<conversation_view>;
using result_message = result<message>;
using result_messages = result<messages_reply>;
using result_send = result<send_reply>;
using result_status = result<status_reply>;
using result_consent = result<consent_state_reply>;
using result_get = result<conversation_get_reply>;
using result_bulk = result<bulk_reply>;
using result_history = result<history_reply>;
using result_export = result<export_reply>;
using result_number = result<number_put_reply>;
using result_contact = result<contact_put_reply>;
using result_carrier = result<carrier_account>;
using result_me = result<staff_me_reply>;
using result_staff_list = result<staff_list_reply>;
using result_templates = result<template_list_reply>;
using result_counts = result<folder_counts>;
}  // namespace msgcenter::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::unit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::access)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::op_context)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::staff_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::business_put_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::number_put_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::staff_put_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::template_put_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::contact_put_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::status_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::send_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::consent_get_args)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::consent_request_args)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::conversation_get_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::messages_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::action_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::bulk_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::history_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::export_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::inbox_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::badge_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::alerts_list_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::alerts_ack_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::inbound_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::provider_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::host_business)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::shard_inbound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::shard_inbound_results)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::inbound_results)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::message_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_message_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_unit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_u64)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_badge)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_alerts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_messages)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_send)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_consent)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_get)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_bulk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_history)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_export)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_number)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_contact)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_carrier)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::carrier_account_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::authorize_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::staff_me_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::staff_list_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::template_list_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::inbox_counts_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::presence_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_me)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_staff_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_templates)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::result_counts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::inbox_subscribe)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::inbox_unsubscribe)
