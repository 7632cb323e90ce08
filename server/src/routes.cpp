#include "msgcenter/server/routes.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "msgcenter/protocol.hpp"
#include "msgcenter/server/form.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    auto next = path.find('/', i);
    if (next == std::string_view::npos) next = path.size();
    out.push_back(path.substr(i, next - i));
    i = next + 1;
    if (next == path.size()) break;
  }
  return out;
}

/// Matches `path` against `pattern`; fills `params` on success.
bool matches(std::string_view pattern, std::string_view path, path_params& params) {
  auto want = segments(pattern);
  auto have = segments(path);
  if (want.size() != have.size()) return false;
  path_params found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    auto w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      if (have[i].empty()) return false;
      auto decoded = percent_decode(have[i], false);
      if (!decoded) return false;
      found.emplace_back(std::string(w.substr(1, w.size() - 2)), std::move(*decoded));
    } else if (w != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

result<json> typed_query(std::string_view query) {
  auto fields = parse_form(query);
  if (!fields) return fields.error();
  // No `at`: query strings are staff requests, which run at the engine's clock.
  static const std::set<std::string> integers{"limit", "from", "to"};
  static const std::set<std::string> booleans{"mark_read"};
  static const std::set<std::string> lists{"types"};
  json out = json::object();
  for (auto& [name, value] : fields.value()) {
    if (lists.count(name)) {
      if (!out.contains(name)) out[name] = json::array();
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        auto item = value.substr(start, comma - start);
        if (!item.empty()) out[name].push_back(item);
        start = comma + 1;
      }
      continue;
    }
    if (out.contains(name))
      return make_error(errc::invalid_argument, "query parameter `" + name + "` given twice");
    if (integers.count(name)) {
      if (value.empty() || value.size() > 19)
        return make_error(errc::invalid_argument, "`" + name + "` must be an integer");
      std::size_t i = value[0] == '-' ? 1 : 0;
      if (i == value.size())
        return make_error(errc::invalid_argument, "`" + name + "` must be an integer");
      for (std::size_t k = i; k < value.size(); ++k)
        if (value[k] < '0' || value[k] > '9')
          return make_error(errc::invalid_argument, "`" + name + "` must be an integer");
      out[name] = std::strtoll(value.c_str(), nullptr, 10);
    } else if (booleans.count(name)) {
      if (value == "true" || value == "1")
        out[name] = true;
      else if (value == "false" || value == "0")
        out[name] = false;
      else
        return make_error(errc::invalid_argument, "`" + name + "` must be true or false");
    } else {
      out[name] = value;
    }
  }
  return out;
}

}  // namespace

const std::vector<route>& all_routes() {
  using k = route_kind;
  using a = route_auth;
  using i = route_input;
  constexpr std::uint8_t auto_ = also::automation;
  constexpr std::uint8_t tenant = also::tenant_admin;
  static const std::vector<route> table = {
      {"GET", "/healthz", k::healthz, "", a::none, i::none},
      {"GET", "/metrics", k::metrics, "", a::none, i::none},
      {"GET", "/v1/openapi.json", k::openapi, "", a::none, i::none},
      // Carrier webhooks (Twilio-signed forms).
      {"POST", "/webhooks/twilio/sms", k::webhook_sms, "inbound", a::carrier, i::form},
      {"POST", "/webhooks/twilio/status", k::webhook_status, "status", a::carrier, i::form},
      // Staff (bearer token): one route per operation.
      {"GET", "/v1/conversations", k::operation, "inbox.list", a::staff, i::query},
      {"POST", "/v1/conversations/bulk", k::operation, "conversation.bulk", a::staff, i::body},
      {"GET", "/v1/conversations/{conversation}", k::operation, "conversation.get", a::staff,
       i::query},
      {"GET", "/v1/conversations/{conversation}/messages", k::operation, "conversation.messages",
       a::staff, i::query},
      {"POST", "/v1/conversations/{conversation}/actions", k::operation, "conversation.action",
       a::staff, i::body},
      {"GET", "/v1/conversations/{conversation}/export.csv", k::operation, "export.csv", a::staff,
       i::query},
      {"POST", "/v1/messages", k::operation, "send", a::staff, i::body, auto_},
      {"GET", "/v1/badge", k::operation, "inbox.badge", a::staff, i::query},
      {"GET", "/v1/counts", k::operation, "inbox.counts", a::staff, i::query},
      {"GET", "/v1/me", k::operation, "staff.me", a::staff, i::query},
      {"GET", "/v1/staff", k::operation, "staff.list", a::staff, i::query},
      {"GET", "/v1/templates", k::operation, "template.list", a::staff, i::query},
      {"POST", "/v1/presence", k::operation, "presence.set", a::staff, i::body},
      {"GET", "/v1/alerts", k::operation, "alerts.list", a::staff, i::query},
      {"POST", "/v1/alerts/{alert}/ack", k::operation, "alerts.ack", a::staff, i::body},
      {"GET", "/v1/contacts/{contact}/history", k::operation, "contact.history", a::staff,
       i::query},
      {"GET", "/v1/export.csv", k::operation, "export.csv", a::staff, i::query},
      {"GET", "/v1/consent", k::operation, "consent.get", a::staff, i::query, auto_},
      {"POST", "/v1/consent/requests", k::operation, "consent.request", a::staff, i::body, auto_},
      {"GET", "/v1/events", k::events, "", a::staff, i::none},
      {"POST", "/v1/ops", k::operation, "", a::staff, i::op, auto_},
      // Admin (admin key; a tenant admin for their own business).
      {"PUT", "/v1/admin/businesses/{business}", k::operation, "business.put", a::admin, i::body,
       tenant},
      {"POST", "/v1/admin/businesses/{business}/numbers", k::operation, "number.put", a::admin,
       i::body, tenant},
      {"PUT", "/v1/admin/businesses/{business}/staff/{staff}", k::operation, "staff.put", a::admin,
       i::body, tenant},
      {"PUT", "/v1/admin/businesses/{business}/templates/{template}", k::operation, "template.put",
       a::admin, i::body, tenant},
      {"PUT", "/v1/admin/businesses/{business}/contacts/{contact}", k::operation, "contact.put",
       a::admin, i::body, tenant | auto_},
      {"POST", "/v1/admin/businesses/{business}/staff/{staff}/tokens", k::token_issue, "", a::admin,
       i::none, tenant},
      {"GET", "/v1/admin/businesses/{business}/staff/{staff}/tokens", k::token_list, "", a::admin,
       i::none, tenant},
      {"DELETE", "/v1/admin/businesses/{business}/staff/{staff}/tokens", k::token_revoke, "",
       a::admin, i::none, tenant},
      {"DELETE", "/v1/admin/businesses/{business}/staff/{staff}/tokens/{token}", k::token_revoke,
       "", a::admin, i::none, tenant},
      {"POST", "/v1/admin/businesses/{business}/keys", k::key_issue, "", a::admin, i::body, tenant},
      {"GET", "/v1/admin/businesses/{business}/keys", k::key_list, "", a::admin, i::none, tenant},
      {"DELETE", "/v1/admin/businesses/{business}/keys", k::key_revoke, "", a::admin, i::none,
       tenant},
      {"DELETE", "/v1/admin/businesses/{business}/keys/{key}", k::key_revoke, "", a::admin, i::none,
       tenant},
      {"POST", "/v1/admin/ops", k::operation, "", a::admin, i::op, tenant},
  };
  return table;
}

route_match match_route(std::string_view method, std::string_view path) {
  route_match m;
  std::vector<std::string> allowed;
  for (const auto& r : all_routes()) {
    path_params params;
    if (!matches(r.pattern, path, params)) continue;
    if (r.method == method) {
      m.found = &r;
      m.params = std::move(params);
      m.wrong_method = false;
      m.allow.clear();
      return m;
    }
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end())
      allowed.emplace_back(r.method);
  }
  if (!allowed.empty()) {
    m.wrong_method = true;
    for (auto& x : allowed) m.allow += (m.allow.empty() ? "" : ", ") + x;
  }
  return m;
}

result<json> build_op_request(const route& r, const path_params& params, std::string_view query,
                              std::string_view body) {
  json req = json::object();
  switch (r.input) {
    case route_input::query: {
      auto q = typed_query(query);
      if (!q) return q.error();
      req = std::move(q.value());
      break;
    }
    case route_input::body:
    case route_input::op: {
      if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        if (r.input == route_input::op)
          return make_error(errc::invalid_argument, "the body is a protocol request object");
        break;
      }
      auto parsed = parse_json_limited(body);
      if (!parsed) return parsed.error();
      if (!parsed.value().is_object())
        return make_error(errc::invalid_argument, "the body must be a JSON object");
      req = std::move(parsed.value());
      if (r.input == route_input::op) return req;  // the whole envelope, checked by the protocol
      if (req.contains("op"))
        return make_error(errc::invalid_argument, "`op` comes from the route");
      break;
    }
    case route_input::none:
    case route_input::form:
      break;
  }
  if (r.input == route_input::query && req.contains("op"))
    return make_error(errc::invalid_argument, "`op` comes from the route");
  for (const auto& [name, value] : params) {
    if (req.contains(name) && req[name] != json(value))
      return make_error(errc::invalid_argument, "`" + name + "` differs from the path");
    req[name] = value;
  }
  req["op"] = std::string(r.op);
  return req;
}

}  // namespace msgcenter::server
