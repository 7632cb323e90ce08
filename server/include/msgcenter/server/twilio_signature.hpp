// Twilio's request signature (X-Twilio-Signature), as documented by Twilio:
//   base64(HMAC-SHA1(auth_token, url + name1 + value1 + name2 + value2 ...))
// with the POST parameters sorted by name. `url` is the full URL Twilio requested, query
// string included. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "msgcenter/server/form.hpp"

namespace msgcenter::server {

/// The signature Twilio sends for a POST of `params` to `url`, signed with `auth_token`.
[[nodiscard]] std::string twilio_signature(std::string_view url, const form_fields& params,
                                           std::string_view auth_token);

/// True when `signature` is the signature of (url, params) under `auth_token`. Compares in
/// constant time (CRYPTO_memcmp). An empty auth token never validates. Like Twilio's own
/// libraries it also accepts the URL with the scheme's default port added or removed
/// (https://host/... and https://host:443/...), since proxies differ in what they report.
[[nodiscard]] bool verify_twilio_signature(std::string_view url, const form_fields& params,
                                           std::string_view auth_token, std::string_view signature);

}  // namespace msgcenter::server
