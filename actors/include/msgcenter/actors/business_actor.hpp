// A business actor: owns one business's directory (settings, numbers, staff, templates),
// contacts and consent; routes every operation of that business to its conversation and
// inbox actors, spawning them on first use; assigns conversation and message ids.
#pragma once

#include <caf/all.hpp>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/actors/durability.hpp"
#include "msgcenter/core/gateway.hpp"
#include "msgcenter/core/operations.hpp"
#include "msgcenter/persistence/store.hpp"

namespace msgcenter::actors {

/// A batch of inbound messages for one business. Reply: std::vector<result<inbound_reply>>,
/// one per message in order, after every message is visible to every later query.
struct inbound_batch {
  std::vector<inbound_request> items;
};

/// Spawns the actor of business `business_id`. Every request is a pair
/// (op_context, <request of operations.hpp>) and the reply is result<reply type>.
/// The gateway's answer for an outbound message, posted back to the business actor.
struct provider_result {
  conversation_id conversation = 0;
  message_id message = 0;
  result<std::string> provider;
};

/// Stops the business actor with all its conversation and inbox actors.
struct business_shutdown {};

/// After a restore: rebuild every inbox view. Reply: unit.
struct business_recovered {};

/// Spawns the actor of business `business_id` (`business_no` numbers it in storage keys),
/// restoring `saved` when given. Every request is a pair (op_context, <request of
/// operations.hpp>) and the reply is result<reply type>. State changes are written to
/// `journal` (may be null: memory only) and acknowledged once durable.
caf::actor spawn_business_actor(caf::actor_system& sys, std::string business_id,
                                std::uint32_t business_no, std::shared_ptr<gateway> outbound,
                                std::shared_ptr<journal_port> journal,
                                const persistence::recovered_business* saved = nullptr);

}  // namespace msgcenter::actors
