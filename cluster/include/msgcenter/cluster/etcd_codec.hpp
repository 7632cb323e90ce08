// The JSON of etcd 3.4's gRPC gateway (paths under /v3/): request bodies built from the
// values of etcd_types.hpp, and response bodies parsed back.
//
// Responses are untrusted bytes: every parser takes any text, never throws, and answers
// errc::unavailable with a message starting "etcd: " for a body that is too large, not JSON,
// nested too deeply or not the documented shape. A gateway error body
// ({"error", "message", "code"}) maps by its gRPC code: NOT_FOUND (5) to errc::not_found,
// INVALID_ARGUMENT (3) and OUT_OF_RANGE (11) to errc::invalid_argument, FAILED_PRECONDITION
// (9) to errc::conflict, the rest to errc::unavailable. int64 fields are accepted as JSON
// strings (what the gateway writes) or numbers; a missing field is 0 (proto3 omits zeros).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "msgcenter/cluster/etcd_types.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter::cluster {

/// The largest response body the client accepts by default (etcd's own request cap is 1.5 MiB).
constexpr std::size_t kMaxEtcdResponseBytes = 4u << 20;

// Request bodies.
[[nodiscard]] std::string range_body(std::string_view key, std::string_view range_end = {});
[[nodiscard]] std::string put_body(std::string_view key, std::string_view value,
                                   lease_id lease = 0);
[[nodiscard]] std::string delete_body(std::string_view key, std::string_view range_end = {});
[[nodiscard]] std::string txn_body(const txn_request& txn);
[[nodiscard]] std::string lease_grant_body(std::chrono::seconds ttl);
[[nodiscard]] std::string lease_id_body(lease_id id);  ///< keepalive and revoke
[[nodiscard]] std::string watch_create_body(std::string_view key, std::string_view range_end,
                                            revision start_revision);

// Response bodies. Errors as described above.
[[nodiscard]] result<range_result> parse_range_response(
    std::string_view body, std::size_t max_bytes = kMaxEtcdResponseBytes);
[[nodiscard]] result<write_result> parse_write_response(
    std::string_view body, std::size_t max_bytes = kMaxEtcdResponseBytes);
[[nodiscard]] result<txn_result> parse_txn_response(std::string_view body,
                                                    std::size_t max_bytes = kMaxEtcdResponseBytes);
[[nodiscard]] result<lease_grant> parse_lease_grant_response(
    std::string_view body, std::size_t max_bytes = kMaxEtcdResponseBytes);
/// A keepalive stream's first message ({"result": {...}}): the lease's fresh TTL, 0 when the
/// lease no longer exists (expired or revoked).
[[nodiscard]] result<std::chrono::seconds> parse_keepalive_response(
    std::string_view body, std::size_t max_bytes = kMaxEtcdResponseBytes);
/// A revoke's answer: ok, or the mapped error (not_found for an unknown lease).
[[nodiscard]] status parse_revoke_response(std::string_view body,
                                           std::size_t max_bytes = kMaxEtcdResponseBytes);
/// One line of a watch stream ({"result": {...}} or {"error": {...}}).
[[nodiscard]] result<watch_response> parse_watch_message(
    std::string_view line, std::size_t max_bytes = kMaxEtcdResponseBytes);

}  // namespace msgcenter::cluster
