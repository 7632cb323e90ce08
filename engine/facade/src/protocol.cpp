#include "msgcenter/protocol.hpp"

#include <functional>
#include <map>
#include <set>

#include "msgcenter/core/request_validation.hpp"
#include "msgcenter/core/send_guard.hpp"
#include "msgcenter/core/text.hpp"

namespace msgcenter {

using json = nlohmann::json;

namespace {

/// Thrown inside this file only, to unwind argument parsing; never escapes execute().
struct bad_request {
  error err;
};

[[noreturn]] void refuse(errc code, std::string text) {
  throw bad_request{make_error(code, std::move(text))};
}

json null_if_empty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// ---- reading arguments --------------------------------------------------------------

class args {
 public:
  args(const json& j) : j_(j) {}

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  std::string str(const char* key, bool required = false) const {
    if (!has(key)) {
      if (required) refuse(errc::invalid_argument, std::string("`") + key + "` is required");
      return {};
    }
    const auto& v = j_.at(key);
    if (!v.is_string())
      refuse(errc::invalid_argument, std::string("`") + key + "` must be a string");
    auto s = v.get<std::string>();
    if (s.size() > 64 * 1024)
      refuse(errc::invalid_argument, std::string("`") + key + "` is too long");
    return s;
  }

  std::optional<std::string> opt_str(const char* key) const {
    if (!has(key)) return std::nullopt;
    return str(key);
  }

  std::optional<std::int64_t> opt_int(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = j_.at(key);
    if (!v.is_number_integer())
      refuse(errc::invalid_argument, std::string("`") + key + "` must be an integer");
    return v.get<std::int64_t>();
  }

  std::optional<bool> opt_bool(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = j_.at(key);
    if (!v.is_boolean())
      refuse(errc::invalid_argument, std::string("`") + key + "` must be a boolean");
    return v.get<bool>();
  }

  std::vector<std::string> str_list(const char* key) const {
    std::vector<std::string> out;
    if (!has(key)) return out;
    const auto& v = j_.at(key);
    if (!v.is_array() || v.size() > 1000)
      refuse(errc::invalid_argument, std::string("`") + key + "` must be an array of strings");
    for (auto& x : v) {
      if (!x.is_string())
        refuse(errc::invalid_argument, std::string("`") + key + "` must be an array of strings");
      out.push_back(x.get<std::string>());
    }
    return out;
  }

  std::size_t limit(std::size_t fallback = kDefaultPageSize) const {
    auto v = opt_int("limit");
    if (!v) return fallback;
    if (*v < 1 || *v > static_cast<std::int64_t>(kMaxPageSize))
      refuse(errc::invalid_argument, "limit must be between 1 and 500");
    return static_cast<std::size_t>(*v);
  }

  const json& raw(const char* key) const { return j_.at(key); }

 private:
  const json& j_;
};

conversation_id conversation_arg(const args& a, const char* key = "conversation") {
  auto s = a.str(key, true);
  auto id = parse_conversation_key(s);
  // A malformed id names no conversation: the same answer as a foreign one.
  if (!id) refuse(errc::not_found, "no such conversation");
  return *id;
}

std::vector<media_item> media_arg(const args& a) {
  std::vector<media_item> out;
  if (!a.has("media")) return out;
  const auto& v = a.raw("media");
  if (!v.is_array() || v.size() > 100) refuse(errc::invalid_argument, "`media` must be an array");
  for (auto& item : v) {
    if (!item.is_object()) refuse(errc::invalid_argument, "media items are objects");
    for (auto& [k, x] : item.items())
      if (k != "url" && k != "content_type" && k != "size")
        refuse(errc::invalid_argument, "unknown media field `" + k + "`");
    args m(item);
    media_item mi;
    mi.url = m.str("url", true);
    mi.content_type = m.str("content_type", true);
    auto size = m.opt_int("size");
    if (!size || *size < 0)
      refuse(errc::invalid_argument, "media `size` must be a non-negative integer");
    mi.size = static_cast<std::uint64_t>(*size);
    out.push_back(std::move(mi));
  }
  return out;
}

template <class E>
E enum_arg(const args& a, const char* key, std::optional<E> (*parse)(std::string_view),
           E fallback) {
  auto s = a.opt_str(key);
  if (!s) return fallback;
  auto v = parse(*s);
  if (!v) refuse(errc::invalid_argument, std::string("unknown `") + key + "` value `" + *s + "`");
  return *v;
}

// ---- writing results ----------------------------------------------------------------

json contact_summary(const std::optional<contact_card>& c) {
  if (!c) return nullptr;
  return json{{"contact", c->id}, {"name", c->full_name()}, {"kind", to_string(c->kind)}};
}

json overview_json(const contact_overview& o) {
  const auto& c = o.value;
  return json{{"contact", c.id},
              {"kind", to_string(c.kind)},
              {"name", c.full_name()},
              {"first_name", c.first_name},
              {"last_name", c.last_name},
              {"phones", c.phones},
              {"email", c.email},
              {"uid", c.uid},
              {"client_type", c.client_type},
              {"groups", c.groups},
              {"home_location", c.home_location},
              {"sales_owner", null_if_empty(c.sales_owner)},
              {"service_owner", null_if_empty(c.service_owner)},
              {"consent", to_string(o.consent)},
              {"conversations", o.conversations}};
}

json ok(json body = json::object()) {
  body["ok"] = true;
  return body;
}

/// The optional message id argument `before` of a paged message list.
std::optional<message_id> before_arg(const args& a) {
  auto b = a.opt_str("before");
  if (!b) return std::nullopt;
  auto id = parse_message_key(*b);
  if (!id) refuse(errc::invalid_argument, "`before` must be a message id");
  return id;
}

/// A page of messages and the cursor of the next, older page (null at the end).
json message_page(const std::vector<message>& messages, std::optional<message_id> next_before) {
  json list = json::array();
  for (auto& m : messages) list.push_back(to_json(m));
  return ok({{"messages", std::move(list)},
             {"next_before", next_before ? json(message_key(*next_before)) : json(nullptr)}});
}

template <class T>
const T& value_or_throw(const result<T>& r) {
  if (!r) throw bad_request{r.error()};
  return r.value();
}

// ---- the operations -----------------------------------------------------------------

enum class op_class { admin, carrier, staff };

struct op_spec {
  op_class cls;
  std::set<std::string> keys;  ///< allowed argument keys besides the envelope
  std::function<json(message_center&, const op_context&, const args&)> run;
  /// A staff operation the business's automation may also run, without a staff member,
  /// where protocol_policy::allow_automation says so (the engine decides what it may do
  /// then: `send` of campaigns and notifications).
  bool automation = false;
};

rights_mask rights_arg(const args& a) {
  rights_mask mask = 0;
  for (auto& r : a.str_list("rights")) {
    auto v = parse_right(r);
    if (!v) refuse(errc::invalid_argument, "unknown right `" + r + "`");
    mask |= bit(*v);
  }
  return mask;
}

settings_patch settings_arg(const args& a) {
  settings_patch p;
  if (!a.has("settings")) return p;
  const auto& s = a.raw("settings");
  if (!s.is_object()) refuse(errc::invalid_argument, "`settings` must be an object");
  static const std::set<std::string> known{"read_status",
                                           "visibility",
                                           "consent",
                                           "notify_sales",
                                           "notify_service",
                                           "timezone",
                                           "help_text",
                                           "opt_out_text",
                                           "opt_in_request_text",
                                           "opt_in_confirmation_text",
                                           "twilio_account_sid",
                                           "twilio_auth_token"};
  for (auto& [k, v] : s.items())
    if (!known.count(k)) refuse(errc::invalid_argument, "unknown setting `" + k + "`");
  args sa(s);
  if (sa.has("read_status"))
    p.read_status = enum_arg(sa, "read_status", parse_read_status_mode, read_status_mode::shared);
  if (sa.has("visibility"))
    p.visibility = enum_arg(sa, "visibility", parse_visibility_mode, visibility_mode::all);
  if (sa.has("consent"))
    p.consent = enum_arg(sa, "consent", parse_consent_mode, consent_mode::implied);
  p.notify_sales = sa.opt_bool("notify_sales");
  p.notify_service = sa.opt_bool("notify_service");
  p.timezone = sa.opt_str("timezone");
  p.help_text = sa.opt_str("help_text");
  p.opt_out_text = sa.opt_str("opt_out_text");
  p.opt_in_request_text = sa.opt_str("opt_in_request_text");
  p.opt_in_confirmation_text = sa.opt_str("opt_in_confirmation_text");
  p.twilio_account_sid = sa.opt_str("twilio_account_sid");
  p.twilio_auth_token = sa.opt_str("twilio_auth_token");
  return p;
}

inbox_query query_arg(const args& a) {
  inbox_query q;
  q.folder = enum_arg(a, "folder", parse_folder_filter, folder_filter::inbox);
  for (auto& t : a.str_list("types")) {
    if (t == "manual")
      q.types |= type_manual;
    else if (t == "campaign")
      q.types |= type_campaign;
    else if (t == "notification")
      q.types |= type_notification;
    else if (t == "failed")
      q.types |= type_failed;
    else
      refuse(errc::invalid_argument, "unknown type `" + t + "`");
  }
  q.from = a.opt_int("from");
  q.to = a.opt_int("to");
  q.client_type = a.opt_str("client_type");
  q.group = a.opt_str("group");
  q.location = a.opt_str("location");
  if (auto k = a.opt_str("contact_kind")) {
    if (*k == "clients_and_leads")
      q.contact_kind = contact_filter::clients_and_leads;
    else if (*k == "resources")
      q.contact_kind = contact_filter::resources;
    else
      refuse(errc::invalid_argument, "unknown contact_kind `" + *k + "`");
  }
  q.assignee = a.opt_str("assignee");
  if (a.has("last_direction"))
    q.last_direction = enum_arg(a, "last_direction", parse_direction, direction::in);
  q.q = a.str("q");
  q.limit = a.limit();
  q.cursor = a.str("cursor");
  return q;
}

const std::map<std::string, op_spec>& operations() {
  static const std::map<std::string, op_spec> ops = {
      {"business.put",
       {op_class::admin,
        {"name", "region", "default_number", "settings"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          business_put_request r;
          r.name = a.str("name");
          r.region = a.has("region") ? a.str("region") : "US";
          r.default_number = a.str("default_number");
          r.settings = settings_arg(a);
          value_or_throw(mc.business_put(ctx, std::move(r)));
          return ok();
        }}},
      {"number.put",
       {op_class::admin,
        {"number", "location"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto r = value_or_throw(mc.number_put(ctx, {a.str("number", true), a.str("location")}));
          return ok({{"number", r.number}});
        }}},
      {"staff.put",
       {op_class::admin,
        {"staff", "name", "rights", "locations", "subscribe_all"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          staff_put_request r{a.str("staff", true), a.str("name"), rights_arg(a),
                              a.str_list("locations"), a.opt_bool("subscribe_all").value_or(false)};
          value_or_throw(mc.staff_put(ctx, std::move(r)));
          return ok();
        }}},
      {"template.put",
       {op_class::admin,
        {"template", "body"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          value_or_throw(mc.template_put(ctx, {a.str("template", true), a.str("body", true)}));
          return ok();
        }}},
      {"contact.put",
       {op_class::admin,
        {"contact", "kind", "first_name", "last_name", "phones", "email", "uid", "client_type",
         "groups", "home_location", "sales_owner", "service_owner"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          contact c;
          c.id = a.str("contact", true);
          c.kind = enum_arg(a, "kind", parse_contact_kind, contact_kind::client);
          c.first_name = a.str("first_name");
          c.last_name = a.str("last_name");
          c.phones = a.str_list("phones");
          c.email = a.str("email");
          c.uid = a.str("uid");
          c.client_type = a.str("client_type");
          c.groups = a.str_list("groups");
          c.home_location = a.str("home_location");
          c.sales_owner = a.str("sales_owner");
          c.service_owner = a.str("service_owner");
          auto r = value_or_throw(mc.contact_put(ctx, {std::move(c)}));
          return ok({{"contact", r.contact}, {"phones", r.phones}});
        }}},
      {"inbound",
       {op_class::carrier,
        {"from", "to", "body", "media", "provider_id"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          inbound_request r{a.str("from", true), a.str("to", true),    a.str("body"),
                            media_arg(a),        a.str("provider_id"), ctx.at};
          auto rep = value_or_throw(mc.inbound(ctx, std::move(r)));
          return ok({{"conversation", conversation_key(rep.conversation)},
                     {"message", to_json(rep.stored)},
                     {"duplicate", rep.duplicate}});
        }}},
      {"status",
       {op_class::carrier,
        {"provider_id", "status", "error_code"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          status_request r;
          r.provider_id = a.str("provider_id", true);
          r.status = enum_arg(a, "status", parse_message_status, message_status::sent);
          if (!a.has("status")) refuse(errc::invalid_argument, "`status` is required");
          if (r.status == message_status::received)
            refuse(errc::invalid_argument, "`received` is not an outbound status");
          r.error_code = a.str("error_code");
          auto rep = value_or_throw(mc.status(ctx, std::move(r)));
          return ok({{"message", to_json(rep.stored)}});
        }}},
      {"send",
       {op_class::staff,
        {"conversation", "contact", "phone", "number", "body", "template", "media", "kind",
         "client_ref", "expect_last_message"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          send_request r;
          if (a.has("conversation")) r.conversation = conversation_arg(a);
          r.contact = a.str("contact");
          r.phone = a.str("phone");
          r.number = a.str("number");
          r.body = a.str("body");
          r.template_name = a.str("template");
          if (!r.body.empty() && !r.template_name.empty())
            refuse(errc::invalid_argument, "give `body` or `template`, not both");
          int targets =
              (r.conversation ? 1 : 0) + (r.contact.empty() ? 0 : 1) + (r.phone.empty() ? 0 : 1);
          if (targets != 1)
            refuse(errc::invalid_argument, "give exactly one of conversation, contact, phone");
          r.media = media_arg(a);
          r.kind = enum_arg(a, "kind", parse_message_kind, message_kind::manual);
          if (a.has("client_ref")) {
            r.client_ref = a.str("client_ref");
            value_or_throw(validate_client_ref(r.client_ref));  // "" too: given, but empty
          }
          if (auto e = a.opt_str("expect_last_message")) {
            auto id = parse_message_key(*e);
            if (!id) refuse(errc::invalid_argument, "`expect_last_message` must be a message id");
            if (!r.conversation)
              refuse(errc::invalid_argument, "`expect_last_message` needs `conversation`");
            r.expect_last_message = *id;
          }
          auto rep = value_or_throw(mc.send(ctx, std::move(r)));
          return ok({{"conversation", conversation_key(rep.conversation)},
                     {"message", to_json(rep.stored)}});
        },
        /*automation=*/true}},
      {"consent.request",
       {op_class::staff,
        {"phone", "number"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto rep =
              value_or_throw(mc.consent_request(ctx, {a.str("phone", true), a.str("number")}));
          return ok({{"state", to_string(rep.state)}});
        },
        /*automation=*/true}},
      {"consent.get",
       {op_class::staff,
        {"phone", "number"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto rep = value_or_throw(mc.consent_get(ctx, {a.str("phone", true), a.str("number")}));
          return ok({{"state", to_string(rep.state)}});
        },
        /*automation=*/true}},
      {"conversation.get",
       {op_class::staff,
        {"conversation"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto rep = value_or_throw(mc.conversation_get(ctx, {conversation_arg(a)}));
          return ok({{"conversation", to_json(rep.row)},
                     {"contact", rep.overview ? overview_json(*rep.overview) : json(nullptr)}});
        }}},
      {"conversation.messages",
       {op_class::staff,
        {"conversation", "before", "limit", "mark_read"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          messages_request r;
          r.conversation = conversation_arg(a);
          r.before = before_arg(a);
          r.limit = a.limit();
          r.mark_read = a.opt_bool("mark_read").value_or(true);
          auto rep = value_or_throw(mc.conversation_messages(ctx, std::move(r)));
          return message_page(rep.messages, rep.next_before);
        }}},
      {"conversation.action",
       {op_class::staff,
        {"conversation", "action", "staff", "contact", "first_name", "last_name", "email"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          action_request r;
          r.conversation = conversation_arg(a);
          auto action = parse_conversation_action(a.str("action", true));
          if (!action) refuse(errc::invalid_argument, "unknown action");
          r.action = *action;
          r.staff = a.str("staff");
          if (r.action == conversation_action::assign && r.staff.empty())
            refuse(errc::invalid_argument, "`staff` is required to assign");
          r.contact = a.str("contact");
          if (r.action == conversation_action::link_contact && r.contact.empty())
            refuse(errc::invalid_argument, "`contact` is required to link");
          r.first_name = a.str("first_name");
          r.last_name = a.str("last_name");
          r.email = a.str("email");
          auto row = value_or_throw(mc.conversation_action(ctx, std::move(r)));
          return ok({{"conversation", to_json(row)}});
        }}},
      {"conversation.bulk",
       {op_class::staff,
        {"conversations", "action"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          bulk_request r;
          std::vector<std::string> raw = a.str_list("conversations");
          auto action = parse_conversation_action(a.str("action", true));
          if (!action) refuse(errc::invalid_argument, "unknown action");
          r.action = *action;
          json results = json::array();
          // Malformed ids fail on their own; the rest run as one bulk action.
          std::vector<std::pair<std::size_t, conversation_id>> valid;
          std::vector<json> slots(raw.size());
          for (std::size_t i = 0; i < raw.size(); ++i) {
            if (auto id = parse_conversation_key(raw[i])) {
              valid.emplace_back(i, *id);
              r.conversations.push_back(*id);
            } else {
              slots[i] = {
                  {"conversation", raw[i]},
                  {"ok", false},
                  {"error", error_json(make_error(errc::not_found, "no such conversation"))}};
            }
          }
          auto rep = value_or_throw(mc.conversation_bulk(ctx, std::move(r)));
          for (std::size_t k = 0; k < valid.size() && k < rep.results.size(); ++k) {
            auto& item = rep.results[k];
            json j{{"conversation", raw[valid[k].first]}, {"ok", !item.failure}};
            if (item.failure) j["error"] = error_json(*item.failure);
            slots[valid[k].first] = j;
          }
          for (auto& s : slots) results.push_back(s);
          return ok({{"results", results}});
        }}},
      {"inbox.list",
       {op_class::staff,
        {"folder", "types", "from", "to", "client_type", "group", "location", "contact_kind",
         "assignee", "last_direction", "q", "limit", "cursor"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto page = value_or_throw(mc.inbox_list(ctx, query_arg(a)));
          json rows = json::array();
          for (auto& row : page.rows) rows.push_back(to_json(row));
          return ok({{"rows", rows}, {"cursor", null_if_empty(page.cursor)}});
        }}},
      {"inbox.counts",
       {op_class::staff,
        {"types", "from", "to", "client_type", "group", "location", "contact_kind", "assignee",
         "last_direction", "q"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto c = value_or_throw(mc.inbox_counts(ctx, {query_arg(a)}));
          return ok({{"inbox", c.inbox},
                     {"unread", c.unread},
                     {"read", c.read},
                     {"replied", c.replied},
                     {"archived", c.archived},
                     {"all", c.all}});
        }}},
      {"staff.me",
       {op_class::staff,
        {},
        [](message_center& mc, const op_context& ctx, const args&) {
          auto me = value_or_throw(mc.staff_me(ctx));
          json rights = json::array();
          for (auto r : {right::view_messages, right::manage_messages, right::send_sms,
                         right::remove_feed, right::export_, right::admin})
            if (me.self.has(r)) rights.push_back(to_string(r));
          return ok({{"staff", me.self.id},
                     {"name", me.self.name},
                     {"rights", rights},
                     {"locations", me.self.locations},
                     {"subscribe_all", me.self.subscribe_all},
                     {"business", {{"business", me.business}, {"name", me.business_name}}},
                     {"settings",
                      {{"read_status", to_string(me.read_status)},
                       {"visibility", to_string(me.visibility)},
                       {"consent", to_string(me.consent)}}}});
        }}},
      {"staff.list",
       {op_class::staff,
        {},
        [](message_center& mc, const op_context& ctx, const args&) {
          auto rep = value_or_throw(mc.staff_list(ctx));
          json list = json::array();
          for (auto& s : rep.staff) list.push_back({{"staff", s.staff}, {"name", s.name}});
          return ok({{"staff", list}});
        }}},
      {"template.list",
       {op_class::staff,
        {},
        [](message_center& mc, const op_context& ctx, const args&) {
          auto rep = value_or_throw(mc.template_list(ctx));
          json list = json::array();
          for (auto& t : rep.templates) list.push_back({{"template", t.name}, {"body", t.body}});
          return ok({{"templates", list}, {"business_name", rep.business_name}});
        }}},
      {"presence.set",
       {op_class::staff,
        {"conversation", "state"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          presence_request r;
          r.conversation = conversation_arg(a);
          if (!a.has("state")) refuse(errc::invalid_argument, "`state` is required");
          r.state = enum_arg(a, "state", parse_presence_state, presence_state::viewing);
          value_or_throw(mc.presence_set(ctx, std::move(r)));
          return ok();
        }}},
      {"inbox.badge",
       {op_class::staff,
        {},
        [](message_center& mc, const op_context& ctx, const args&) {
          return ok(to_json(value_or_throw(mc.inbox_badge(ctx))));
        }}},
      {"alerts.list",
       {op_class::staff,
        {"limit"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto list = value_or_throw(mc.alerts_list(ctx, {a.limit()}));
          json out = json::array();
          for (auto& al : list) out.push_back(to_json(al));
          return ok({{"alerts", out}});
        }}},
      {"alerts.ack",
       {op_class::staff,
        {"alert"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          auto id = parse_alert_key(a.str("alert", true));
          if (!id) refuse(errc::not_found, "no such alert");
          value_or_throw(mc.alerts_ack(ctx, {*id}));
          return ok();
        }}},
      {"contact.history",
       {op_class::staff,
        {"contact", "limit", "before"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          history_request r{a.str("contact", true), a.limit(), before_arg(a)};
          auto rep = value_or_throw(mc.contact_history(ctx, std::move(r)));
          return message_page(rep.messages, rep.next_before);
        }}},
      {"export.csv",
       {op_class::staff,
        {"conversation"},
        [](message_center& mc, const op_context& ctx, const args& a) {
          export_request r;
          if (a.has("conversation")) r.conversation = conversation_arg(a);
          auto rep = value_or_throw(mc.export_csv(ctx, std::move(r)));
          return ok({{"csv", rep.csv}});
        }}},
  };
  return ops;
}

}  // namespace

json error_json(const error& e) {
  return json{{"code", to_string(e.code)}, {"message", e.message}};
}

json to_json(const message& m) {
  json media = json::array();
  for (auto& x : m.media)
    media.push_back({{"url", x.url}, {"content_type", x.content_type}, {"size", x.size}});
  return json{{"message", message_key(m.id)},
              {"conversation", conversation_key(m.conversation)},
              {"direction", to_string(m.dir)},
              {"kind", to_string(m.kind)},
              {"author", null_if_empty(m.author)},
              {"body", m.body},
              {"media", media},
              {"status", to_string(m.status)},
              {"error_code", null_if_empty(m.error_code)},
              {"provider_id", null_if_empty(m.provider_id)},
              {"at", m.at},
              {"encoding", to_string(m.encoding)},
              {"segments", m.segments}};
}

json to_json(const inbox_row& row) {
  const auto& v = row.view;
  return json{
      {"conversation", conversation_key(v.id)},
      {"number", v.number},
      {"phone", v.phone},
      {"contact", contact_summary(v.contact)},
      {"folder", to_string(row.current_folder)},
      {"unread_count", row.unread_count},
      {"last_activity", v.last_activity},
      {"preview", v.preview},
      {"last_direction", v.has_messages ? json(to_string(v.last_direction)) : json(nullptr)},
      {"pinned", row.pinned},
      {"muted", row.muted},
      {"archived", v.archived},
      {"hidden", v.hidden},
      {"assignee", null_if_empty(v.assignee)},
      {"message_count", v.message_count}};
}

json to_json(const alert& a) {
  return json{{"alert", alert_key(a.id)},
              {"kind", to_string(a.kind)},
              {"conversation", conversation_key(a.conversation)},
              {"message", a.message ? json(message_key(a.message)) : json(nullptr)},
              {"at", a.at},
              {"acked", a.acked}};
}

json to_json(const badge& b) {
  return json{{"unread_conversations", b.unread_conversations},
              {"unread_messages", b.unread_messages}};
}

json to_json(const staff_event& ev) {
  json j{{"seq", ev.seq}, {"kind", to_string(ev.kind)}};
  switch (ev.kind) {
    case event_kind::message:
      j["message"] = ev.msg ? to_json(*ev.msg) : json(nullptr);
      break;
    case event_kind::conversation:
      if (ev.row)
        j["conversation"] = to_json(*ev.row);
      else
        j["removed"] = conversation_key(ev.removed);
      break;
    case event_kind::badge:
      j["badge"] = to_json(ev.badge_value);
      break;
    case event_kind::alert:
      j["alert"] = ev.alert_value ? to_json(*ev.alert_value) : json(nullptr);
      break;
    case event_kind::reset:
      break;  // nothing but the instruction to refetch
    case event_kind::closed:
      j["reason"] = "rights_changed";  // the stream ends; subscribing again is refused
      break;
    case event_kind::presence:
      if (ev.presence_value) {
        const auto& p = *ev.presence_value;
        j["presence"] = {{"conversation", conversation_key(p.conversation)},
                         {"staff", p.staff},
                         {"name", p.name},
                         {"state", to_string(p.state)},
                         {"ttl_ms", p.ttl_ms}};
      } else {
        j["presence"] = nullptr;
      }
      break;
  }
  return j;
}

result<json> parse_json_limited(std::string_view text, std::size_t max_bytes, int max_depth) {
  if (text.size() > max_bytes) return make_error(errc::invalid_argument, "request too large");
  if (!is_valid_utf8(text)) return make_error(errc::invalid_argument, "request is not valid UTF-8");
  bool too_deep = false;
  json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t, json&) {
    if (depth > max_depth) too_deep = true;
    return !too_deep;
  };
  json j = json::parse(text.begin(), text.end(), limit_depth, /*allow_exceptions=*/false);
  if (too_deep) return make_error(errc::invalid_argument, "request nested too deeply");
  if (j.is_discarded()) return make_error(errc::invalid_argument, "request is not valid JSON");
  return j;
}

/// Ids are checked at the edge, before anything is looked up or stored (validate_id). An
/// empty one is left to the operation (some read "" as "not given").
void check_ids(const json& request) {
  auto check = [](const json& v, const std::string& key) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) return;
    if (auto ok = validate_id(v.get_ref<const std::string&>(), "`" + key + "`"); !ok)
      throw bad_request{ok.error()};
  };
  for (const char* key :
       {"business", "as", "staff", "contact", "template", "location", "provider_id"})
    if (auto it = request.find(key); it != request.end()) check(*it, key);
  if (auto it = request.find("locations"); it != request.end() && it->is_array())
    for (const auto& v : *it) check(v, "locations");
}

protocol_session::protocol_session(message_center& engine, protocol_policy policy)
    : engine_(engine), policy_(std::move(policy)) {}

json protocol_session::execute(const json& request) {
  json id = request.is_object() && request.contains("id") ? request["id"] : json();
  auto answer = [&](json body) {
    if (!id.is_null()) body["id"] = id;
    return body;
  };
  auto failure = [&](const error& e) {
    return answer(json{{"ok", false}, {"error", error_json(e)}});
  };
  try {
    if (!request.is_object()) refuse(errc::invalid_argument, "a request is a JSON object");
    args env(request);
    auto op_name = env.str("op", true);
    auto it = operations().find(op_name);
    if (it == operations().end()) refuse(errc::invalid_argument, "unknown op `" + op_name + "`");
    const auto& spec = it->second;
    for (auto& [k, v] : request.items()) {
      if (k == "op" || k == "business" || k == "as" || k == "at" || k == "id") continue;
      if (!spec.keys.count(k))
        refuse(errc::invalid_argument, "unknown field `" + k + "` for " + op_name);
    }
    check_ids(request);
    bool allowed = (spec.cls == op_class::admin && policy_.allow_admin) ||
                   (spec.cls == op_class::carrier && policy_.allow_carrier) ||
                   (spec.cls == op_class::staff && policy_.allow_staff);
    // Automation runs a staff operation as no staff member.
    const bool automation =
        !allowed && spec.cls == op_class::staff && spec.automation && policy_.allow_automation;
    if (!allowed && !automation) refuse(errc::permission_denied, op_name + " is not allowed here");
    if (!policy_.only_ops.empty() && !policy_.only_ops.count(op_name))
      refuse(errc::permission_denied, op_name + " is not allowed here");
    if (automation && env.has("as"))
      refuse(errc::invalid_argument,
             "`as` is not allowed: automation acts as the business, not as a staff member");
    op_context ctx;
    ctx.business = env.str("business");
    ctx.as = env.str("as");
    ctx.at = env.opt_int("at");
    if (!policy_.forced_staff.empty()) {
      if (env.has("as"))
        refuse(errc::invalid_argument, "`as` is not allowed: the token names the staff member");
      // A staff member's operations happen now: a chosen time would stick (times never go
      // backwards in a conversation) and falsify listings, exports and the consent trail.
      if (env.has("at"))
        refuse(errc::invalid_argument, "`at` is not allowed: staff operations happen now");
      ctx.as = policy_.forced_staff;
    }
    if (!policy_.forced_business.empty()) {
      if (!ctx.business.empty() && ctx.business != policy_.forced_business)
        refuse(errc::not_found, "no such business");
      ctx.business = policy_.forced_business;
    }
    if (ctx.business.empty() && spec.cls != op_class::carrier)
      refuse(errc::invalid_argument, "`business` is required");
    return answer(spec.run(engine_, ctx, args(request)));
  } catch (const bad_request& e) {
    return failure(e.err);
  } catch (const json::exception& e) {
    return failure(make_error(errc::invalid_argument, e.what()));
  }
}

json protocol_session::execute_line(std::string_view line) {
  auto parsed = parse_json_limited(line);
  if (!parsed) return json{{"ok", false}, {"error", error_json(parsed.error())}};
  return execute(parsed.value());
}

}  // namespace msgcenter
