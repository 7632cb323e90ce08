// Cluster membership: a node registers under an etcd lease, keeps it alive on a background
// thread, lists the live members, and notices when its own lease is lost.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/cluster/etcd_client.hpp"
#include "msgcenter/cluster/fence.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter::cluster {

struct membership_options {
  std::string prefix = "/msgcenter/nodes/";  ///< member keys are prefix + node id
  std::string node_id;                       ///< unique in the cluster; no '/'
  std::string address;                       ///< what others need to reach the node (opaque here)
  std::chrono::seconds ttl{2};               ///< lease TTL asked for (etcd may raise it)
  /// How often the lease is renewed; 0 means ttl / 4. Each renewal is bounded by the
  /// client's timeout, so keep timeout below the interval.
  std::chrono::milliseconds keepalive_interval{0};
  /// Called once, on the keepalive thread, when etcd says the lease is gone.
  std::function<void()> on_lease_lost;
};

/// A live member as listed from etcd.
struct member {
  std::string id;
  std::string address;
  lease_id lease = 0;
};

/// One node's registration. Owns its keepalive thread; the client must outlive it.
/// Thread safety: every method may be called from any thread.
class membership {
 public:
  membership(const etcd_client& client, membership_options options);
  ~membership();  ///< stops the keepalive; does not revoke (call leave() for a clean exit)
  membership(const membership&) = delete;
  membership& operator=(const membership&) = delete;

  /// Grants a lease, writes the member key under it and starts the keepalive.
  /// Errors: invalid_argument (empty or bad node id, already joined), and the client's.
  [[nodiscard]] status join();
  /// Revokes the lease (every key bound to it goes) and stops the keepalive.
  [[nodiscard]] status leave();
  /// Stops renewing without revoking: the lease then lapses after its TTL. For a freeze
  /// in tests, and for a node that must stop owning without a round trip.
  void stop_keepalive();
  /// Starts renewing again (after stop_keepalive); the next renewal finds out whether the
  /// lease survived.
  void start_keepalive();

  /// The live members, in id order (keys whose lease has lapsed are gone).
  [[nodiscard]] result<std::vector<member>> members() const;

  [[nodiscard]] lease_id lease() const;
  [[nodiscard]] const std::string& node_id() const noexcept;
  /// A snapshot of what the fence needs.
  [[nodiscard]] lease_view lease_state() const;
  [[nodiscard]] bool lease_lost() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace msgcenter::cluster
