// The HTTP server of `msgcenter serve`: the REST API over the JSON protocol, Twilio
// webhooks, Server-Sent Events, /healthz, /metrics and /v1/openapi.json (docs/api.md).
//
// Shape: one Boost.Asio io_context run by `io_threads` threads does all network I/O (every
// connection on its own strand); engine calls, which block until the engine answers, run
// on a separate pool of `workers` threads, so a slow operation never stalls the network
// loop. SSE connections cost a socket and a small bounded queue each: no thread.
//
// Thread safety: start/stop may be called from any thread, once each. The engine, token
// store and metrics are shared with the caller and must outlive the server (stop() first).
#pragma once

#include <cstdint>
#include <memory>

#include "msgcenter/core/error.hpp"
#include "msgcenter/message_center.hpp"
#include "msgcenter/server/metrics.hpp"
#include "msgcenter/server/server_options.hpp"
#include "msgcenter/server/token_store.hpp"

namespace msgcenter::server {

class http_server {
 public:
  /// The engine, tokens and metrics are borrowed: they must outlive the server.
  http_server(server_options opts, message_center& engine, token_store& tokens,
              server_metrics& metrics);
  ~http_server();  ///< stop()s if still running
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts the threads. Errors: unavailable (cannot bind/listen),
  /// invalid_argument (bad host).
  [[nodiscard]] status start();

  /// The bound port (useful with port 0).
  [[nodiscard]] std::uint16_t port() const noexcept;

  /// Graceful shutdown: stops accepting, closes idle connections and event streams, lets
  /// every request in flight finish and answer (up to limits.shutdown_grace), then stops
  /// the threads. Returns the number of requests abandoned at the grace deadline (0 when
  /// all finished). Idempotent.
  std::size_t stop();

  /// Requests read and not yet answered.
  [[nodiscard]] std::size_t in_flight() const noexcept;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace msgcenter::server
