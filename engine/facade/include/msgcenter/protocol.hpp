// The JSON protocol of protocol.md: one request object in, one result object out.
// Spoken by `msgcenter replay` (JSON Lines) and by the HTTP API's /v1/ops routes.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "msgcenter/message_center.hpp"

namespace msgcenter {

/// Limits on untrusted JSON.
constexpr std::size_t kMaxRequestBytes = 1 << 20;  ///< one request line / body
constexpr int kMaxJsonDepth = 16;

/// Who may call what through a protocol_session.
struct protocol_policy {
  bool allow_admin = true;    ///< business.put, number.put, staff.put, template.put, contact.put
  bool allow_carrier = true;  ///< inbound, status
  bool allow_staff = true;    ///< everything else
  /// Where allow_staff is off: the staff operations the business's automation may run
  /// without a staff member anyway (`send`, where the engine lets automation send campaigns
  /// and notifications only; `consent.request` and `consent.get`). Such a request must not
  /// carry `as`.
  bool allow_automation = true;
  /// When set (HTTP), the acting staff member comes from the credentials: requests must
  /// not carry `as` or `at` (staff operations happen at the engine's clock; replay, the
  /// admin path, automation keys and the C++ API may set `at`).
  std::string forced_staff;
  /// When set (HTTP), the business comes from the credentials: `business` must match if
  /// present (another answers not_found).
  std::string forced_business;
  /// When not empty, only these operations (by name) run; others answer permission_denied
  /// (an automation key: send, consent.request, consent.get, contact.put).
  std::set<std::string> only_ops;
};

/// Executes protocol requests against an engine. Thread-safe if the engine is (it is).
class protocol_session {
 public:
  protocol_session(message_center& engine, protocol_policy policy = {});

  /// Executes one request object. Always returns a result object: {"ok": true, ...} or
  /// {"ok": false, "error": {"code", "message"}}; `id` is echoed when given.
  [[nodiscard]] nlohmann::json execute(const nlohmann::json& request);

  /// Parses one line (size and depth limited) and executes it; a line that is not JSON
  /// answers invalid_argument.
  [[nodiscard]] nlohmann::json execute_line(std::string_view line);

 private:
  message_center& engine_;
  protocol_policy policy_;
};

/// Parses untrusted JSON text with the size and depth limits above.
/// Errors: invalid_argument.
[[nodiscard]] result<nlohmann::json> parse_json_limited(std::string_view text,
                                                        std::size_t max_bytes = kMaxRequestBytes,
                                                        int max_depth = kMaxJsonDepth);

/// JSON shapes of protocol.md.
[[nodiscard]] nlohmann::json to_json(const message& m);
[[nodiscard]] nlohmann::json to_json(const inbox_row& row);
[[nodiscard]] nlohmann::json to_json(const alert& a);
[[nodiscard]] nlohmann::json to_json(const badge& b);
[[nodiscard]] nlohmann::json to_json(const staff_event& ev);
[[nodiscard]] nlohmann::json error_json(const error& e);

}  // namespace msgcenter
