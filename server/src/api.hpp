// The request handler behind http_server: authentication, routes, webhooks (private).
//
// admit() and prepare_webhook() are cheap and run on the network threads; execute() calls the
// engine and blocks until it answers, so it runs on the worker pool. All are thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "msgcenter/message_center.hpp"
#include "msgcenter/server/metrics.hpp"
#include "msgcenter/server/rate_limiter.hpp"
#include "msgcenter/server/routes.hpp"
#include "msgcenter/server/server_options.hpp"
#include "msgcenter/server/token_store.hpp"

namespace msgcenter::server {

/// The parts of an HTTP request the handler looks at.
struct api_request {
  std::string method;
  std::string target;  ///< path and query, as received
  std::string host;
  std::string authorization;
  std::string content_type;
  std::string twilio_signature;
  std::string if_none_match;
  std::string remote;  ///< the peer's IP address: the bucket of failed authentications
  std::string body;
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
};

struct api_reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// The empty TwiML 200 every accepted webhook gets: the connection sends bytes rendered
  /// once (http_response.hpp) instead of rendering these fields.
  bool twiml_ok = false;
};

/// What a webhook needs after its checks on the network thread (api::prepare_webhook):
/// exactly one of the three is set.
struct webhook_intake {
  std::optional<api_reply> reply;          ///< answered at once (a refusal, an untracked step)
  std::optional<inbound_request> inbound;  ///< a signed inbound SMS for the batcher
  std::optional<std::pair<op_context, status_request>> status;  ///< a signed status callback
};

/// Who is calling, once authenticated (docs/api.md, "Credentials").
struct principal {
  enum class kind : std::uint8_t {
    anonymous,
    staff,         ///< a staff token on a staff route
    automation,    ///< a business's automation key
    tenant_admin,  ///< a staff token on an admin route of its own business (`admin` right)
    admin,         ///< the platform's admin key
  } who = kind::anonymous;
  std::string business;
  std::string staff;
  std::string credential_hash;  ///< hex SHA-256 of the token or key (revocation, stream caps)
  std::string rate_key;         ///< the rate limiter's bucket
};

/// A JSON reply with the status of its result object.
[[nodiscard]] api_reply json_reply(const nlohmann::json& body, unsigned status = 0);

class api {
 public:
  api(const server_options& opts, message_center& engine, token_store& tokens,
      server_metrics& metrics);

  /// Checks the credentials a route needs and the caller's rate. Returns the refusal
  /// (401, 403, 429) or nullopt with `who` filled in.
  [[nodiscard]] std::optional<api_reply> admit(const route_match& m, const api_request& req,
                                               principal& who);

  /// Runs an admitted request (not events). Blocks on the engine.
  [[nodiscard]] api_reply execute(const route_match& m, const principal& who,
                                  const api_request& req);

  /// A webhook's checks, all without the engine: the source's failure budget, the form,
  /// the account of the number (a table read), the signature (refused alike for an unknown
  /// number), the AccountSid and the fields. Cheap; runs on the network thread.
  [[nodiscard]] webhook_intake prepare_webhook(const route& r, const api_request& req);
  /// The answer to a webhook once the engine stored it (or refused it); counts the metrics.
  [[nodiscard]] api_reply inbound_answer(const result<inbound_reply>& stored,
                                         std::chrono::steady_clock::time_point received);
  [[nodiscard]] api_reply status_answer(const result<status_reply>& applied);

  /// The URL Twilio signed for this request.
  [[nodiscard]] std::string signed_url(const api_request& req) const;

 private:
  api_reply operation(const route_match& m, const principal& who, const api_request& req);
  api_reply tokens(const route_match& m, const principal& who, const api_request& req);
  api_reply keys(const route_match& m, const principal& who, const api_request& req);
  /// A tenant admin's token and key routes: the engine says whether they hold `admin`.
  std::optional<api_reply> refuse_non_admin(const principal& who);
  /// Counts a failed authentication of `remote`; the refusal to send.
  api_reply auth_failure(const api_request& req, api_reply refusal);
  /// 429 for a source that used up its failed authentications, else nullopt.
  std::optional<api_reply> too_many_failures(const api_request& req);

  const server_options& opts_;
  message_center& engine_;
  token_store& tokens_;
  server_metrics& metrics_;
  rate_limiter limiter_;
  rate_limiter failures_;  ///< failed authentications per source address
  std::string admin_key_hash_;
  std::string metrics_key_hash_;
};

}  // namespace msgcenter::server
