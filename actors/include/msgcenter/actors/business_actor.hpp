// A business actor: owns one business's directory (settings, numbers, staff, templates),
// contacts and consent; routes every operation of that business to its conversation and
// inbox actors, spawning them on first use; assigns conversation and message ids.
#pragma once

#include <caf/all.hpp>

#include <memory>
#include <string>
#include <vector>

#include "msgcenter/core/gateway.hpp"
#include "msgcenter/core/operations.hpp"

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

caf::actor spawn_business_actor(caf::actor_system& sys, std::string business_id,
                                std::shared_ptr<gateway> outbound);

}  // namespace msgcenter::actors
