// A small etcd v3 client over the gRPC gateway's JSON API (POST /v3/...), with Boost.Beast
// over plain HTTP to a loopback member. docs/cluster.md says why not gRPC.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "msgcenter/cluster/etcd_codec.hpp"
#include "msgcenter/cluster/etcd_types.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter::cluster {

/// Where etcd is and how long to wait for it.
struct etcd_options {
  /// An IP address literal (no name resolution: coordination must not hang in a resolver).
  std::string host = "127.0.0.1";
  std::uint16_t port = 2379;
  /// Bound on one whole call (connect, send, answer). A frozen or partitioned etcd turns into
  /// errc::unavailable after this, never a hang.
  std::chrono::milliseconds timeout{1000};
  /// Bound on one response body, and on one message of a watch stream.
  std::size_t max_response_bytes = kMaxEtcdResponseBytes;
};

/// Parses "http://HOST:PORT" (an IP literal host) into options. Errors: invalid_argument.
[[nodiscard]] result<etcd_options> parse_etcd_url(std::string_view url);

class watch_stream;

/// The KV, lease and watch calls msgcenter needs.
///
/// Thread safety: every method may be called from any thread at once; each call opens its own
/// connection (coordination traffic is a few calls a second, never per message).
/// Errors of every call: unavailable (connection refused, timeout, a response too large or
/// malformed: the message says which), plus those the gateway reports (etcd_codec.hpp).
class etcd_client {
 public:
  explicit etcd_client(etcd_options options);

  [[nodiscard]] const etcd_options& options() const noexcept { return options_; }

  /// One key; an absent key gives an empty kvs.
  [[nodiscard]] result<range_result> get(std::string_view key) const;
  /// Every key starting with `prefix`, in key order.
  [[nodiscard]] result<range_result> get_prefix(std::string_view prefix) const;
  /// Writes a key, bound to `lease` when not 0 (the key goes when the lease does).
  [[nodiscard]] result<write_result> put(std::string_view key, std::string_view value,
                                         lease_id lease = 0) const;
  [[nodiscard]] result<write_result> erase(std::string_view key) const;
  [[nodiscard]] result<write_result> erase_prefix(std::string_view prefix) const;
  /// Runs a transaction; `succeeded` tells which branch ran (a failed compare is no error).
  [[nodiscard]] result<txn_result> txn(const txn_request& request) const;

  /// Grants a lease of at least `ttl` (etcd raises it to its minimum).
  [[nodiscard]] result<lease_grant> grant(std::chrono::seconds ttl) const;
  /// Renews a lease once; answers its fresh TTL. Errors: not_found when the lease has
  /// expired or was revoked, and the common ones.
  [[nodiscard]] result<std::chrono::seconds> keepalive(lease_id id) const;
  /// Revokes a lease, deleting every key bound to it. Errors: not_found, and the common ones.
  [[nodiscard]] status revoke(lease_id id) const;

  /// Prepares a watch on [key, range_end) from `start_revision` (0: from now); nothing is
  /// sent until watch_stream::run.
  [[nodiscard]] std::unique_ptr<watch_stream> watch(std::string key, std::string range_end,
                                                    revision start_revision) const;

  /// One unary POST: the response body of a 2xx, or the mapped error. Exposed for the codec
  /// tests and for paths this class has no method for.
  [[nodiscard]] result<std::string> post(std::string_view path, std::string_view body) const;

 private:
  etcd_options options_;
};

/// One open watch: a long-lived POST /v3/watch whose chunked answer is one JSON message per
/// line. Connecting and the first answer are bounded by the client's timeout; after that the
/// stream waits for events without a bound until cancel().
///
/// Thread safety: run() on one thread; cancel() from any thread, at any time (also before run).
class watch_stream {
 public:
  using message_fn = std::function<void(watch_response)>;
  ~watch_stream();
  watch_stream(const watch_stream&) = delete;
  watch_stream& operator=(const watch_stream&) = delete;

  /// Blocks, calling `on_message` for each message, until the stream ends: after cancel()
  /// (answers ok), or on an error (connection lost, a malformed or oversized message, the
  /// server's cancel: answers unavailable).
  [[nodiscard]] status run(const message_fn& on_message);
  /// Ends run() soon; idempotent.
  void cancel();

 private:
  friend class etcd_client;
  struct impl;
  explicit watch_stream(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace msgcenter::cluster
