#include "msgcenter/cluster/fence.hpp"

namespace msgcenter::cluster {

const char* to_string(fence_verdict v) noexcept {
  switch (v) {
    case fence_verdict::acknowledge:
      return "acknowledge";
    case fence_verdict::no_lease:
      return "no_lease";
    case fence_verdict::lease_lost:
      return "lease_lost";
    case fence_verdict::lease_stale:
      return "lease_stale";
    case fence_verdict::not_owner:
      return "not_owner";
    case fence_verdict::stale_epoch:
      return "stale_epoch";
  }
  return "unknown";
}

fence_verdict may_owner_still_acknowledge(const lease_view& lease, revision held_epoch,
                                          revision write_epoch, fence_clock::time_point now,
                                          std::chrono::milliseconds margin) noexcept {
  if (lease.lost) return fence_verdict::lease_lost;
  if (!lease.last_renewal_sent) return fence_verdict::no_lease;
  // Past (sent + TTL - margin) another node may soon legitimately own the shard.
  if (now >= *lease.last_renewal_sent + lease.ttl - margin) return fence_verdict::lease_stale;
  if (held_epoch <= 0) return fence_verdict::not_owner;
  if (write_epoch != held_epoch) return fence_verdict::stale_epoch;
  return fence_verdict::acknowledge;
}

}  // namespace msgcenter::cluster
