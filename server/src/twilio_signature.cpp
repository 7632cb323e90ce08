#include "msgcenter/server/twilio_signature.hpp"

#include <algorithm>
#include <vector>

#include "crypto.hpp"

namespace msgcenter::server {
namespace {

/// The same URL with the scheme's default port toggled: added when absent, removed when
/// present. Empty when the URL has no recognizable scheme://authority or another port.
std::string toggle_default_port(std::string_view url) {
  std::string_view port;
  if (url.rfind("https://", 0) == 0)
    port = "443";
  else if (url.rfind("http://", 0) == 0)
    port = "80";
  else
    return {};
  auto host_start = url.find("://") + 3;
  auto host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  std::string_view authority = url.substr(host_start, host_end - host_start);
  auto at = authority.rfind('@');
  std::string_view hostport = at == std::string_view::npos ? authority : authority.substr(at + 1);
  auto colon = hostport.rfind(':');
  bool bracketed = hostport.find(']') != std::string_view::npos;
  bool has_port = colon != std::string_view::npos && (!bracketed || colon > hostport.rfind(']'));
  std::string out(url.substr(0, host_end));
  if (has_port) {
    if (hostport.substr(colon + 1) != port) return {};
    out.resize(out.size() - (hostport.size() - colon));
  } else {
    out += ':';
    out += port;
  }
  out += url.substr(host_end);
  return out;
}

}  // namespace

std::string twilio_signature(std::string_view url, const form_fields& params,
                             std::string_view auth_token) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params) sorted.push_back(&p);
  // Sorted by name (byte order, as Twilio's libraries do); equal names keep value order.
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    if (a->first != b->first) return a->first < b->first;
    return a->second < b->second;
  });
  std::string data(url);
  for (const auto* p : sorted) {
    data += p->first;
    data += p->second;
  }
  return crypto::base64(crypto::hmac_sha1(auth_token, data));
}

bool verify_twilio_signature(std::string_view url, const form_fields& params,
                             std::string_view auth_token, std::string_view signature) {
  if (auth_token.empty() || signature.empty()) return false;
  if (crypto::constant_time_equal(twilio_signature(url, params, auth_token), signature))
    return true;
  auto other = toggle_default_port(url);
  return !other.empty() &&
         crypto::constant_time_equal(twilio_signature(other, params, auth_token), signature);
}

}  // namespace msgcenter::server
