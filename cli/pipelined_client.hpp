// An HTTP/1.1 load generator for `msgcenter load --url`: many keep-alive connections, each
// with up to `depth` requests in flight (pipelining), driven by one epoll thread so that the
// generator takes as little of the machine as it can. The requests are prepared beforehand
// (a pre-signed corpus): nothing is built or signed while measuring.
//
// Not thread-safe: one run at a time, from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace msgcenter::cli {

struct pipelined_options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string source;  ///< local address to connect from (another client to the server)
  std::size_t connections = 8;
  std::size_t depth = 1;  ///< requests in flight per connection
  double rate = 0;        ///< requests/s over all connections, open loop; 0 = closed loop
  /// Stop after this long even if requests remain (0: until every request is answered).
  std::chrono::milliseconds time_limit{0};
  /// Stop when this turns true (checked at least every 100 ms); may be null.
  const std::atomic<bool>* stop = nullptr;
};

struct pipelined_result {
  std::uint64_t sent = 0, ok = 0, failed = 0;  ///< ok: a 2xx answer
  std::string first_error;
  double seconds = 0;  ///< first send to last answer
  /// Latency of every answer in ms: from its due time with a rate (open loop, so a stall
  /// counts for every request it delays), else from its send.
  std::vector<double> latency_ms;
  double generator_cpu_seconds = 0;  ///< this thread's CPU during the run
  [[nodiscard]] double quantile(double p) const;
};

/// Sends `requests` (complete HTTP/1.1 request bytes, cycled when `repeat` is larger than
/// their count) and reads every answer. Connection errors are counted as failures; a
/// connection that fails is opened again.
[[nodiscard]] pipelined_result run_pipelined(const pipelined_options& o,
                                             const std::vector<std::string>& requests,
                                             std::uint64_t repeat);

/// Seconds of CPU (user + system) the process `pid` has used so far; < 0 if unknown.
[[nodiscard]] double process_cpu_seconds(long pid);

}  // namespace msgcenter::cli
