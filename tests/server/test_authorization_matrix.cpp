// The authorization matrix (issue 12): every route x every kind of credential x own and
// foreign objects, with the exact status each must answer, and after every refusal the
// businesses' state unchanged and nothing of their messages in the answer.
//
// The table below has one entry per route of all_routes(): adding a route without an entry
// fails RouteTable_HasAnEntryForEveryRoute. An entry says what the route needs (its rights,
// or the admin key) and how it answers an allowed caller; `expected()` turns that into the
// status for each credential, and per-credential exceptions are written out where a rule
// makes one (e.g. a staff member limited to uptown, on a downtown conversation: 404).
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "msgcenter/server/routes.hpp"
#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

/// Every kind of caller the matrix tries.
enum class cred {
  none,       ///< no Authorization header
  bad,        ///< a token that was never issued
  revoked,    ///< a token issued and revoked
  only_view,  ///< staff with one right each ...
  only_manage,
  only_send,
  only_remove,
  only_export,
  only_admin,      ///< ... `admin` alone: the tenant's administrator, nothing else
  other_business,  ///< gus, every right, in gym
  uptown_only,     ///< leo: view + send, uptown only
  automation,      ///< spa's automation key
  tenant_admin,    ///< ana: every right in spa, admin included
  platform,        ///< the admin key
};
constexpr cred kAll[] = {cred::none,           cred::bad,         cred::revoked,
                         cred::only_view,      cred::only_manage, cred::only_send,
                         cred::only_remove,    cred::only_export, cred::only_admin,
                         cred::other_business, cred::uptown_only, cred::automation,
                         cred::tenant_admin,   cred::platform};

const char* name_of(cred c) {
  switch (c) {
    case cred::none:
      return "none";
    case cred::bad:
      return "bad";
    case cred::revoked:
      return "revoked";
    case cred::only_view:
      return "only_view";
    case cred::only_manage:
      return "only_manage";
    case cred::only_send:
      return "only_send";
    case cred::only_remove:
      return "only_remove";
    case cred::only_export:
      return "only_export";
    case cred::only_admin:
      return "only_admin";
    case cred::other_business:
      return "other_business";
    case cred::uptown_only:
      return "uptown_only";
    case cred::automation:
      return "automation";
    case cred::tenant_admin:
      return "tenant_admin";
    case cred::platform:
      return "platform";
  }
  return "?";
}

/// The single right of an only_* credential.
std::optional<std::string> single_right(cred c) {
  switch (c) {
    case cred::only_view:
      return "view_messages";
    case cred::only_manage:
      return "manage_messages";
    case cred::only_send:
      return "send_sms";
    case cred::only_remove:
      return "remove_feed";
    case cred::only_export:
      return "export";
    case cred::only_admin:
      return "admin";
    default:
      return std::nullopt;
  }
}

/// What the matrix knows of the world it set up.
struct world {
  std::string downtown;  ///< spa's conversation on its downtown number (own object)
  std::string gym_conv;  ///< gym's conversation (a foreign object)
};

enum class needs { none, carrier, staff, admin };

struct entry {
  std::string_view method;
  std::string_view pattern;
  needs who;
  std::set<std::string> rights;  ///< staff routes: every right the caller needs
  unsigned ok = 200;             ///< the answer to an allowed caller
  std::function<std::string(const world&)> target;
  std::string body;
  /// Exceptions: the exact status for these credentials.
  std::map<cred, unsigned> except;
  /// Object routes: the same call on the gym's object, which every spa credential allowed on
  /// its own object must find missing (404).
  std::function<std::string(const world&)> foreign;
  std::string content_type = "application/json";
};

unsigned expected(const entry& e, cred c) {
  if (auto it = e.except.find(c); it != e.except.end()) return it->second;
  switch (e.who) {
    case needs::none:
      return e.ok;
    case needs::carrier:
      return 403;  // none of these is a Twilio signature
    case needs::staff:
      if (c == cred::none || c == cred::bad || c == cred::revoked) return 401;
      if (c == cred::platform || c == cred::automation) return 403;
      if (auto r = single_right(c)) return e.rights == std::set<std::string>{*r} ? e.ok : 403;
      return e.ok;  // tenant_admin, other_business (in its own business), uptown_only
    case needs::admin:
      if (c == cred::none || c == cred::bad || c == cred::revoked) return 401;
      if (c == cred::platform || c == cred::tenant_admin || c == cred::only_admin) return e.ok;
      if (c == cred::other_business) return 404;  // spa's path, gym's administrator
      return 403;
  }
  return 0;
}

std::function<std::string(const world&)> fixed(std::string path) {
  return [path](const world&) { return path; };
}
std::function<std::string(const world&)> on_conv(std::string suffix, bool foreign = false) {
  return [suffix, foreign](const world& w) {
    return "/v1/conversations/" + (foreign ? w.gym_conv : w.downtown) + suffix;
  };
}

const std::string kSecret = "secret-downtown-text";

std::vector<entry> matrix() {
  using n = needs;
  const std::set<std::string> view{"view_messages"};
  // Ids are per business: the other business's staff member reaches his own conversation of
  // that id (200, without a word of spa's: the leak check), never spa's.
  const std::map<cred, unsigned> object_rules{{cred::uptown_only, 404}};
  // Bulk answers per conversation, inside a 200: a missing right fails each item.
  std::map<cred, unsigned> per_item;
  for (cred c : kAll)
    if (single_right(c)) per_item[c] = 200;
  const std::string admin_base = "/v1/admin/businesses/spa";
  std::vector<entry> m = {
      {"GET", "/healthz", n::none, {}, 200, fixed("/healthz")},
      {"GET", "/metrics", n::none, {}, 200, fixed("/metrics")},
      {"GET", "/v1/openapi.json", n::none, {}, 200, fixed("/v1/openapi.json")},
      {"POST",
       "/webhooks/twilio/sms",
       n::carrier,
       {},
       0,
       fixed("/webhooks/twilio/sms"),
       "MessageSid=SMm&From=%2B12025550142&To=%2B12025550100&Body=forged",
       {},
       nullptr,
       "application/x-www-form-urlencoded"},
      {"POST",
       "/webhooks/twilio/status",
       n::carrier,
       {},
       0,
       fixed("/webhooks/twilio/status"),
       "MessageSid=SMm&MessageStatus=failed&From=%2B12025550100",
       {},
       nullptr,
       "application/x-www-form-urlencoded"},
      {"GET", "/v1/conversations", n::staff, view, 200, fixed("/v1/conversations?folder=all")},
      {"POST", "/v1/conversations/bulk", n::staff, view, 200, fixed("/v1/conversations/bulk"), "",
       per_item},
      {"GET", "/v1/conversations/{conversation}", n::staff, view, 200, on_conv(""), "",
       object_rules, on_conv("", true)},
      {"GET", "/v1/conversations/{conversation}/messages", n::staff, view, 200,
       on_conv("/messages?mark_read=false"), "", object_rules,
       on_conv("/messages?mark_read=false", true)},
      {"POST", "/v1/conversations/{conversation}/actions", n::staff, view, 200, on_conv("/actions"),
       R"({"action":"pin"})", object_rules, on_conv("/actions", true)},
      // One conversation's export needs `export` and access to it, which needs view_messages:
      // `export` alone reaches no conversation (404).
      {"GET",
       "/v1/conversations/{conversation}/export.csv",
       n::staff,
       {"export"},
       200,
       on_conv("/export.csv"),
       "",
       {{cred::uptown_only, 403}, {cred::only_export, 404}},
       on_conv("/export.csv", true)},
      // A send by phone from the default (downtown) number: leo may use uptown only.
      {"POST",
       "/v1/messages",
       n::staff,
       {"send_sms"},
       200,
       fixed("/v1/messages"),
       R"({"phone":"+12025550188","body":"hello"})",
       {{cred::uptown_only, 403}}},
      {"GET", "/v1/badge", n::staff, view, 200, fixed("/v1/badge")},
      {"GET", "/v1/counts", n::staff, view, 200, fixed("/v1/counts")},
      // Who one is needs no right at all: every staff member of the business.
      {"GET", "/v1/me", n::staff, view, 200, fixed("/v1/me"), "", per_item},
      {"GET", "/v1/staff", n::staff, view, 200, fixed("/v1/staff")},
      {"GET", "/v1/templates", n::staff, {"send_sms"}, 200, fixed("/v1/templates")},
      {"POST", "/v1/presence", n::staff, view, 200, fixed("/v1/presence"), "", object_rules},
      {"GET", "/v1/alerts", n::staff, view, 200, fixed("/v1/alerts")},
      {"POST", "/v1/alerts/{alert}/ack", n::staff, view, 404, fixed("/v1/alerts/a999999/ack"),
       "{}"},
      // Contacts are not tied to a location: leo gets emma with an empty history.
      {"GET",
       "/v1/contacts/{contact}/history",
       n::staff,
       view,
       200,
       fixed("/v1/contacts/emma/history"),
       "",
       {{cred::other_business, 404}},
       fixed("/v1/contacts/gina/history")},
      {"GET",
       "/v1/export.csv",
       n::staff,
       {"export"},
       200,
       fixed("/v1/export.csv"),
       "",
       {{cred::uptown_only, 403}}},
      {"GET",
       "/v1/consent",
       n::staff,
       view,
       200,
       fixed("/v1/consent?phone=%2B12025550142"),
       "",
       {{cred::uptown_only, 403}, {cred::automation, 200}}},
      {"POST",
       "/v1/consent/requests",
       n::staff,
       {"send_sms"},
       200,
       fixed("/v1/consent/requests"),
       R"({"phone":"+12025550189"})",
       {{cred::uptown_only, 403}, {cred::automation, 200}}},
      {"GET", "/v1/events", n::staff, view, 200, fixed("/v1/events")},
      {"POST", "/v1/ops", n::staff, view, 200, fixed("/v1/ops"), R"({"op":"inbox.badge"})"},
      {"PUT",
       "/v1/admin/businesses/{business}",
       n::admin,
       {},
       200,
       fixed(admin_base),
       R"({"name":"Lotus Spa","settings":{"twilio_account_sid":"ACspa","twilio_auth_token":"tok-spa"}})"},
      {"POST",
       "/v1/admin/businesses/{business}/numbers",
       n::admin,
       {},
       200,
       fixed(admin_base + "/numbers"),
       R"({"number":"+12025550100","location":"downtown"})"},
      {"PUT",
       "/v1/admin/businesses/{business}/staff/{staff}",
       n::admin,
       {},
       200,
       fixed(admin_base + "/staff/zed"),
       R"({"name":"Zed","rights":["view_messages"]})"},
      {"PUT",
       "/v1/admin/businesses/{business}/templates/{template}",
       n::admin,
       {},
       200,
       fixed(admin_base + "/templates/hello"),
       R"({"body":"Hello!"})"},
      {"PUT",
       "/v1/admin/businesses/{business}/contacts/{contact}",
       n::admin,
       {},
       200,
       fixed(admin_base + "/contacts/emma"),
       R"({"first_name":"Emma","phones":["+12025550142"]})",
       {{cred::automation, 200}}},
      {"POST",
       "/v1/admin/businesses/{business}/staff/{staff}/tokens",
       n::admin,
       {},
       200,
       fixed(admin_base + "/staff/zed/tokens")},
      {"GET",
       "/v1/admin/businesses/{business}/staff/{staff}/tokens",
       n::admin,
       {},
       200,
       fixed(admin_base + "/staff/zed/tokens")},
      {"DELETE",
       "/v1/admin/businesses/{business}/staff/{staff}/tokens",
       n::admin,
       {},
       200,
       fixed(admin_base + "/staff/zed/tokens")},
      {"DELETE",
       "/v1/admin/businesses/{business}/staff/{staff}/tokens/{token}",
       n::admin,
       {},
       404,
       fixed(admin_base + "/staff/zed/tokens/abcdef012345")},
      {"POST",
       "/v1/admin/businesses/{business}/keys",
       n::admin,
       {},
       200,
       fixed(admin_base + "/keys"),
       R"({"name":"matrix"})"},
      {"GET",
       "/v1/admin/businesses/{business}/keys",
       n::admin,
       {},
       200,
       fixed(admin_base + "/keys")},
      {"DELETE",
       "/v1/admin/businesses/{business}/keys",
       n::admin,
       {},
       200,
       fixed(admin_base + "/keys")},
      {"DELETE",
       "/v1/admin/businesses/{business}/keys/{key}",
       n::admin,
       {},
       404,
       fixed(admin_base + "/keys/abcdef012345")},
      {"POST",
       "/v1/admin/ops",
       n::admin,
       {},
       200,
       fixed("/v1/admin/ops"),
       R"({"op":"template.put","business":"spa","template":"bye","body":"Bye!"})"},
  };
  return m;
}

class AuthorizationMatrix : public ServerTest {
 protected:
  void configure(server_options& o) override {
    o.limits.rate_per_second = 1e6;
    o.limits.rate_burst = 1e6;
    o.limits.auth_failure_burst = 1e6;  // the matrix fails to sign in hundreds of times
  }

  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_EQ(inbound(kSecret, "SM1").status, 200u);
    ASSERT_EQ(inbound("gym secret text", "SM2", kClient, kGymNumber, kGymToken).status, 200u);
    ASSERT_EQ(admin("PUT", "/v1/admin/businesses/spa/contacts/emma",
                    {{"first_name", "Emma"}, {"phones", {kClient}}})
                  .status,
              200u);
    ASSERT_EQ(admin("PUT", "/v1/admin/businesses/gym/contacts/gina",
                    {{"first_name", "Gina"}, {"phones", {kClient}}})
                  .status,
              200u);
    w.downtown = call("GET", "/v1/conversations", "", ana).j()["rows"][0]["conversation"];
    // Conversation ids are per business: the gym's second conversation has an id spa does not
    // have, so a spa credential can only reach it by reaching into the gym.
    ASSERT_EQ(inbound("gym secret two", "SM3", "+12025550143", kGymNumber, kGymToken).status, 200u);
    const json gym_rows = call("GET", "/v1/conversations", "", gus).j()["rows"];
    for (const auto& row : gym_rows)
      if (row["conversation"] != w.downtown) w.gym_conv = row["conversation"];
    ASSERT_FALSE(w.gym_conv.empty()) << "the foreign object must have an id spa does not use";
    for (cred c : kAll)
      if (auto r = single_right(c)) tokens_[c] = put_staff("spa", "only-" + *r, json::array({*r}));
    tokens_[cred::bad] = "mcs_never-issued-0123456789";
    tokens_[cred::revoked] = put_staff("spa", "gone", json::array({"view_messages"}));
    ASSERT_EQ(admin("DELETE", "/v1/admin/businesses/spa/staff/gone/tokens").status, 200u);
    tokens_[cred::other_business] = gus;
    tokens_[cred::uptown_only] = leo;
    tokens_[cred::tenant_admin] = ana;
    tokens_[cred::platform] = kAdminKey;
  }

  /// The credential's token (the automation key is re-issued when a route revoked it).
  std::string token(cred c) {
    if (c == cred::none) return {};
    if (c == cred::automation) {
      if (automation_.empty() || !tokens.find(automation_)) {
        automation_ = admin("POST", "/v1/admin/businesses/spa/keys", {{"name", "matrix"}})
                          .j()
                          .value("key", "");
      }
      return automation_;
    }
    return tokens_.at(c);
  }

  /// What a refused call must not change: both businesses' messages, states, settings and
  /// credentials.
  std::string fingerprint() {
    std::string out;
    out += call("GET", "/v1/export.csv", "", ana).body;
    out += call("GET", "/v1/export.csv", "", gus).body;
    out += call("GET", "/v1/conversations?folder=all", "", ana).body;
    out += call("GET", "/v1/badge", "", ana).body;
    // Pinned rows are listed only in the inbox: read the seeded conversations themselves too.
    out += call("GET", "/v1/conversations/" + w.downtown, "", ana).body;
    out += call("GET", "/v1/conversations/" + w.downtown, "", gus).body;
    out += call("GET", "/v1/conversations/" + w.gym_conv, "", gus).body;
    out += call("GET", "/v1/conversations?folder=all", "", gus).body;
    for (auto number : {kSpaNumber, kSpaUptown, kGymNumber}) {
      auto a = mc->carrier_account_for(number);
      out += a ? a->business + a->account_sid + a->auth_token : "none";
    }
    out += std::to_string(tokens.size());
    for (auto& k : tokens.list_keys("spa")) out += k.token_id;
    return out;
  }

  /// One call, reading only the status line for an event stream (which never ends).
  http_reply send(const entry& e, const std::string& target, cred c) {
    std::map<std::string, std::string> headers;
    auto t = token(c);
    if (!t.empty()) headers["Authorization"] = "Bearer " + t;
    if (e.pattern == "/v1/events") {
      sse_client s(port, t);
      http_reply r;
      s.read_until([](const std::string& x) { return x.find("\r\n\r\n") != std::string::npos; },
                   std::chrono::seconds(5));
      if (s.text().size() >= 12) r.status = std::stoul(s.text().substr(9, 3));
      r.body = s.text();
      return r;
    }
    std::string body = e.body;
    if (e.pattern == "/v1/conversations/bulk")
      body = json{{"conversations", {w.downtown}}, {"action", "pin"}}.dump();
    if (e.pattern == "/v1/presence")
      body = json{{"conversation", w.downtown}, {"state", "viewing"}}.dump();
    if (!body.empty() || e.method != "GET") headers["Content-Type"] = e.content_type;
    return http_call(port, std::string(e.method), target, body, headers);
  }

  world w;
  std::map<cred, std::string> tokens_;
  std::string automation_;
};

TEST(AuthorizationMatrixTable, RouteTable_HasAnEntryForEveryRoute) {
  std::set<std::pair<std::string, std::string>> table;
  for (auto& e : matrix()) table.emplace(std::string(e.method), std::string(e.pattern));
  std::set<std::pair<std::string, std::string>> routes;
  for (auto& r : all_routes()) routes.emplace(std::string(r.method), std::string(r.pattern));
  for (auto& r : routes)
    EXPECT_TRUE(table.count(r)) << "no matrix entry for " << r.first << " " << r.second
                                << ": add one to tests/server/test_authorization_matrix.cpp";
  for (auto& e : table)
    EXPECT_TRUE(routes.count(e)) << "no such route " << e.first << " " << e.second;
}

TEST_F(AuthorizationMatrix, EveryRoute_EveryCredential_OwnAndForeignObjects) {
  for (const auto& e : matrix()) {
    const std::string target = e.target(w);
    // Refusals first: each answers its exact status, changes nothing and leaks nothing.
    (void)token(cred::automation);  // re-issued now if the last route revoked it
    const std::string before = fingerprint();
    for (cred c : kAll) {
      const unsigned want = expected(e, c);
      if (want < 400) continue;
      auto r = send(e, target, c);
      EXPECT_EQ(r.status, want) << e.method << " " << target << " as " << name_of(c) << ": "
                                << r.body;
      EXPECT_EQ(r.body.find(kSecret), std::string::npos)
          << e.method << " " << target << " as " << name_of(c) << " leaked a message";
    }
    EXPECT_EQ(fingerprint(), before)
        << "a refused " << e.method << " " << target << " changed something";
    // Then the allowed callers.
    for (cred c : kAll) {
      const unsigned want = expected(e, c);
      if (want >= 400) continue;
      auto r = send(e, target, c);
      EXPECT_EQ(r.status, want) << e.method << " " << target << " as " << name_of(c) << ": "
                                << r.body;
      if (c == cred::uptown_only || c == cred::other_business)
        EXPECT_EQ(r.body.find(kSecret), std::string::npos)
            << e.method << " " << target << " as " << name_of(c) << " leaked a downtown message";
    }
    // Foreign objects: every spa credential allowed on its own object finds the gym's missing.
    if (e.foreign) {
      const std::string foreign = e.foreign(w);
      for (cred c : kAll) {
        if (c == cred::other_business || expected(e, c) >= 400) continue;
        auto r = send(e, foreign, c);
        EXPECT_EQ(r.status, 404u) << e.method << " " << foreign << " as " << name_of(c) << ": "
                                  << r.body;
        EXPECT_EQ(r.body.find("gym secret"), std::string::npos);
      }
    }
  }
}

}  // namespace
}  // namespace msgcenter::server::testing
