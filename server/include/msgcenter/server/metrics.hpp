// The server's Prometheus metrics (GET /metrics, text exposition format 0.0.4).
//
// Exposed: requests by route and status, inbound webhook acknowledgement latency
// (histogram), inbound messages and duplicates, status callbacks, live SSE subscribers,
// SSE subscribers dropped for being slow, requests refused by the rate limit, open
// connections, the engine's outbound gateway counters when one reports them, and the
// engine's calls in flight, journal commits (count, time, slowest) and checkpoints.
// Not exposed yet: commit batch sizes, mailbox depths (docs/api.md, "Metrics").
//
// Thread safety: every member function may be called from any thread at once.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "msgcenter/message_center.hpp"

namespace msgcenter::server {

class server_metrics {
 public:
  /// Upper bounds (seconds) of the acknowledgement latency histogram's buckets.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

  /// One answered request; `route` is the route's pattern (bounded set), not the path.
  void count_request(const std::string& route, unsigned status);
  /// Time from a webhook's arrival to the engine's acknowledgement.
  void observe_ack_latency(double seconds);

  std::atomic<std::uint64_t> inbound_messages{0};    ///< accepted inbound webhooks (new)
  std::atomic<std::uint64_t> inbound_duplicates{0};  ///< webhooks answered as duplicates
  std::atomic<std::uint64_t> status_callbacks{0};    ///< status webhooks applied
  std::atomic<std::uint64_t> signature_failures{0};  ///< webhooks refused (403)
  std::atomic<std::int64_t> sse_subscribers{0};      ///< live event streams
  std::atomic<std::uint64_t> sse_slow_disconnects{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::int64_t> connections{0};

  /// Extra text appended to render() (e.g. the gateway's counters); called on each scrape.
  void set_extra(std::function<std::string()> extra);

  /// The whole exposition text.
  [[nodiscard]] std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
  std::array<std::uint64_t, kLatencyBuckets.size()> ack_buckets_{};
  std::uint64_t ack_count_ = 0;
  double ack_sum_ = 0;
  std::function<std::string()> extra_;
};

/// The engine's own counters (journal commits and their time, checkpoints, calls in
/// flight) in the exposition format; the journal's only when the engine is durable.
[[nodiscard]] std::string render_engine_metrics(const engine_stats& s);

}  // namespace msgcenter::server
