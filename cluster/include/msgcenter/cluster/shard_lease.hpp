// Shard ownership: a record per virtual shard (prefix + shard number) names its owner and is
// bound to the owner's membership lease, so etcd deletes it when that lease expires. A claim
// is a transaction that succeeds only when the record is absent (never claimed, released, or
// its owner's lease expired) or already this node's. The ownership epoch is etcd's
// mod_revision of the record: revisions only grow, so each new owner holds a higher epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "msgcenter/cluster/etcd_client.hpp"
#include "msgcenter/cluster/fence.hpp"
#include "msgcenter/cluster/membership.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter::cluster {

struct shard_lease_options {
  std::string prefix = "/msgcenter/shards/";
  /// The fence stops acknowledging this long before the lease could expire (fence.hpp).
  std::chrono::milliseconds safety_margin{500};
};

/// An ownership record as read from etcd.
struct shard_owner {
  std::string node_id;
  lease_id lease = 0;
  revision epoch = 0;  ///< the record's mod_revision
};

/// This node's claims. Both references must outlive it.
/// Thread safety: every method may be called from any thread.
class shard_lease {
 public:
  shard_lease(const etcd_client& client, const membership& self, shard_lease_options options = {});

  /// Claims a shard; answers the epoch now held. Claiming a shard this node already owns
  /// answers its current epoch. Errors: conflict (another live node owns it: the message names
  /// it), unavailable (no live lease, or etcd unreachable).
  [[nodiscard]] result<revision> claim(std::uint32_t shard);
  /// Gives a shard up (deletes the record if it is still the one this node claimed).
  [[nodiscard]] status release(std::uint32_t shard);
  /// The owner etcd records now, nullopt for none. Errors: the client's.
  [[nodiscard]] result<std::optional<shard_owner>> owner(std::uint32_t shard) const;
  /// Asks etcd whether `epoch` is still the shard's record and this node's (a txn compare);
  /// conflict when not. For a write that must be fenced by etcd itself, not only locally.
  [[nodiscard]] status confirm(std::uint32_t shard, revision epoch) const;

  /// The epoch held for a shard, 0 for none.
  [[nodiscard]] revision epoch(std::uint32_t shard) const;
  /// The local fence: may a write stamped `write_epoch` for `shard` be acknowledged now?
  [[nodiscard]] fence_verdict may_acknowledge(
      std::uint32_t shard, revision write_epoch,
      fence_clock::time_point now = fence_clock::now()) const;

  [[nodiscard]] std::string key(std::uint32_t shard) const;

 private:
  const etcd_client& client_;
  const membership& self_;
  shard_lease_options options_;
  mutable std::mutex mutex_;
  std::map<std::uint32_t, revision> held_;  ///< guarded by mutex_
};

}  // namespace msgcenter::cluster
