// The entities a shard hosts for a business: conversations and staff inboxes. They are
// actors in the product's sense (addressable by id, changed one message at a time, telling
// each other about changes) but not CAF actors: their shard runs them as virtual actors,
// and what a conversation tells an inbox is an inbox_note in the shard's turn, drained in
// order before the turn ends (docs/design.md, "Shards").
#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/operations.hpp"
#include "msgcenter/core/shared_inbox.hpp"

namespace msgcenter::actors {

/// Events kept for resuming subscribers (Last-Event-ID); older ones are dropped.
constexpr std::size_t kEventsKept = 4096;

/// A conversation: its shared state, read by every viewer (no copies per staff member).
struct conversation_entity {
  explicit conversation_entity(conversation_state s) : state(std::move(s)) {}
  conversation_state state;
  std::string contact;                  ///< linked contact id, empty when unlinked
  std::vector<std::uint16_t> muted_by;  ///< inboxes that muted it (badge corrections)
};

/// A staff member's inbox: their own state, live subscribers and the events kept for resume.
struct inbox_entity {
  explicit inbox_entity(std::string staff_id) : own(std::move(staff_id)) {}
  staff_inbox own;
  std::vector<caf::actor> subscribers;
  std::deque<staff_event> recent;  ///< the last kEventsKept events, for resume
  /// Event ids: consecutive from first_seq, which is above every id of an earlier run
  /// (event_resume.hpp).
  std::uint64_t first_seq = 1;
  std::uint64_t next_seq = 1;
  /// Events are kept from the first subscription on: an inbox nobody ever watched (bulk
  /// ingest, staff offline since the start) does not pay for building them.
  bool logging = false;

  /// While the staff member is in the business's common audience (sees every conversation,
  /// shared read mode), their badge is the audience's minus this: what the conversations
  /// they muted would add.
  badge correction;

  // Within one turn:
  bool touched = false;       ///< its badge may have changed
  badge badge_at_turn_start;  ///< to emit one badge event per turn
  std::vector<alert> raised;  ///< alerts raised this turn, journaled when it ends
};

/// What a conversation tells an inbox within a turn (a plain struct in the shard's queue).
struct inbox_note {
  enum class kind : std::uint8_t {
    messages,  ///< new thread messages (`message` events)
    row,       ///< the viewer's row changed (or left their reach)
    badge,     ///< the conversation's contribution to the badge moved
    alert,     ///< raise an alert (dropped by the inbox when the viewer muted it)
  };
  inbox_note() = default;
  inbox_note(kind k, std::uint16_t to, conversation_id c) : what(k), inbox(to), conversation(c) {}

  kind what = kind::row;
  std::uint16_t inbox = 0;
  conversation_id conversation = 0;
  badge before, after;                                        ///< badge
  alert_kind alert = alert_kind::message;                     ///< alert
  message_id message_no = 0;                                  ///< alert
  millis at = 0;                                              ///< alert
  const std::vector<msgcenter::message>* messages = nullptr;  ///< lives through the turn
};

}  // namespace msgcenter::actors
