// How the protocol's error codes travel over HTTP: one status per code, and the two codes
// that exist only over HTTP (a missing or unknown credential, a body over the size limit).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "msgcenter/core/error.hpp"

namespace msgcenter::server {

/// HTTP-only error code: no or an unknown bearer token / admin key (status 401).
inline constexpr std::string_view kUnauthenticated = "unauthenticated";
/// HTTP-only error code: the request body is larger than the configured limit (status 413).
inline constexpr std::string_view kRequestTooLarge = "request_too_large";

/// The HTTP status answering a protocol error code (docs/api.md, "Errors"):
/// invalid_argument and the message-content codes 400, not_found 404,
/// permission_denied 403, consent_required/opted_out 409, overloaded 429, unavailable 503.
[[nodiscard]] unsigned http_status_of(errc code) noexcept;

/// The HTTP status of a protocol result object: 200 when `ok`, else the status of its code
/// (unknown codes: 500).
[[nodiscard]] unsigned http_status_of(const nlohmann::json& result) noexcept;

/// {"ok": false, "error": {"code", "message"}} for an HTTP-only or protocol code.
[[nodiscard]] nlohmann::json error_body(std::string_view code, std::string_view message);

}  // namespace msgcenter::server
