// The fencing rule: may this node still acknowledge a write for a shard?
//
// A node owns shards through its etcd lease. etcd expires the lease at the earliest TTL after
// the leader last renewed it, and a renewal reaches the leader after the node sent it, so
// "sent + TTL" is a lower bound on the expiry. The node stops acknowledging at
// "last successful keepalive sent + TTL - safety margin", on its monotonic clock: a frozen
// process, or one cut off from etcd, stops before any other node can claim its shards, and
// the margin absorbs clock-rate skew and the time a write takes to become durable.
// A write stamped with an epoch other than the one the node holds is refused: after a
// takeover the old epoch never acknowledges again.
#pragma once

#include <chrono>
#include <optional>

#include "msgcenter/cluster/etcd_types.hpp"

namespace msgcenter::cluster {

using fence_clock = std::chrono::steady_clock;

/// What a node knows about its own lease.
struct lease_view {
  /// When the last keepalive (or the grant) that etcd answered with a live TTL was sent;
  /// nullopt before the first.
  std::optional<fence_clock::time_point> last_renewal_sent;
  std::chrono::milliseconds ttl{0};  ///< the TTL etcd granted
  bool lost = false;                 ///< etcd said the lease is gone (expired or revoked)
};

/// Why a write may or may not be acknowledged.
enum class fence_verdict {
  acknowledge,  ///< the lease is fresh and the epoch is the one held
  no_lease,     ///< never registered
  lease_lost,   ///< etcd reported the lease gone
  lease_stale,  ///< the last renewal is older than TTL - margin
  not_owner,    ///< this node holds no epoch for the shard
  stale_epoch,  ///< the write carries an epoch other than the one held
};

[[nodiscard]] const char* to_string(fence_verdict v) noexcept;

/// The rule, as a pure function of its inputs (tested as MayOwnerStillAcknowledge_*).
/// `held_epoch` is the shard's epoch this node claimed (0: none); `write_epoch` the epoch the
/// write was stamped with.
[[nodiscard]] fence_verdict may_owner_still_acknowledge(const lease_view& lease,
                                                        revision held_epoch, revision write_epoch,
                                                        fence_clock::time_point now,
                                                        std::chrono::milliseconds margin) noexcept;

}  // namespace msgcenter::cluster
