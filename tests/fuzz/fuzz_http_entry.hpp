// The bodies of the HTTP fuzz targets, shared by the libFuzzer binaries
// (fuzz_http_form.cpp, fuzz_http_json.cpp) and by the gtest that replays random and
// mutated inputs in every normal test run (tests/server/test_fuzz_http.cpp).
//
// Properties checked on every input (a violation aborts, which the fuzzer reports):
// - no parser throws or crashes, whatever the bytes;
// - a form that parses re-encodes to text that parses to the same fields;
// - route matching and request building refuse only with invalid_argument, and whatever
//   they accept is a JSON object naming the route's operation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "msgcenter/protocol.hpp"
#include "msgcenter/server/form.hpp"
#include "msgcenter/server/routes.hpp"
#include "msgcenter/server/twilio_signature.hpp"

namespace msgcenter::fuzz {

inline void http_check(bool ok) {
  if (!ok) std::abort();
}

/// Form bodies, query strings, percent escapes, request targets and signatures.
inline int fuzz_http_form_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto form = server::parse_form(text);
  if (form) {
    auto again = server::parse_form(server::encode_form(*form));
    http_check(again.ok() && *again == *form);
    (void)server::twilio_signature("https://example.com/webhooks/twilio/sms", *form, "token");
    (void)server::verify_twilio_signature("https://example.com/x", *form, "token", text);
  } else {
    http_check(form.error().code == errc::invalid_argument);
  }
  for (bool plus : {false, true}) {
    if (auto decoded = server::percent_decode(text, plus)) {
      auto back = server::percent_decode(server::percent_encode(*decoded), plus);
      http_check(back && *back == *decoded);
    }
  }
  auto [path, query] = server::split_target(text);
  http_check(path.size() + query.size() <= text.size());
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    auto m = server::match_route(method, path);
    if (m.found && m.found->kind == server::route_kind::operation) {
      auto req = server::build_op_request(*m.found, m.params, query, {});
      if (req)
        http_check(req->is_object() && req->contains("op"));
      else
        http_check(req.error().code == errc::invalid_argument);
    }
  }
  return 0;
}

/// JSON request bodies as every body-taking route would build them.
inline int fuzz_http_json_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_json_limited(text);
  if (!parsed) http_check(parsed.error().code == errc::invalid_argument);
  const server::path_params params = {{"conversation", "c1"}, {"alert", "a1"}, {"contact", "k1"},
                                      {"business", "b1"},     {"staff", "s1"}, {"template", "t1"}};
  for (const auto& r : server::all_routes()) {
    if (r.kind != server::route_kind::operation) continue;
    server::path_params mine;
    for (auto& p : params)
      if (r.pattern.find("{" + p.first + "}") != std::string_view::npos) mine.push_back(p);
    auto req = server::build_op_request(r, mine, text, text);
    if (req) {
      http_check(req->is_object());
      if (r.input != server::route_input::op) http_check((*req)["op"] == std::string(r.op));
      (void)req->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      http_check(req.error().code == errc::invalid_argument);
    }
  }
  return 0;
}

}  // namespace msgcenter::fuzz
