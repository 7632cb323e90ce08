// Messages between the facade and the shard actors (see docs/design.md, "Shards").
// Plain values: no pointers into a shard's state. Inside a shard, conversations and inboxes
// talk through inbox_note (entities.hpp), not through CAF messages.
#pragma once

#include <caf/all.hpp>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/core/operations.hpp"
#include "msgcenter/persistence/store.hpp"

namespace msgcenter::actors {

/// A batch of inbound messages for one business. Reply: std::vector<result<inbound_reply>>,
/// one per message in order, after every message is visible to every later query.
struct inbound_batch {
  std::vector<inbound_request> items;
};
using inbound_results = std::vector<result<inbound_reply>>;

/// The inbound batches of every business of one shard in one ingest: one CAF message per
/// shard and batch. Reply: shard_inbound_results, one inbound_results per part, in order.
struct shard_inbound {
  std::vector<std::pair<op_context, inbound_batch>> parts;
};
using shard_inbound_results = std::vector<inbound_results>;

/// The gateway's answer for an outbound message, posted back to the shard.
struct provider_result {
  std::string business;
  conversation_id conversation = 0;
  message_id message = 0;
  result<std::string> provider;
};

/// Makes the shard host a business (new, or restored from `saved`). Reply: unit.
struct host_business {
  std::string business;
  std::uint32_t business_no = 0;  ///< the business's number in storage keys
  std::shared_ptr<const persistence::recovered_business> saved;
};

/// An alert a conversation asks an inbox to raise.
struct alert_spec {
  alert_kind kind = alert_kind::message;
  message_id message = 0;
  millis at = 0;
};

/// Subscribe `subscriber` to staff_event messages after `after_seq` (0 = only new ones).
/// Reply: result<std::uint64_t>, the seq of the last event before the subscription.
struct inbox_subscribe {
  caf::actor subscriber;
  std::uint64_t after_seq = 0;
};
/// Reply: unit.
struct inbox_unsubscribe {
  caf::actor subscriber;
};

}  // namespace msgcenter::actors
