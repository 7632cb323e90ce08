#include "api.hpp"

#include <algorithm>
#include <cctype>

#include "crypto.hpp"
#include "msgcenter/core/request_validation.hpp"
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
  r.twiml_ok = true;
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

/// What each credential may run through the protocol (docs/api.md, "Credentials").
protocol_policy policy_for(const principal& who) {
  protocol_policy policy;
  switch (who.who) {
    case principal::kind::staff:
      policy.allow_admin = false;
      policy.allow_carrier = false;
      policy.allow_automation = false;
      policy.forced_staff = who.staff;
      policy.forced_business = who.business;
      break;
    case principal::kind::automation:
      // The business's own systems: campaign and notification sends, consent requests from
      // an opt-in form, contact upserts; at a chosen time if they say so (imports).
      policy.allow_carrier = false;
      policy.allow_staff = false;
      policy.allow_automation = true;
      policy.forced_business = who.business;
      policy.only_ops = {"send", "consent.request", "consent.get", "contact.put"};
      break;
    case principal::kind::tenant_admin:
      // A business's own administrator: its settings, numbers, staff, templates and contacts,
      // as themselves (the engine checks the `admin` right), never carrier operations.
      policy.allow_carrier = false;
      policy.allow_staff = false;
      policy.allow_automation = false;
      policy.forced_staff = who.staff;
      policy.forced_business = who.business;
      break;
    case principal::kind::admin:
    case principal::kind::anonymous:
      // The admin key: admin and carrier operations, and automation's sends (campaigns and
      // notifications), never a staff member's.
      policy.allow_staff = false;
      policy.allow_automation = true;
      break;
  }
  return policy;
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
      failures_(opts.limits.auth_failures_per_second, opts.limits.auth_failure_burst),
      admin_key_hash_(opts.admin_key.empty() ? std::string() : crypto::sha256_hex(opts.admin_key)),
      metrics_key_hash_(opts.metrics_key.empty() ? std::string()
                                                 : crypto::sha256_hex(opts.metrics_key)) {}

std::optional<api_reply> api::too_many_failures(const api_request& req) {
  if (failures_.has_token("src:" + req.remote)) return std::nullopt;
  ++metrics_.rate_limited;
  auto reply = error_reply("overloaded", "too many failed attempts from this address; retry later");
  reply.headers.emplace_back("Retry-After", std::to_string(failures_.retry_after_seconds()));
  return reply;
}

api_reply api::auth_failure(const api_request& req, api_reply refusal) {
  (void)failures_.allow("src:" + req.remote);
  return refusal;
}

std::optional<api_reply> api::admit(const route_match& m, const api_request& req, principal& who) {
  const route& r = *m.found;
  who = principal{};
  // Path ids are checked at the edge (percent-decoding can make NUL or invalid UTF-8).
  for (const auto& [name, value] : m.params)
    if (auto ok = validate_id(value, "`" + name + "`"); !ok) return error_reply(ok.error());
  if (r.auth == route_auth::carrier) return std::nullopt;  // the signature, in webhook()
  const bool guarded_metrics = r.kind == route_kind::metrics && !metrics_key_hash_.empty();
  if (r.auth == route_auth::none && !guarded_metrics) return std::nullopt;
  if (auto refusal = too_many_failures(req)) return refusal;
  const std::string credential = bearer(req.authorization);
  if (credential.empty())
    return error_reply(kUnauthenticated, "send `Authorization: Bearer <token>`");
  // Compare fixed-length hashes in constant time: neither the key nor its length leaks.
  const std::string hash = crypto::sha256_hex(credential);
  const bool is_admin =
      !admin_key_hash_.empty() && crypto::constant_time_equal(hash, admin_key_hash_);
  if (guarded_metrics) {
    if (is_admin || crypto::constant_time_equal(hash, metrics_key_hash_)) return std::nullopt;
    return auth_failure(req, error_reply(kUnauthenticated, "unknown metrics key"));
  }
  std::optional<token_owner> owner;
  if (!is_admin) owner = tokens_.find_hash(hash);  // hashed once, above
  if (!is_admin && !owner)
    return auth_failure(req, error_reply(kUnauthenticated, r.auth == route_auth::admin
                                                               ? "unknown admin key"
                                                               : "unknown or revoked token"));
  const bool automation = owner && owner->kind == credential_kind::automation;
  const bool staff_token = owner && owner->kind == credential_kind::staff;
  using kind = principal::kind;
  if (r.auth == route_auth::admin) {
    if (is_admin)
      who.who = kind::admin;
    else if (staff_token && (r.also & also::tenant_admin))
      who.who = kind::tenant_admin;  // the engine checks the `admin` right
    else if (automation && (r.also & also::automation))
      who.who = kind::automation;
    else
      return error_reply("permission_denied",
                         automation ? "automation keys may send, request or read consent and "
                                      "upsert contacts only"
                                    : "admin routes need the admin key");
  } else {
    if (staff_token)
      who.who = kind::staff;
    else if (automation && (r.also & also::automation))
      who.who = kind::automation;
    else if (automation)
      return error_reply("permission_denied",
                         "automation keys may send, request or read consent and upsert "
                         "contacts only");
    else
      return error_reply("permission_denied", "staff routes need a staff token, not the admin key");
  }
  if (owner) {
    who.business = owner->business;
    who.staff = owner->staff;
    who.credential_hash = hash;
    // A business's own credentials reach only that business: another one's path is as
    // missing as a business that does not exist.
    if (auto* business = param(m, "business"); business && *business != who.business)
      return error_reply("not_found", "no such business");
  }
  who.rate_key = is_admin ? "admin" : "cred:" + hash;
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
  // A staff token on an admin route is its business's administrator only with `admin`
  // (the engine knows the rights; asked here, on a worker, before the request is read).
  if (auto refusal = refuse_non_admin(who)) return *refusal;
  switch (r.kind) {
    case route_kind::healthz: {
      if (auto health = engine_.health(); !health)
        return json_reply(
            json{{"ok", false},
                 {"status", "failing"},
                 {"error", {{"code", "unavailable"}, {"message", health.error().message}}}},
            503);
      return json_reply(json{{"ok", true}, {"status", "serving"}});
    }
    case route_kind::metrics: {
      api_reply out;
      out.content_type = "text/plain; version=0.0.4; charset=utf-8";
      out.body = metrics_.render() + render_engine_metrics(engine_.stats());
      return out;
    }
    case route_kind::openapi: {
      api_reply out;
      out.body = openapi_document();
      return out;
    }
    case route_kind::webhook_sms:
    case route_kind::webhook_status:
      break;  // prepare_webhook() and the batcher, never a worker
    case route_kind::token_issue:
    case route_kind::token_list:
    case route_kind::token_revoke:
      return tokens(m, who, req);
    case route_kind::key_issue:
    case route_kind::key_list:
    case route_kind::key_revoke:
      return keys(m, who, req);
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
  protocol_session session(engine_, policy_for(who));
  json result = session.execute(request.value());
  const bool ok = result.value("ok", false);
  const std::string op = request.value().value("op", std::string());
  // staff.put over HTTP also issues the staff member a bearer token (protocol.md).
  if (ok && op == "staff.put" &&
      (who.who == principal::kind::admin || who.who == principal::kind::tenant_admin)) {
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

std::optional<api_reply> api::refuse_non_admin(const principal& who) {
  if (who.who != principal::kind::tenant_admin) return std::nullopt;
  auto allowed = engine_.authorize({who.business, who.staff, std::nullopt}, right::admin);
  if (allowed) return std::nullopt;
  return error_reply(allowed.error());
}

api_reply api::tokens(const route_match& m, const principal& who, const api_request& req) {
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

api_reply api::keys(const route_match& m, const principal& who, const api_request& req) {
  const route& r = *m.found;
  const std::string* business = param(m, "business");
  if (!business) return error_reply("invalid_argument", "business is required");
  std::string name;
  const bool has_body = req.body.find_first_not_of(" \t\r\n") != std::string::npos;
  if (has_body) {
    if (r.kind != route_kind::key_issue)
      return error_reply("invalid_argument", "this route takes no body");
    auto parsed = parse_json_limited(req.body);
    if (!parsed) return error_reply(parsed.error());
    const json& j = parsed.value();
    if (!j.is_object()) return error_reply("invalid_argument", "the body must be a JSON object");
    for (auto& [k, v] : j.items()) {
      if (k != "name") return error_reply("invalid_argument", "unknown field `" + k + "`");
      if (!v.is_string()) return error_reply("invalid_argument", "`name` must be a string");
      name = v.get<std::string>();
    }
  }
  if (r.kind == route_kind::key_issue) {
    auto key = tokens_.issue_key(*business, name);
    if (!key) return error_reply(key.error());
    return json_reply(json{{"ok", true}, {"key", key->first}, {"key_id", key->second}});
  }
  if (r.kind == route_kind::key_list) {
    json list = json::array();
    for (auto& k : tokens_.list_keys(*business))
      list.push_back({{"key_id", k.token_id}, {"name", k.name}, {"created", k.created_ms}});
    return json_reply(json{{"ok", true}, {"keys", list}});
  }
  const std::string* id = param(m, "key");
  auto revoked = tokens_.revoke_key(*business, id ? *id : std::string());
  if (!revoked) return error_reply(revoked.error());
  if (id && revoked.value() == 0) return error_reply("not_found", "no such key");
  return json_reply(json{{"ok", true}, {"revoked", revoked.value()}});
}

webhook_intake api::prepare_webhook(const route& r, const api_request& req) {
  webhook_intake out;
  const bool sms = r.kind == route_kind::webhook_sms;
  auto answer = [&](api_reply reply) {
    out.reply = std::move(reply);
    return std::move(out);
  };
  // Until the signature is checked nothing reaches the engine, every refusal counts against
  // the source address, and an unknown number, a business without an auth token and a wrong
  // signature answer alike: the answer tells nobody which numbers exist.
  if (auto refusal = too_many_failures(req)) return answer(std::move(*refusal));
  auto unsigned_refusal = [&](std::string_view code, std::string_view message) {
    ++metrics_.signature_failures;
    return answer(auth_failure(req, error_reply(code, message)));
  };
  auto type = lower(req.content_type);
  if (auto semi = type.find(';'); semi != std::string::npos) type.resize(semi);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type != "application/x-www-form-urlencoded")
    return unsigned_refusal("invalid_argument", "webhooks are application/x-www-form-urlencoded");
  auto fields = parse_form(req.body);
  if (!fields) return unsigned_refusal("invalid_argument", fields.error().message);
  const auto& f = fields.value();
  // The business: the owner of the number texted (sms), or of the number that sent the
  // message whose status this is (status callbacks carry it as From).
  auto number = form_value(f, sms ? "To" : "From");
  if (!number || number->empty())
    return unsigned_refusal("invalid_argument", sms ? "`To` is required" : "`From` is required");
  auto account = engine_.carrier_account_for(*number);  // a table read, no actor
  if (!account || account->auth_token.empty() ||
      !verify_twilio_signature(signed_url(req), f, account->auth_token, req.twilio_signature))
    return unsigned_refusal("permission_denied", "invalid X-Twilio-Signature");
  if (auto sid = form_value(f, "AccountSid");
      sid && !account->account_sid.empty() && *sid != account->account_sid)
    return answer(error_reply("permission_denied", "AccountSid is not the business's account"));
  auto message_sid = form_value(f, "MessageSid");
  if (!message_sid) message_sid = form_value(f, "SmsSid");
  if (!message_sid || message_sid->empty())
    return answer(error_reply("invalid_argument", "`MessageSid` is required"));

  if (!sms) {
    auto twilio_status = form_value(f, "MessageStatus");
    if (!twilio_status) twilio_status = form_value(f, "SmsStatus");
    if (!twilio_status)
      return answer(error_reply("invalid_argument", "`MessageStatus` is required"));
    auto mapped = map_twilio_status(*twilio_status);
    if (!mapped) return answer(twiml_ok());  // a step the engine does not record
    status_request s;
    s.provider_id = *message_sid;
    s.status = *mapped;
    s.error_code = form_value(f, "ErrorCode").value_or("");
    out.status.emplace(op_context{account->business, "", std::nullopt}, std::move(s));
    return out;
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
      return answer(error_reply("invalid_argument", "`NumMedia` must be a small integer"));
    int count = std::stoi(*n);
    for (int i = 0; i < count; ++i) {
      media_item item;
      item.url = form_value(f, "MediaUrl" + std::to_string(i)).value_or("");
      item.content_type = form_value(f, "MediaContentType" + std::to_string(i)).value_or("");
      item.size = 0;
      in.media.push_back(std::move(item));
    }
  }
  out.inbound = std::move(in);
  return out;
}

api_reply api::inbound_answer(const result<inbound_reply>& stored,
                              std::chrono::steady_clock::time_point received) {
  if (!stored) return error_reply(stored.error());
  metrics_.observe_ack_latency(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
  if (stored->duplicate)
    ++metrics_.inbound_duplicates;
  else
    ++metrics_.inbound_messages;
  return twiml_ok();
}

api_reply api::status_answer(const result<status_reply>& applied) {
  if (!applied) return error_reply(applied.error());
  ++metrics_.status_callbacks;
  return twiml_ok();
}

}  // namespace msgcenter::server
