// How `msgcenter serve` listens, authenticates and protects itself. Every field has a
// working default; a JSON config file (load_server_config) may set any of them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "msgcenter/core/error.hpp"

namespace msgcenter::server {

/// Limits protecting the server from large, fast or slow clients.
struct server_limits {
  /// Largest request body; larger ones answer 413 before the body is read.
  std::size_t max_body_bytes = 1 << 20;
  /// Largest request header block (request line + fields).
  std::size_t max_header_bytes = 16 * 1024;
  /// Time a client has to send a request's header block, counted from the connection's
  /// first byte wait (and, on keep-alive connections, from the previous response).
  std::chrono::milliseconds header_timeout{10000};
  /// Time a client has to send the body after the header.
  std::chrono::milliseconds body_timeout{30000};
  /// Time a client has to take a response (or one SSE write) off the socket.
  std::chrono::milliseconds write_timeout{30000};
  /// Requests per second per credential (staff token, admin key); <= 0 disables.
  double rate_per_second = 50;
  /// Bucket size: requests a credential may make at once before the rate applies.
  double rate_burst = 200;
  /// Failed authentications (unknown admin key, token or key; webhooks without a valid
  /// signature) per second per source address, and how many at once; a source past them is
  /// answered 429 before its credential is looked at. <= 0 disables.
  double auth_failures_per_second = 1;
  double auth_failure_burst = 30;
  /// Open event streams per credential (a staff token, an automation key has none) and per
  /// staff member (over all their tokens); more answer 429.
  std::size_t max_streams_per_token = 8;
  std::size_t max_streams_per_staff = 32;
  /// Open connections; more are closed at once.
  std::size_t max_connections = 20000;
  /// Threads executing engine calls (they block on the engine's replies).
  unsigned workers = 8;
  /// Workers one business may hold at once (clamped to 1..workers); its further requests
  /// wait in its own line, so one tenant's slow requests never take every worker.
  unsigned workers_per_business = 4;
  /// Engine calls waiting for a worker; more answer 429 overloaded.
  std::size_t max_queued_requests = 4096;
  /// Signed webhooks are gathered into engine batches (one ingest per batch, split per
  /// shard by the engine). A batch leaves at once while fewer than this many are in the
  /// engine; otherwise webhooks wait for one to finish and leave together (the busier, the
  /// larger the batches, with no timer).
  std::size_t webhook_batches_in_flight = 2;
  /// Most webhooks in one engine batch (at most the engine's options::max_batch).
  std::size_t webhook_batch_max = 1000;
  /// Signed webhooks waiting for a batch slot (those in the engine not counted); more
  /// answer 429 overloaded. About 300 bytes each.
  std::size_t max_waiting_webhooks = 16384;
  /// Requests one connection may have read and not yet answered (HTTP/1.1 pipelining).
  /// Reading pauses at the bound and resumes as answers are written.
  std::size_t max_pipelined_requests = 64;
  /// Events waiting to be written to one SSE subscriber; more and it is disconnected (a
  /// slow subscriber never slows the engine or anyone else). Above the engine's resume
  /// window (4,096 events) so a full resume fits.
  std::size_t sse_queue_events = 5000;
  /// Interval of the SSE heartbeat comment (keeps proxies from closing idle streams).
  std::chrono::milliseconds sse_heartbeat{15000};
  /// Kernel send buffer (SO_SNDBUF) of an event stream's socket; 0 keeps the system's
  /// (which autotunes up to net.ipv4.tcp_wmem, 4 MiB here). Bounds the kernel memory a
  /// stalled subscriber holds and makes it noticed sooner.
  std::size_t sse_send_buffer_bytes = 256 * 1024;
  /// How long stop() waits for requests in flight before giving up on them.
  std::chrono::milliseconds shutdown_grace{10000};
  /// Largest file of the web page served; larger ones answer 404.
  std::size_t max_static_file_bytes = 4 << 20;
};

struct server_options {
  /// Address to listen on.
  std::string host = "127.0.0.1";
  /// Port; 0 picks a free one (http_server::port() tells which).
  std::uint16_t port = 8080;
  /// Threads running the network event loop.
  unsigned io_threads = 2;
  /// The admin key guarding /v1/admin (sent as `Authorization: Bearer <key>`): at least
  /// kMinAdminKeyLength characters (check_admin_key; `serve` refuses a shorter one). Empty:
  /// the admin routes answer 401 to everyone.
  std::string admin_key;
  /// When set, GET /metrics needs `Authorization: Bearer <metrics_key>` (or the admin key):
  /// traffic per route and signature failures are not for everyone. Empty: public (bind the
  /// server to a private address then). At least kMinAdminKeyLength characters.
  std::string metrics_key;
  /// The public base URL Twilio uses to reach this server, e.g. `https://sms.example.com`
  /// (no trailing slash). Webhook signatures are checked against it plus the request's path
  /// and query. Empty: `http://` + the request's Host header.
  std::string public_url;
  /// The staff web page's directory (web/ in the source tree, docs/web.md), served at `/`.
  /// Empty: no page; every path outside the API answers 404.
  std::string web_root;
  server_limits limits;
};

/// What a config file may hold besides server_options (used by `msgcenter serve`).
struct serve_config {
  server_options server;
  std::string data_dir;
  /// `local` (default: outbound messages stay in the engine, nothing reaches a carrier) or
  /// `twilio` (the Messages REST API at twilio_api_url).
  std::string outbound = "local";
  std::string twilio_api_url = "https://api.twilio.com";
};

/// The shortest admin (and metrics) key accepted: 32 characters, e.g. `openssl rand -hex 16`.
inline constexpr std::size_t kMinAdminKeyLength = 32;

/// Refuses a key shorter than kMinAdminKeyLength (`what` names it in the message, e.g.
/// "the admin key"). An empty key is accepted: it disables what it guards.
/// Errors: invalid_argument.
[[nodiscard]] status check_admin_key(const std::string& key, const std::string& what);

/// Parses "host:port" (IPv6 in brackets: "[::1]:8080"). Errors: invalid_argument.
[[nodiscard]] result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text);

/// Reads a JSON config file:
///   {"listen": "127.0.0.1:8080", "admin_key": "...", "public_url": "https://...",
///    "data": "var", "outbound": "local", "twilio_api_url": "https://api.twilio.com",
///    "io_threads": 2, "web": "web",
///    "limits": {"max_body_bytes": 1048576, "header_timeout_ms": 10000, "rate_per_second": 50,
///               "rate_burst": 200, "max_connections": 20000, "workers": 8,
///               "sse_queue_events": 5000, "sse_heartbeat_ms": 15000,
///               "sse_send_buffer_bytes": 262144, ...}}
/// Unknown keys are refused so a typo does not silently keep a default.
/// Errors: invalid_argument (not JSON, unknown key, wrong type), unavailable (unreadable).
[[nodiscard]] result<serve_config> load_serve_config(const std::string& path);

}  // namespace msgcenter::server
