// Demo data for `msgcenter serve --demo`: a day spa with two numbers, four staff members
// (each given a bearer token), contacts and a day of conversations, so the HTTP API can be
// tried with curl at once.
#pragma once

#include <string>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"
#include "msgcenter/message_center.hpp"
#include "msgcenter/server/token_store.hpp"

namespace msgcenter::server {

struct demo_staff {
  std::string staff;
  std::string name;
  std::string token;
};

struct demo_info {
  std::string business;           ///< "lotus"
  std::string number;             ///< the main number, E.164
  std::string client_phone;       ///< a client who texts in the demo
  std::string twilio_auth_token;  ///< the demo business's (fake) Twilio auth token
  std::vector<demo_staff> staff;
  std::size_t operations = 0;   ///< protocol operations replayed
  bool already_loaded = false;  ///< the store had the demo already: nothing replayed
};

/// The demo day as protocol requests (JSON Lines), its times spread over the day before
/// `now` (ms since the epoch).
[[nodiscard]] std::vector<std::string> demo_operations(millis now);

/// Replays demo_operations(now) through the protocol and issues a token per staff member.
/// When the engine's store already holds the demo business (a restart with --data), nothing
/// is replayed (already_loaded) and only fresh tokens are issued, since stored tokens are
/// hashes and cannot be shown again.
/// Errors: whatever the first failing operation answered, or the token store's.
[[nodiscard]] result<demo_info> load_demo_data(message_center& engine, token_store& tokens,
                                               millis now);

}  // namespace msgcenter::server
