// A shard actor: one CAF actor hosting many businesses (business_partition), each with its
// conversations and staff inboxes as virtual actors. The engine runs a fixed number of
// shards (options::shards); a business belongs to one of them by a stable hash of its id.
// Between the facade and a shard, messages travel once per operation or batch.
#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <memory>
#include <string_view>

#include "msgcenter/actors/durability.hpp"
#include "msgcenter/actors/messages.hpp"
#include "msgcenter/core/gateway.hpp"
#include "msgcenter/core/media.hpp"

namespace msgcenter::actors {

/// The shard of a business: FNV-1a of its id, stable across runs, builds and nodes.
[[nodiscard]] constexpr std::size_t shard_of(std::string_view business, std::size_t shards) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : business) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return shards == 0 ? 0 : static_cast<std::size_t>(h % shards);
}

/// Spawns a shard. It answers host_business, and every pair (op_context, <request of
/// operations.hpp>) for the businesses it hosts (not_found for others). State changes are
/// written to `journal` (may be null: memory only) and acknowledged once durable.
/// `media`: which attachment URLs its businesses accept.
caf::actor spawn_shard(caf::actor_system& sys, std::shared_ptr<gateway> outbound,
                       std::shared_ptr<journal_port> journal, media_rules media = {});

}  // namespace msgcenter::actors
