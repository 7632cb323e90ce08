#include "msgcenter/server/openapi.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "msgcenter/server/routes.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

// Hand-written shapes of protocol.md; the paths below are generated from the route table so
// the document cannot drift from the routes the server really has.
const char* kComponents = R"({
  "securitySchemes": {
    "staffToken": {"type": "http", "scheme": "bearer",
      "description": "A staff member's token (PUT /v1/admin/businesses/{business}/staff/{staff} or POST .../tokens)."},
    "adminKey": {"type": "http", "scheme": "bearer",
      "description": "The server's admin key (MSGCENTER_ADMIN_KEY or the config file's admin_key)."},
    "twilioSignature": {"type": "apiKey", "in": "header", "name": "X-Twilio-Signature",
      "description": "base64(HMAC-SHA1(auth token, URL + sorted name/value pairs))."}
  },
  "schemas": {
    "Error": {"type": "object", "required": ["ok", "error"], "properties": {
      "ok": {"type": "boolean", "enum": [false]},
      "error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "enum": ["invalid_argument", "not_found", "permission_denied",
          "consent_required", "opted_out", "invalid_phone", "not_mobile", "body_too_long",
          "attachment_too_large", "unsupported_media", "overloaded", "unavailable", "conflict",
          "unauthenticated", "request_too_large"]},
        "message": {"type": "string"}}}}},
    "Result": {"type": "object", "required": ["ok"], "additionalProperties": true,
      "properties": {"ok": {"type": "boolean", "enum": [true]}}},
    "Media": {"type": "object", "properties": {"url": {"type": "string"},
      "content_type": {"type": "string"}, "size": {"type": "integer"}}},
    "Message": {"type": "object", "properties": {
      "message": {"type": "string"}, "conversation": {"type": "string"},
      "direction": {"type": "string", "enum": ["in", "out"]},
      "kind": {"type": "string", "enum": ["manual", "campaign", "notification", "system"]},
      "author": {"type": "string", "nullable": true}, "body": {"type": "string"},
      "media": {"type": "array", "items": {"$ref": "#/components/schemas/Media"}},
      "status": {"type": "string", "enum": ["received", "queued", "sent", "delivered", "undelivered", "failed"]},
      "error_code": {"type": "string", "nullable": true}, "provider_id": {"type": "string", "nullable": true},
      "at": {"type": "integer"}, "encoding": {"type": "string", "enum": ["gsm7", "ucs2"]},
      "segments": {"type": "integer"}}},
    "ConversationRow": {"type": "object", "properties": {
      "conversation": {"type": "string"}, "number": {"type": "string"}, "phone": {"type": "string"},
      "contact": {"type": "object", "nullable": true, "properties": {"contact": {"type": "string"},
        "name": {"type": "string"}, "kind": {"type": "string"}}},
      "folder": {"type": "string", "enum": ["unread", "read", "replied", "archived"]},
      "unread_count": {"type": "integer"}, "last_activity": {"type": "integer"},
      "preview": {"type": "string"}, "last_direction": {"type": "string", "nullable": true},
      "pinned": {"type": "boolean"}, "muted": {"type": "boolean"}, "archived": {"type": "boolean"},
      "hidden": {"type": "boolean"}, "assignee": {"type": "string", "nullable": true},
      "message_count": {"type": "integer"}}}
  }
})";

struct op_doc {
  const char* summary;
  std::vector<std::pair<const char*, const char*>> query;  ///< name, type
};

/// inbox.list's filters and search, which inbox.counts takes too; `paging` adds limit and
/// cursor (inbox.list only).
std::vector<std::pair<const char*, const char*>> list_filters(bool paging) {
  std::vector<std::pair<const char*, const char*>> q = {{"types", "string"},
                                                        {"from", "integer"},
                                                        {"to", "integer"},
                                                        {"client_type", "string"},
                                                        {"group", "string"},
                                                        {"location", "string"},
                                                        {"contact_kind", "string"},
                                                        {"assignee", "string"},
                                                        {"last_direction", "string"},
                                                        {"q", "string"}};
  if (paging) {
    q.insert(q.begin(), {"folder", "string"});
    q.push_back({"limit", "integer"});
    q.push_back({"cursor", "string"});
  }
  return q;
}

const std::map<std::string, op_doc>& docs() {
  static const std::map<std::string, op_doc> d = {
      {"inbox.list", {"List the caller's conversations (inbox.list).", list_filters(true)}},
      {"conversation.get", {"One conversation's row and contact overview (conversation.get).", {}}},
      {"conversation.messages",
       {"A page of messages, oldest first (conversation.messages); marks read.",
        {{"before", "string"}, {"limit", "integer"}, {"mark_read", "boolean"}}}},
      {"conversation.action",
       {"mark_read, archive, assign, link_contact, ... (conversation.action).", {}}},
      {"conversation.bulk", {"One action on many conversations (conversation.bulk).", {}}},
      {"export.csv",
       {"CSV export of the business's messages, or one conversation's (export.csv).",
        {{"conversation", "string"}}}},
      {"send", {"Send a message to a conversation, contact or phone (send).", {}}},
      {"inbox.badge", {"Unread conversations and messages (inbox.badge).", {}}},
      {"inbox.counts",
       {"Per folder, how many conversations inbox.list would list (inbox.counts).",
        list_filters(false)}},
      {"staff.me",
       {"The caller's record and the business's read/visibility/consent settings (staff.me).", {}}},
      {"staff.list", {"The business's staff ids and names (staff.list).", {}}},
      {"template.list", {"The business's templates and name (template.list).", {}}},
      {"presence.set",
       {"Tell colleagues you are viewing/replying/idle in a conversation (presence.set).", {}}},
      {"alerts.list", {"The caller's alerts, newest first (alerts.list).", {{"limit", "integer"}}}},
      {"alerts.ack", {"Acknowledge an alert (alerts.ack).", {}}},
      {"contact.history",
       {"A page of a contact's messages, newest first (contact.history); page with before.",
        {{"before", "string"}, {"limit", "integer"}}}},
      {"consent.get",
       {"Consent state of a phone on a number (consent.get); encode + as %2B.",
        {{"phone", "string"}, {"number", "string"}}}},
      {"consent.request", {"Ask a phone for consent (consent.request).", {}}},
      {"business.put", {"Create or update a business (business.put).", {}}},
      {"number.put", {"Add or move a number (number.put).", {}}},
      {"staff.put",
       {"Create or update a staff member (staff.put); answers a new bearer token.", {}}},
      {"template.put", {"Create or update a template (template.put).", {}}},
      {"contact.put", {"Create or update a contact (contact.put).", {}}},
  };
  return d;
}

json build() {
  json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "msgcenter HTTP API"},
        {"version", "1"},
        {"description",
         "The JSON protocol of msgcenter over HTTP (docs/api.md). Every answer is a protocol "
         "result object: {\"ok\": true, ...} or {\"ok\": false, \"error\": {code, message}}."}}},
      {"servers", json::array({{{"url", "http://127.0.0.1:8080"}}})},
      {"paths", json::object()},
      {"components", json::parse(kComponents)}};
  const json error_ref = {{"$ref", "#/components/schemas/Error"}};
  for (const auto& r : all_routes()) {
    std::string method(r.method);
    for (auto& c : method) c = static_cast<char>(c - 'A' + 'a');
    json op = json::object();
    std::string summary;
    if (r.kind == route_kind::operation && !r.op.empty()) {
      auto it = docs().find(std::string(r.op));
      summary = it != docs().end() ? it->second.summary : std::string(r.op);
      op["operationId"] =
          std::string(r.op) + (r.pattern.find("{conversation}/export") != std::string_view::npos
                                   ? ".conversation"
                                   : "");
    }
    switch (r.kind) {
      case route_kind::healthz:
        summary = "Liveness: 200 while serving, 503 while shutting down.";
        break;
      case route_kind::metrics:
        summary = "Prometheus metrics (text format 0.0.4).";
        break;
      case route_kind::openapi:
        summary = "This document.";
        break;
      case route_kind::webhook_sms:
        summary = "Twilio inbound message webhook (form encoded, signed).";
        break;
      case route_kind::webhook_status:
        summary = "Twilio status callback (form encoded, signed).";
        break;
      case route_kind::events:
        summary = "Server-Sent Events of the caller's stream; resume with Last-Event-ID.";
        break;
      case route_kind::token_issue:
        summary = "Issue another bearer token for a staff member.";
        break;
      case route_kind::token_list:
        summary = "List a staff member's tokens (ids only).";
        break;
      case route_kind::token_revoke:
        summary = "Revoke a staff member's tokens (all, or one by id).";
        break;
      case route_kind::key_issue:
        summary = "Issue an automation key for the business's own systems (at most 20).";
        break;
      case route_kind::key_list:
        summary = "List the business's automation keys (ids only).";
        break;
      case route_kind::key_revoke:
        summary = "Revoke an automation key.";
        break;
      case route_kind::operation:
        if (r.op.empty())
          summary = r.auth == route_auth::admin
                        ? "Run one admin or carrier protocol request."
                        : "Run one staff protocol request (staff from the token).";
        break;
    }
    op["summary"] = summary;
    json params = json::array();
    std::string_view p = r.pattern;
    for (std::size_t i = p.find('{'); i != std::string_view::npos; i = p.find('{', i + 1)) {
      auto end = p.find('}', i);
      params.push_back({{"name", std::string(p.substr(i + 1, end - i - 1))},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (r.kind == route_kind::operation && r.input == route_input::query) {
      auto it = docs().find(std::string(r.op));
      if (it != docs().end())
        for (auto& [name, type] : it->second.query) {
          if (std::string_view(name) == "conversation" &&
              p.find("{conversation}") != std::string_view::npos)
            continue;
          params.push_back(
              {{"name", name}, {"in", "query"}, {"required", false}, {"schema", {{"type", type}}}});
        }
    }
    if (r.kind == route_kind::events)
      params.push_back({{"name", "Last-Event-ID"},
                        {"in", "header"},
                        {"required", false},
                        {"schema", {{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = params;
    if (r.input == route_input::body || r.input == route_input::op)
      op["requestBody"] = {{"required", r.input == route_input::op},
                           {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    if (r.input == route_input::form)
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/x-www-form-urlencoded", {{"schema", {{"type", "object"}}}}}}}};
    json ok_content;
    if (r.kind == route_kind::events)
      ok_content = {{"text/event-stream", {{"schema", {{"type", "string"}}}}}};
    else if (r.kind == route_kind::metrics)
      ok_content = {{"text/plain", {{"schema", {{"type", "string"}}}}}};
    else if (r.kind == route_kind::webhook_sms || r.kind == route_kind::webhook_status)
      ok_content = {{"text/xml", {{"schema", {{"type", "string"}}}}}};
    else if (r.op == "export.csv")
      ok_content = {{"text/csv", {{"schema", {{"type", "string"}}}}}};
    else
      ok_content = {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Result"}}}}}};
    json responses = {{"200", {{"description", "OK"}, {"content", ok_content}}}};
    if (r.auth != route_auth::none) {
      responses["400"] = {{"description", "invalid_argument and message-content codes"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
      responses["403"] = {{"description", "permission_denied (or a bad webhook signature)"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
      responses["404"] = {
          {"description", "not_found (also any other business's or invisible object)"},
          {"content", {{"application/json", {{"schema", error_ref}}}}}};
      responses["413"] = {{"description", "request_too_large"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
      responses["429"] = {{"description", "overloaded or rate limited (Retry-After)"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
      responses["503"] = {{"description", "unavailable"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
    }
    if (r.auth == route_auth::staff || r.auth == route_auth::admin) {
      responses["401"] = {{"description", "unauthenticated"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
      op["security"] =
          json::array({{{r.auth == route_auth::staff ? "staffToken" : "adminKey", json::array()}}});
    }
    if (r.auth == route_auth::staff && r.kind == route_kind::operation)
      responses["409"] = {{"description", "consent_required or opted_out"},
                          {"content", {{"application/json", {{"schema", error_ref}}}}}};
    if (r.auth == route_auth::carrier)
      op["security"] = json::array({{{"twilioSignature", json::array()}}});
    op["responses"] = responses;
    doc["paths"][std::string(r.pattern)][method] = op;
  }
  return doc;
}

}  // namespace

const std::string& openapi_document() {
  static const std::string text = build().dump(1);
  return text;
}

}  // namespace msgcenter::server
