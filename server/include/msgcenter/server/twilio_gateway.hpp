// An outbound gateway speaking Twilio's Messages REST API:
//   POST {api_url}/2010-04-01/Accounts/{AccountSid}/Messages.json
//   Authorization: Basic base64(AccountSid:AuthToken)
//   To, From, Body, MediaUrl (repeated), StatusCallback   (form encoded)
// answered by a JSON object whose `sid` becomes the message's provider_id. The business's
// credentials (settings twilio_account_sid / twilio_auth_token) come from an account
// lookup, usually message_center::carrier_account_for(sms.from), set after the engine
// opened (the engine takes its gateway at open).
//
// submit() only queues: the lookup and the HTTP exchange run on the gateway's own thread
// with asynchronous I/O and timeouts, at most `max_in_flight` exchanges at once, so an
// engine thread never waits for the carrier. No request is retried (Twilio has no
// idempotency key: a retry after a lost answer could send the text twice); failures are
// reported through on_accepted and the engine marks the message failed.
//
// Thread safety: every member function may be called from any thread at once.
// Ownership: the engine holds the gateway (shared_ptr); call stop() before destroying the
// engine's last owner if exchanges may still be running.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "msgcenter/core/gateway.hpp"
#include "msgcenter/core/operations.hpp"

namespace msgcenter::server {

struct twilio_gateway_options {
  /// scheme://host[:port][/prefix] of the API; http:// for local fakes, https:// (TLS with
  /// certificate and host name verification) otherwise.
  std::string api_url = "https://api.twilio.com";
  /// Sent as StatusCallback with every message, e.g.
  /// https://sms.example.com/webhooks/twilio/status. Empty: none.
  std::string status_callback_url;
  /// Per exchange: connect, TLS handshake, request and answer.
  std::chrono::milliseconds timeout{15000};
  /// Exchanges running at once; the rest wait in order.
  std::size_t max_in_flight = 16;
  /// Messages waiting; more are refused at once with `overloaded`.
  std::size_t max_queued = 10000;
};

class twilio_gateway : public gateway {
 public:
  /// Finds the carrier account (account sid, auth token) for a message.
  using account_lookup = std::function<result<carrier_account>(const outbound_sms&)>;

  explicit twilio_gateway(twilio_gateway_options opts);
  ~twilio_gateway() override;  ///< stop()s

  /// Sets where credentials come from. Until set, every message fails with `unavailable`.
  void set_account_lookup(account_lookup lookup);

  /// Queues the message; on_accepted gets the Twilio sid, or an error: unavailable (no
  /// credentials, network failure, Twilio 5xx, stopped), overloaded (queue full, Twilio
  /// 429), invalid_phone (Twilio 21211), not_mobile (21614), opted_out (21610),
  /// permission_denied (401/403), invalid_argument (other 4xx).
  void submit(outbound_sms sms, accepted_fn on_accepted) override;

  /// Stops taking messages, waits up to `grace` for the exchanges running, answers the rest
  /// `unavailable`, and joins the thread. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

  struct counters {
    std::uint64_t submitted = 0;
    std::uint64_t accepted = 0;  ///< answered with a sid
    std::uint64_t failed = 0;
  };
  [[nodiscard]] counters stats() const;
  /// The counters in Prometheus text format (for server_metrics::set_extra).
  [[nodiscard]] std::string metrics_text() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace msgcenter::server
