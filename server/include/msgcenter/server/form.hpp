// application/x-www-form-urlencoded and URL pieces: the Twilio webhook bodies, query strings,
// path segments, and the bodies the Twilio gateway sends.
//
// Every function here is pure and thread-safe; the decoders accept any bytes (fuzzed by
// tests/fuzz/fuzz_http_form.cpp) and never throw.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msgcenter/core/error.hpp"

namespace msgcenter::server {

/// Name/value pairs in the order they came; names may repeat.
using form_fields = std::vector<std::pair<std::string, std::string>>;

/// Most fields accepted in one form or query string.
inline constexpr std::size_t kMaxFormFields = 1000;

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`). nullopt when an escape
/// is malformed (`%` not followed by two hex digits).
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Decodes a form body or query string: `a=1&b=two+words&c=%2B1`. Empty pieces are skipped;
/// a piece without `=` is a name with an empty value.
/// Errors: invalid_argument (a malformed escape, more than `max_fields` fields).
[[nodiscard]] result<form_fields> parse_form(std::string_view text,
                                             std::size_t max_fields = kMaxFormFields);

/// Percent-encodes everything but the unreserved characters `A-Z a-z 0-9 - . _ ~`.
[[nodiscard]] std::string percent_encode(std::string_view text);

/// Encodes fields as a form body (`name=value&...`, percent-encoded).
[[nodiscard]] std::string encode_form(const form_fields& fields);

/// The first value of `name`, if present.
[[nodiscard]] std::optional<std::string> form_value(const form_fields& fields,
                                                    std::string_view name);

/// Splits a request target into its path and its query (without the `?`).
[[nodiscard]] std::pair<std::string_view, std::string_view> split_target(std::string_view target);

}  // namespace msgcenter::server
