// The REST routes and how each maps onto a protocol operation (docs/api.md has the table).
//
// A route names the operation it runs; its path parameters, query string (GET) or JSON
// body (POST/PUT) become the operation's arguments. build_op_request() does that mapping
// and is pure, so the fuzz target (tests/fuzz/fuzz_http_json.cpp) drives it with any bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msgcenter/core/error.hpp"

namespace msgcenter::server {

/// Who may call a route (docs/api.md, "Credentials").
enum class route_auth : std::uint8_t {
  none,     ///< public: /healthz, /v1/openapi.json (and /metrics unless a metrics key is set)
  staff,    ///< a staff bearer token
  admin,    ///< the admin key
  carrier,  ///< a Twilio-signed webhook
};

/// Credentials a route takes besides its route_auth (route::also).
namespace also {
/// A business's automation key (staff routes: the sends, consent and ops routes; admin
/// routes: the contact upsert).
constexpr std::uint8_t automation = 1;
/// A staff token whose staff member holds `admin`, for the business it belongs to (admin
/// routes of that business, and /v1/admin/ops for it).
constexpr std::uint8_t tenant_admin = 2;
}  // namespace also

/// Where a route's operation arguments come from.
enum class route_input : std::uint8_t {
  none,   ///< no arguments
  query,  ///< the query string (typed: see build_op_request)
  body,   ///< a JSON object body (empty body = {})
  op,     ///< the body is a whole protocol request (POST /v1/ops, /v1/admin/ops)
  form,   ///< a form-encoded Twilio webhook
};

/// What serves a route besides protocol operations.
enum class route_kind : std::uint8_t {
  operation,  ///< runs `op` through the protocol
  events,     ///< GET /v1/events (SSE)
  healthz,
  metrics,
  openapi,
  webhook_sms,
  webhook_status,
  token_issue,   ///< POST /v1/admin/businesses/{business}/staff/{staff}/tokens
  token_list,    ///< GET  same
  token_revoke,  ///< DELETE same, or .../tokens/{token}
  key_issue,     ///< POST /v1/admin/businesses/{business}/keys
  key_list,      ///< GET  same
  key_revoke,    ///< DELETE same, or .../keys/{key}
};

struct route {
  std::string_view method;   ///< "GET", "POST", "PUT", "DELETE"
  std::string_view pattern;  ///< "/v1/conversations/{conversation}"; also the metrics label
  route_kind kind;
  std::string_view op;  ///< the protocol operation, for route_kind::operation
  route_auth auth;
  route_input input;
  std::uint8_t also = 0;  ///< further credentials (also::automation, also::tenant_admin)
};

/// Every route, in matching order.
[[nodiscard]] const std::vector<route>& all_routes();

/// Path parameters by name, percent-decoded.
using path_params = std::vector<std::pair<std::string, std::string>>;

struct route_match {
  const route* found = nullptr;  ///< nullptr: no route
  path_params params;
  /// Set when the path exists but not with this method (405; `allow` lists the methods).
  bool wrong_method = false;
  std::string allow;
};

/// Finds the route for (method, path). `path` excludes the query string.
[[nodiscard]] route_match match_route(std::string_view method, std::string_view path);

/// Builds the protocol request of an operation route: {"op": r.op, ...path params,
/// ...query or body arguments}.
/// Query values are typed: `limit`, `from`, `to` are integers (no `at`: staff requests run at
/// the engine's clock, and the protocol refuses `at` from a staff token); `mark_read` a boolean
/// (true/false/1/0); `types` a list (comma separated, or repeated).
/// A JSON body must be an object (empty = {}); it may not carry `op`, and a key it shares
/// with a path parameter must have the same value.
/// Errors: invalid_argument (malformed query or body, too deep or too large JSON, a
/// conflict with the path).
[[nodiscard]] result<nlohmann::json> build_op_request(const route& r, const path_params& params,
                                                      std::string_view query,
                                                      std::string_view body);

}  // namespace msgcenter::server
