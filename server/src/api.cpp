#include "api.hpp"

#include <algorithm>
#include <cctype>

#include "crypto.hpp"
#include "msgcenter/protocol.hpp"
#include "msgcenter/server/form.hpp"
#include "msgcenter/server/http_status.hpp"
#include "msgcenter/server/openapi.hpp"
#include "msgcenter/server/twilio_signature.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

constexpr const char* kTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The credential of `Authorization: Bearer <x>`, or empty.
std::string bearer(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  if (header.size() < 7 || lower(header.substr(0, 7)) != "bearer ") return {};
  header.remove_prefix(7);
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  return std::string(header);
}

api_reply error_reply(std::string_view code, std::string_view message) {
  auto body = error_body(code, message);
  return json_reply(body, http_status_of(body));
}

api_reply error_reply(const error& e) { return error_reply(to_string(e.code), e.message); }

api_reply twiml_ok() {
  api_reply r;
  r.content_type = "text/xml";
  r.body = kTwiml;
  return r;
}

const std::string* param(const route_match& m, std::string_view name) {
  for (const auto& [k, v] : m.params)
    if (k == name) return &v;
  return nullptr;
}

/// Twilio's MessageStatus values onto the engine's outbound statuses. nullopt: a step the
/// engine does not track (accepted, scheduled, queued, sending, receiving, received).
std::optional<message_status> map_twilio_status(std::string_view s) {
  if (s == "sent") return message_status::sent;
  if (s == "delivered" || s == "read") return message_status::delivered;
  if (s == "undelivered") return message_status::undelivered;
  if (s == "failed" || s == "canceled") return message_status::failed;
  return std::nullopt;
}

}  // namespace

api_reply json_reply(const json& body, unsigned status) {
  api_reply r;
  r.status = status ? status : http_status_of(body);
  r.body = dump(body);
  return r;
}

api::api(const server_options& opts, message_center& engine, token_store& tokens,
         server_metrics& metrics)
    : opts_(opts),
      engine_(engine),
      tokens_(tokens),
      metrics_(metrics),
      limiter_(opts.limits.rate_per_second, opts.limits.rate_burst),
      admin_key_hash_(opts.admin_key.empty() ? std::string() : crypto::sha256_hex(opts.admin_key)) {
}

std::optional<api_reply> api::admit(const route& r, const api_request& req, principal& who) {
  who = principal{};
  if (r.auth == route_auth::none || r.auth == route_auth::carrier) return std::nullopt;
  const std::string credential = bearer(req.authorization);
  if (credential.empty())
    return error_reply(kUnauthenticated, "send `Authorization: Bearer <token>`");
  // Compare fixed-length hashes in constant time: neither the key nor its length leaks.
  const bool is_admin =
      !admin_key_hash_.empty() &&
      crypto::constant_time_equal(crypto::sha256_hex(credential), admin_key_hash_);
  std::optional<token_owner> staff;
  if (!is_admin) staff = tokens_.find(credential);
  if (r.auth == route_auth::admin) {
    if (!is_admin) {
      if (staff) return error_reply("permission_denied", "admin routes need the admin key");
      return error_reply(kUnauthenticated, "unknown admin key");
    }
    who.who = principal::kind::admin;
    who.rate_key = "admin";
  } else {
    if (!staff) {
      if (is_admin)
        return error_reply("permission_denied",
                           "staff routes need a staff token, not the admin key");
      return error_reply(kUnauthenticated, "unknown or revoked token");
    }
    who.who = principal::kind::staff;
    who.business = staff->business;
    who.staff = staff->staff;
    who.rate_key = "staff:" + crypto::sha256_hex(credential);
  }
  if (!limiter_.allow(who.rate_key)) {
    ++metrics_.rate_limited;
    auto reply = error_reply("overloaded", "rate limit exceeded; retry later");
    reply.headers.emplace_back("Retry-After", std::to_string(limiter_.retry_after_seconds()));
    return reply;
  }
  return std::nullopt;
}

std::string api::signed_url(const api_request& req) const {
  if (!opts_.public_url.empty()) return opts_.public_url + req.target;
  return "http://" + req.host + req.target;
}

api_reply api::execute(const route_match& m, const principal& who, const api_request& req) {
  const route& r = *m.found;
  switch (r.kind) {
    case route_kind::healthz:
      return json_reply(json{{"ok", true}, {"status", "serving"}});
    case route_kind::metrics: {
      api_reply out;
      out.content_type = "text/plain; version=0.0.4; charset=utf-8";
      out.body = metrics_.render();
      return out;
    }
    case route_kind::openapi: {
      api_reply out;
      out.body = openapi_document();
      return out;
    }
    case route_kind::webhook_sms:
    case route_kind::webhook_status:
      return webhook(r, req);
    case route_kind::token_issue:
    case route_kind::token_list:
    case route_kind::token_revoke:
      return tokens(m, req);
    case route_kind::operation:
      return operation(m, who, req);
    case route_kind::events:
      break;  // served by the connection itself
  }
  return error_reply("not_found", "no such route");
}

api_reply api::operation(const route_match& m, const principal& who, const api_request& req) {
  const route& r = *m.found;
  auto [path, query] = split_target(req.target);
  (void)path;
  auto request = build_op_request(r, m.params, query, req.body);
  if (!request) return error_reply(request.error());
  protocol_policy policy;
  if (who.who == principal::kind::staff) {
    policy.allow_admin = false;
    policy.allow_carrier = false;
    policy.allow_automation = false;
    policy.forced_staff = who.staff;
    policy.forced_business = who.business;
  } else {
    // The admin key: admin and carrier operations, and automation's sends (campaigns and
    // notifications), never a staff member's.
    policy.allow_staff = false;
    policy.allow_automation = true;
  }
  protocol_session session(engine_, policy);
  json result = session.execute(request.value());
  const bool ok = result.value("ok", false);
  const std::string op = request.value().value("op", std::string());
  // staff.put over HTTP also issues the staff member a bearer token (protocol.md).
  if (ok && op == "staff.put" && who.who == principal::kind::admin) {
    auto business = request.value().value("business", std::string());
    auto staff = request.value().value("staff", std::string());
    auto token = tokens_.issue(business, staff);
    if (!token) return error_reply(token.error());
    result["token"] = token.value();
  }
  if (ok && r.op == "export.csv" && result.contains("csv") && result["csv"].is_string()) {
    api_reply out;
    out.content_type = "text/csv; charset=utf-8";
    out.body = result["csv"].get<std::string>();
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"export.csv\"");
    return out;
  }
  return json_reply(result);
}

api_reply api::tokens(const route_match& m, const api_request& req) {
  const route& r = *m.found;
  const std::string* business = param(m, "business");
  const std::string* staff = param(m, "staff");
  if (!business || !staff)
    return error_reply("invalid_argument", "business and staff are required");
  if (!req.body.empty() && req.body.find_first_not_of(" \t\r\n") != std::string::npos)
    return error_reply("invalid_argument", "this route takes no body");
  if (r.kind == route_kind::token_issue) {
    auto token = tokens_.issue(*business, *staff);
    if (!token) return error_reply(token.error());
    return json_reply(json{{"ok", true}, {"token", token.value()}});
  }
  if (r.kind == route_kind::token_list) {
    json list = json::array();
    for (auto& t : tokens_.list(*business, *staff))
      list.push_back({{"token_id", t.token_id}, {"created", t.created_ms}});
    return json_reply(json{{"ok", true}, {"tokens", list}});
  }
  const std::string* id = param(m, "token");
  auto revoked = tokens_.revoke(*business, *staff, id ? *id : std::string());
  if (!revoked) return error_reply(revoked.error());
  if (id && revoked.value() == 0) return error_reply("not_found", "no such token");
  return json_reply(json{{"ok", true}, {"revoked", revoked.value()}});
}

api_reply api::webhook(const route& r, const api_request& req) {
  const bool sms = r.kind == route_kind::webhook_sms;
  auto type = lower(req.content_type);
  if (auto semi = type.find(';'); semi != std::string::npos) type.resize(semi);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type != "application/x-www-form-urlencoded")
    return error_reply("invalid_argument", "webhooks are application/x-www-form-urlencoded");
  auto fields = parse_form(req.body);
  if (!fields) return error_reply(fields.error());
  const auto& f = fields.value();
  // The business: the owner of the number texted (sms), or of the number that sent the
  // message whose status this is (status callbacks carry it as From).
  auto number = form_value(f, sms ? "To" : "From");
  if (!number || number->empty())
    return error_reply("invalid_argument", sms ? "`To` is required" : "`From` is required");
  auto account = engine_.carrier_account_for(*number);
  if (!account) return error_reply(account.error());
  if (account->auth_token.empty()) {
    ++metrics_.signature_failures;
    return error_reply("permission_denied",
                       "the business has no twilio_auth_token to check signatures with");
  }
  if (!verify_twilio_signature(signed_url(req), f, account->auth_token, req.twilio_signature)) {
    ++metrics_.signature_failures;
    return error_reply("permission_denied", "invalid X-Twilio-Signature");
  }
  if (auto sid = form_value(f, "AccountSid");
      sid && !account->account_sid.empty() && *sid != account->account_sid)
    return error_reply("permission_denied", "AccountSid is not the business's account");
  const op_context ctx{account->business, "", std::nullopt};
  auto message_sid = form_value(f, "MessageSid");
  if (!message_sid) message_sid = form_value(f, "SmsSid");
  if (!message_sid || message_sid->empty())
    return error_reply("invalid_argument", "`MessageSid` is required");

  if (!sms) {
    auto twilio_status = form_value(f, "MessageStatus");
    if (!twilio_status) twilio_status = form_value(f, "SmsStatus");
    if (!twilio_status) return error_reply("invalid_argument", "`MessageStatus` is required");
    auto mapped = map_twilio_status(*twilio_status);
    if (!mapped) return twiml_ok();  // a step the engine does not record
    status_request s;
    s.provider_id = *message_sid;
    s.status = *mapped;
    s.error_code = form_value(f, "ErrorCode").value_or("");
    auto applied = engine_.status(ctx, std::move(s));
    if (!applied) return error_reply(applied.error());
    ++metrics_.status_callbacks;
    return twiml_ok();
  }

  inbound_request in;
  in.from = form_value(f, "From").value_or("");
  in.to = *number;
  in.body = form_value(f, "Body").value_or("");
  in.provider_id = *message_sid;
  // Twilio names each attachment's URL and type but not its size: size 0 means unknown
  // (docs/api.md); the engine's limits on count and type still apply.
  if (auto n = form_value(f, "NumMedia"); n && !n->empty()) {
    if (n->size() > 3 || n->find_first_not_of("0123456789") != std::string::npos)
      return error_reply("invalid_argument", "`NumMedia` must be a small integer");
    int count = std::stoi(*n);
    for (int i = 0; i < count; ++i) {
      media_item item;
      item.url = form_value(f, "MediaUrl" + std::to_string(i)).value_or("");
      item.content_type = form_value(f, "MediaContentType" + std::to_string(i)).value_or("");
      item.size = 0;
      in.media.push_back(std::move(item));
    }
  }
  auto stored = engine_.inbound(ctx, std::move(in));
  if (!stored) return error_reply(stored.error());
  metrics_.observe_ack_latency(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received).count());
  if (stored->duplicate)
    ++metrics_.inbound_duplicates;
  else
    ++metrics_.inbound_messages;
  return twiml_ok();
}

}  // namespace msgcenter::server
