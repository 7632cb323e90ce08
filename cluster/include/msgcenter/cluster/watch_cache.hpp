// A local copy of every key under a prefix (a global index such as number -> business), kept
// current by an etcd watch so lookups never go to etcd: etcd is not on the per-message path.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "msgcenter/cluster/etcd_client.hpp"

namespace msgcenter::cluster {

struct watch_cache_options {
  std::string prefix;  ///< e.g. "/msgcenter/index/numbers/"
  /// Wait before reloading after the stream broke (etcd down, compaction, a bad message).
  std::chrono::milliseconds retry_delay{200};
};

/// Loads the prefix with one range, then applies the watch from the next revision. When the
/// stream breaks it reloads the whole prefix and watches again, so a missed event cannot stay
/// missed. Lookups answer from memory, possibly a little behind etcd; wait_for() waits until
/// the cache has seen a given revision (read your own write).
///
/// Thread safety: every method may be called from any thread. Owns one thread; the client
/// must outlive the cache.
class watch_cache {
 public:
  watch_cache(const etcd_client& client, watch_cache_options options);
  ~watch_cache();  ///< stops the watch and joins its thread
  watch_cache(const watch_cache&) = delete;
  watch_cache& operator=(const watch_cache&) = delete;

  /// The value under prefix + `name`, nullopt when absent.
  [[nodiscard]] std::optional<std::string> find(std::string_view name) const;
  [[nodiscard]] std::size_t size() const;
  /// The store revision the cache reflects (0 before the first load).
  [[nodiscard]] revision current_revision() const;
  /// Waits until the cache reflects `rev` or later; false on timeout.
  [[nodiscard]] bool wait_for(revision rev, std::chrono::milliseconds timeout) const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace msgcenter::cluster
