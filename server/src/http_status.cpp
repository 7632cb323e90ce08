#include "msgcenter/server/http_status.hpp"

namespace msgcenter::server {

unsigned http_status_of(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument:
      return 400;
    case errc::not_found:
      return 404;
    case errc::permission_denied:
      return 403;
    case errc::consent_required:
    case errc::opted_out:
    case errc::conflict:
      return 409;
    // Well-formed requests whose message content the rules refuse: 400 like any other
    // argument the client must change (protocol.md lists no 422).
    case errc::invalid_phone:
    case errc::not_mobile:
    case errc::body_too_long:
    case errc::attachment_too_large:
    case errc::unsupported_media:
      return 400;
    case errc::overloaded:
      return 429;
    case errc::unavailable:
      return 503;
  }
  return 500;
}

unsigned http_status_of(const nlohmann::json& result) noexcept {
  if (!result.is_object()) return 500;
  auto ok = result.find("ok");
  if (ok != result.end() && ok->is_boolean() && ok->get<bool>()) return 200;
  auto err = result.find("error");
  if (err == result.end() || !err->is_object()) return 500;
  auto code = err->find("code");
  if (code == err->end() || !code->is_string()) return 500;
  const auto& text = code->get_ref<const std::string&>();
  if (text == kUnauthenticated) return 401;
  if (text == kRequestTooLarge) return 413;
  if (auto c = parse_errc(text)) return http_status_of(*c);
  return 500;
}

nlohmann::json error_body(std::string_view code, std::string_view message) {
  return nlohmann::json{
      {"ok", false}, {"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
}

}  // namespace msgcenter::server
