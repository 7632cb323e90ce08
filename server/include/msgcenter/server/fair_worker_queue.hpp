// Shares the worker threads between businesses. A REST request's engine call runs on a
// worker that waits for the engine's reply; without a share, a few slow requests of one
// tenant (exports, contact histories of a large business) could hold every worker and
// stall every other tenant (security review M9). Here at most `per_key` jobs of one key (a
// business) run at once; the rest wait in that key's own line, in arrival order, without
// holding a worker, so a request of another business finds a free worker at once.
//
// Thread safety: submit() may be called from any thread; jobs run on the executor given to
// the constructor.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace msgcenter::server {

class fair_worker_queue {
 public:
  using job = std::function<void()>;
  /// Runs a job on a worker (e.g. posts it to an asio thread pool).
  using executor = std::function<void(job)>;

  /// At most `per_key` (at least 1) jobs of one key run at once on `run`.
  fair_worker_queue(executor run, std::size_t per_key);

  /// Runs `work` now if `key` has fewer than `per_key` jobs running, otherwise when one of
  /// them ends (jobs of one key start in the order they were submitted).
  void submit(const std::string& key, job work);

  /// Jobs of `key` running now (a test's and the metrics' view).
  [[nodiscard]] std::size_t running(const std::string& key) const;
  /// Jobs of every key waiting for their key's share.
  [[nodiscard]] std::size_t waiting() const;

 private:
  struct line {
    std::size_t running = 0;
    std::deque<job> waiting;
  };
  void start(const std::string& key, job work);
  void finished(const std::string& key);

  executor run_;
  std::size_t per_key_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, line> lines_;  ///< only keys with running jobs
  std::size_t waiting_ = 0;
};

}  // namespace msgcenter::server
