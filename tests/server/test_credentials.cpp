// Who is asking, over HTTP (issue 12: automation keys, H3, M1, M4, M5, M6, M10, L6): what a
// business's automation key may do, a tenant's own administrator, revocation closing open
// event streams, stream caps, failed sign-ins limited per source address, unsigned webhooks
// refused before the engine, /healthz following the journal and a guarded /metrics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

class ServerCredentials : public ServerTest {
 protected:
  /// A new automation key of `business`, issued with the admin key.
  std::string issue_key(const std::string& business = "spa", const std::string& name = "crm") {
    auto r = admin("POST", "/v1/admin/businesses/" + business + "/keys", {{"name", name}});
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.j().value("key", "");
  }
  http_reply send_as(const std::string& credential, const json& body) {
    return call("POST", "/v1/messages", body.dump(), credential);
  }
};

// ---- automation keys ----------------------------------------------------------------------

TEST_F(ServerCredentials, AutomationKey_SendsCampaignsAndNotifications_ButNoManualText) {
  auto key = issue_key();
  ASSERT_EQ(key.rfind("mck_", 0), 0u) << key;
  auto campaign =
      send_as(key, {{"phone", "+12025550171"}, {"body", "Spring sale"}, {"kind", "campaign"}});
  ASSERT_EQ(campaign.status, 200u) << campaign.body;
  EXPECT_EQ(campaign.j()["message"]["kind"], "campaign");
  EXPECT_TRUE(campaign.j()["message"]["author"].is_null()) << "automation has no author";
  auto notification = send_as(
      key, {{"phone", "+12025550171"}, {"body", "See you at 3pm"}, {"kind", "notification"}});
  EXPECT_EQ(notification.status, 200u) << notification.body;
  auto manual = send_as(key, {{"phone", "+12025550171"}, {"body", "hi"}});
  EXPECT_EQ(manual.status, 403u) << manual.body;
  EXPECT_EQ(manual.code(), "permission_denied");
  auto over_ops = call(
      "POST", "/v1/ops",
      json{{"op", "send"}, {"phone", "+12025550171"}, {"body", "Last call"}, {"kind", "campaign"}}
          .dump(),
      key);
  EXPECT_EQ(over_ops.status, 200u) << over_ops.body;
  // Staff see what automation sent: three outbound texts in one conversation.
  auto rows = call("GET", "/v1/conversations?folder=all", "", ana).j()["rows"];
  ASSERT_EQ(rows.size(), 1u);
  auto conv = rows[0]["conversation"].get<std::string>();
  auto msgs = call("GET", "/v1/conversations/" + conv + "/messages?mark_read=false", "", ana);
  EXPECT_EQ(msgs.j()["messages"].size(), 3u) << msgs.body;
}

TEST_F(ServerCredentials, AutomationKey_RequestsAndReadsConsent_AndUpsertsContacts) {
  auto key = issue_key("spa", "opt-in form");
  auto requested =
      call("POST", "/v1/consent/requests", json{{"phone", "+12025550172"}}.dump(), key);
  ASSERT_EQ(requested.status, 200u) << requested.body;
  EXPECT_EQ(requested.j()["state"], "pending");
  auto read = call("GET", "/v1/consent?phone=%2B12025550172", "", key);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.j()["state"], "pending");
  auto contact = call(
      "PUT", "/v1/admin/businesses/spa/contacts/emma",
      json{{"first_name", "Emma"}, {"last_name", "Stone"}, {"phones", {"+12025550172"}}}.dump(),
      key);
  EXPECT_EQ(contact.status, 200u) << contact.body;
}

TEST_F(ServerCredentials, AutomationKey_ReadsNothing_AndManagesNothingElse) {
  ASSERT_EQ(inbound("private", "SM1").status, 200u);
  auto key = issue_key();
  for (auto target : {"/v1/conversations", "/v1/badge", "/v1/alerts", "/v1/export.csv"}) {
    auto r = call("GET", target, "", key);
    EXPECT_EQ(r.status, 403u) << target << " " << r.body;
    EXPECT_EQ(r.code(), "permission_denied");
    EXPECT_EQ(r.body.find("private"), std::string::npos);
  }
  sse_client stream(port, key);
  EXPECT_TRUE(stream.read_until([](const std::string& t) {
    return t.find("403") != std::string::npos;
  })) << "no event stream for a key: "
      << stream.text();
  for (auto op : {"inbox.list", "conversation.get", "export.csv", "business.put", "staff.put",
                  "template.put", "number.put"}) {
    auto r = call("POST", "/v1/ops", json{{"op", op}}.dump(), key);
    EXPECT_EQ(r.status, 403u) << op << " " << r.body;
  }
  EXPECT_EQ(call("PUT", "/v1/admin/businesses/spa/staff/mallory",
                 json{{"name", "M"}, {"rights", {"admin"}}}.dump(), key)
                .status,
            403u);
  EXPECT_EQ(call("POST", "/v1/admin/businesses/spa/keys", "{}", key).status, 403u);
  EXPECT_EQ(call("POST", "/v1/admin/ops", json{{"op", "business.put"}}.dump(), key).status, 403u);
}

TEST_F(ServerCredentials, AutomationKey_OfOneBusiness_ReachesNoOther) {
  auto key = issue_key("spa");
  auto foreign = call("PUT", "/v1/admin/businesses/gym/contacts/c1",
                      json{{"first_name", "X"}, {"phones", {"+12025550173"}}}.dump(), key);
  EXPECT_EQ(foreign.status, 404u) << foreign.body;
  auto ops = call("POST", "/v1/ops",
                  json{{"op", "send"},
                       {"business", "gym"},
                       {"phone", "+12025550173"},
                       {"body", "x"},
                       {"kind", "campaign"}}
                      .dump(),
                  key);
  EXPECT_EQ(ops.status, 404u) << ops.body;
  EXPECT_TRUE(call("GET", "/v1/conversations?folder=all", "", gus).j()["rows"].empty());
}

TEST_F(ServerCredentials, Keys_AreListedWithoutTheirSecret_AndARevokedKeyIsRefusedAtOnce) {
  auto crm = issue_key("spa", "crm");
  auto form = issue_key("spa", "opt-in form");
  auto list = admin("GET", "/v1/admin/businesses/spa/keys");
  ASSERT_EQ(list.status, 200u) << list.body;
  ASSERT_EQ(list.j()["keys"].size(), 2u);
  EXPECT_EQ(list.j()["keys"][0]["name"], "crm");
  EXPECT_EQ(list.j()["keys"][1]["name"], "opt-in form");
  EXPECT_EQ(list.body.find("mck_"), std::string::npos) << "the secret is shown only once";
  EXPECT_TRUE(admin("GET", "/v1/admin/businesses/gym/keys").j()["keys"].empty());
  const std::string crm_id = list.j()["keys"][0]["key_id"];
  auto revoked = admin("DELETE", "/v1/admin/businesses/spa/keys/" + crm_id);
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_EQ(revoked.j()["revoked"], 1);
  auto refused = send_as(crm, {{"phone", "+12025550174"}, {"body", "x"}, {"kind", "campaign"}});
  EXPECT_EQ(refused.status, 401u) << refused.body;
  EXPECT_EQ(send_as(form, {{"phone", "+12025550174"}, {"body", "x"}, {"kind", "campaign"}}).status,
            200u)
      << "the other key still works";
  EXPECT_EQ(admin("DELETE", "/v1/admin/businesses/spa/keys/" + crm_id).status, 404u);
  EXPECT_EQ(admin("POST", "/v1/admin/businesses/spa/keys", {{"name", std::string(65, 'x')}}).status,
            400u);
  EXPECT_EQ(admin("POST", "/v1/admin/businesses/spa/keys", {{"label", "x"}}).status, 400u);
}

// ---- a tenant's own administrator (M10) ---------------------------------------------------

TEST_F(ServerCredentials, TenantAdmin_ManagesTheirOwnBusiness) {
  // ana holds `admin` in spa.
  auto tpl = call("PUT", "/v1/admin/businesses/spa/templates/welcome",
                  json{{"body", "Welcome to Lotus!"}}.dump(), ana);
  EXPECT_EQ(tpl.status, 200u) << tpl.body;
  auto staff = call("PUT", "/v1/admin/businesses/spa/staff/nia",
                    json{{"name", "Nia"}, {"rights", {"view_messages"}}}.dump(), ana);
  ASSERT_EQ(staff.status, 200u) << staff.body;
  auto nia = staff.j().value("token", "");
  EXPECT_EQ(call("GET", "/v1/badge", "", nia).status, 200u) << "the new staff member's token";
  auto settings =
      call("PUT", "/v1/admin/businesses/spa",
           json{{"name", "Lotus Day Spa"}, {"settings", {{"visibility", "all"}}}}.dump(), ana);
  EXPECT_EQ(settings.status, 200u) << settings.body;
  auto key = call("POST", "/v1/admin/businesses/spa/keys", json{{"name", "crm"}}.dump(), ana);
  EXPECT_EQ(key.status, 200u) << key.body;
  EXPECT_EQ(call("GET", "/v1/admin/businesses/spa/staff/nia/tokens", "", ana).status, 200u);
  auto ops = call("POST", "/v1/admin/ops",
                  json{{"op", "template.put"}, {"template", "bye"}, {"body", "Bye!"}}.dump(), ana);
  EXPECT_EQ(ops.status, 200u) << ops.body;
  // Revoking Nia's tokens takes effect at once.
  EXPECT_EQ(call("DELETE", "/v1/admin/businesses/spa/staff/nia/tokens", "", ana).status, 200u);
  EXPECT_EQ(call("GET", "/v1/badge", "", nia).status, 401u);
}

TEST_F(ServerCredentials, TenantAdmin_ReachesNoOtherBusiness_AndNoCarrierOperation) {
  auto foreign =
      call("PUT", "/v1/admin/businesses/gym/templates/x", json{{"body", "pwned"}}.dump(), ana);
  EXPECT_EQ(foreign.status, 404u) << foreign.body;
  auto foreign_put = call("PUT", "/v1/admin/businesses/gym",
                          json{{"settings", {{"twilio_auth_token", "stolen"}}}}.dump(), ana);
  EXPECT_EQ(foreign_put.status, 404u) << foreign_put.body;
  auto foreign_ops = call("POST", "/v1/admin/ops",
                          json{{"op", "business.put"},
                               {"business", "gym"},
                               {"settings", {{"twilio_auth_token", "stolen"}}}}
                              .dump(),
                          ana);
  EXPECT_EQ(foreign_ops.status, 404u) << foreign_ops.body;
  EXPECT_EQ(call("POST", "/v1/admin/businesses/gym/staff/gus/tokens", "", ana).status, 404u);
  EXPECT_EQ(call("POST", "/v1/admin/businesses/new-biz/keys", "{}", ana).status, 404u);
  // The gym's token still signs its webhooks: nothing of it changed.
  EXPECT_EQ(inbound("still mine", "SM1", kClient, kGymNumber, kGymToken).status, 200u);
  // Carrier operations stay the platform's: a tenant admin cannot forge an inbound text.
  auto forged = call("POST", "/v1/admin/ops",
                     json{{"op", "inbound"},
                          {"from", kClient},
                          {"to", kSpaNumber},
                          {"body", "forged"},
                          {"provider_id", "SMX"}}
                         .dump(),
                     ana);
  EXPECT_EQ(forged.status, 403u) << forged.body;
  auto as_other = call(
      "POST", "/v1/admin/ops",
      json{{"op", "template.put"}, {"as", "ben"}, {"template", "t"}, {"body", "x"}}.dump(), ana);
  EXPECT_EQ(as_other.status, 400u) << "`as` comes from the token: " << as_other.body;
}

TEST_F(ServerCredentials, StaffWithoutTheAdminRight_ManagesNothing) {
  // ben has view_messages and send_sms only.
  auto tpl = call("PUT", "/v1/admin/businesses/spa/templates/x", json{{"body", "x"}}.dump(), ben);
  EXPECT_EQ(tpl.status, 403u) << tpl.body;
  EXPECT_EQ(tpl.code(), "permission_denied");
  auto promote = call("PUT", "/v1/admin/businesses/spa/staff/ben",
                      json{{"name", "Ben"}, {"rights", {"admin"}}}.dump(), ben);
  EXPECT_EQ(promote.status, 403u) << promote.body;
  EXPECT_EQ(call("POST", "/v1/admin/businesses/spa/staff/ana/tokens", "", ben).status, 403u);
  EXPECT_EQ(call("GET", "/v1/admin/businesses/spa/keys", "", ben).status, 403u);
  EXPECT_EQ(call("POST", "/v1/admin/ops",
                 json{{"op", "template.put"}, {"template", "x"}, {"body", "x"}}.dump(), ben)
                .status,
            403u);
  // Still nothing but view_messages and send_sms: a template send by name finds nothing.
  auto send = call("POST", "/v1/messages", json{{"phone", kClient}, {"template", "x"}}.dump(), ben);
  EXPECT_EQ(send.status, 404u) << send.body;
}

// ---- revocation closes streams (H3) and stream caps (M6) ---------------------------------

TEST_F(ServerCredentials, RevokedToken_ClosesItsOpenEventStream_WithinASecond) {
  sse_client stream(port, ben);
  ASSERT_TRUE(stream.subscribed()) << stream.text();
  sse_client colleague(port, ana);
  ASSERT_TRUE(colleague.subscribed());
  ASSERT_EQ(admin("DELETE", "/v1/admin/businesses/spa/staff/ben/tokens").status, 200u);
  const auto revoked_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(stream.closed_by_server(std::chrono::milliseconds(1000)))
      << "the revoked token's stream is closed";
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::milliseconds(1000));
  ASSERT_EQ(inbound("secret", "SM77").status, 200u);
  EXPECT_EQ(stream.text().find("secret"), std::string::npos);
  auto seen = colleague.wait_events(1);
  ASSERT_FALSE(seen.empty()) << "another staff member's stream stays open";
  EXPECT_EQ(call("GET", "/v1/badge", "", ben).status, 401u);
}

TEST_F(ServerCredentials, StaffWhoLoseViewMessages_HaveTheirStreamClosed_WithTheReason) {
  sse_client stream(port, ben);
  ASSERT_TRUE(stream.subscribed()) << stream.text();
  (void)put_staff("spa", "ben", json::array({"send_sms"}));
  EXPECT_TRUE(stream.closed_by_server(std::chrono::milliseconds(1000)))
      << "the stream ends once ben may no longer read messages";
  EXPECT_NE(stream.text().find("event: closed"), std::string::npos) << stream.text();
  EXPECT_NE(stream.text().find("rights_changed"), std::string::npos) << stream.text();
  sse_client again(port, ben);
  EXPECT_FALSE(again.subscribed(std::chrono::milliseconds(2000)));
  EXPECT_NE(again.text().find(" 403 "), std::string::npos)
      << "subscribing again is refused: " << again.text();
}

class ServerStreamCaps : public ServerTest {
  void configure(server_options& o) override {
    o.limits.max_streams_per_token = 2;
    o.limits.max_streams_per_staff = 3;
  }
};

TEST_F(ServerStreamCaps, EventStreams_AreCappedPerTokenAndPerStaffMember) {
  auto first = std::make_unique<sse_client>(port, ben);
  ASSERT_TRUE(first->subscribed());
  sse_client second(port, ben);
  ASSERT_TRUE(second.subscribed());
  auto third = call("GET", "/v1/events", "", ben);
  EXPECT_EQ(third.status, 429u) << third.body;
  EXPECT_EQ(third.code(), "overloaded");
  // Another token of the same staff member: one more stream for ben in all, then no more.
  auto other = admin("POST", "/v1/admin/businesses/spa/staff/ben/tokens").j().value("token", "");
  sse_client fourth(port, other);
  ASSERT_TRUE(fourth.subscribed());
  EXPECT_EQ(call("GET", "/v1/events", "", other).status, 429u) << "3 streams for ben in all";
  sse_client ana_stream(port, ana);
  EXPECT_TRUE(ana_stream.subscribed()) << "another staff member is not affected";
  // A closed stream gives its slot back.
  first->close();
  first.reset();
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {
    sse_client again(port, ben);
    reopened = again.subscribed(std::chrono::milliseconds(200));
    if (!reopened) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(reopened);
}

// ---- failed sign-ins and unsigned webhooks (M4, M5) --------------------------------------

class ServerAuthFailures : public ServerTest {
  void configure(server_options& o) override {
    o.limits.auth_failures_per_second = 0.2;  // one more every 5 s: none during the test
    o.limits.auth_failure_burst = 5;
  }
};

TEST_F(ServerAuthFailures, FailedSignIns_AreLimitedPerSourceAddress) {
  const std::string guesser = "127.0.0.2";
  auto as = [&](const std::string& token, const std::string& source,
                const std::string& target = "/v1/badge") {
    return http_call(port, "GET", target, "", {{"Authorization", "Bearer " + token}}, source);
  };
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(as("mcs_guess" + std::to_string(i), guesser).status, 401u) << i;
  auto limited = as("mcs_guess5", guesser);
  EXPECT_EQ(limited.status, 429u) << limited.body;
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  EXPECT_EQ(as(ana, guesser).status, 429u) << "a right guess after the limit learns nothing";
  EXPECT_EQ(http_call(port, "POST", "/v1/admin/ops", R"({"op":"business.put"})",
                      {{"Authorization", std::string("Bearer ") + kAdminKey}}, guesser)
                .status,
            429u);
  EXPECT_EQ(as(ana, "127.0.0.3").status, 200u) << "other sources are not affected";
  EXPECT_EQ(as(ana, "127.0.0.1").status, 200u);
}

TEST_F(ServerAuthFailures, UnsignedWebhooks_AreLimitedPerSource_AndSignedOnesGoThrough) {
  const std::string flooder = "127.0.0.4";
  form_fields f = {
      {"MessageSid", "SMflood"}, {"From", kClient}, {"To", kSpaNumber}, {"Body", "spam"}};
  auto unsigned_post = [&] {
    return http_call(port, "POST", "/webhooks/twilio/sms", encode_form(f),
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl"}},
                     flooder);
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(unsigned_post().status, 403u) << i;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(unsigned_post().status, 429u) << i;
  EXPECT_EQ(metrics.signature_failures.load(), 5u) << "refused before any engine work";
  EXPECT_EQ(inbound("real text", "SMreal").status, 200u) << "Twilio's own webhooks go through";
  auto rows = call("GET", "/v1/conversations", "", ana).j()["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["preview"], "real text") << "nothing of the flood was stored";
}

// ---- /healthz follows the journal (M1) -----------------------------------------------------

class ServerFailingJournal : public ServerTest {
 protected:
  void configure_engine(options& o) override {
    use_data_dir(o);
    o.commit_hook = [this] { return fail.load() ? EIO : 0; };
  }
  std::atomic<bool> fail{false};
};

TEST_F(ServerFailingJournal, Healthz_Is503_OnceTheJournalHasStopped) {
  auto healthy = call("GET", "/healthz");
  EXPECT_EQ(healthy.status, 200u) << healthy.body;
  EXPECT_EQ(healthy.j()["status"], "serving");
  ASSERT_EQ(inbound("before", "SM1").status, 200u);
  fail = true;
  auto refused = inbound("during", "SM2");
  EXPECT_EQ(refused.status, 503u) << refused.body;
  auto failing = call("GET", "/healthz");
  EXPECT_EQ(failing.status, 503u) << failing.body;
  EXPECT_EQ(failing.j()["status"], "failing");
  EXPECT_EQ(failing.code(), "unavailable");
}

// ---- /metrics behind a key (L6) -----------------------------------------------------------

class ServerMetricsKey : public ServerTest {
  void configure(server_options& o) override {
    o.metrics_key = "metrics-key-0123456789abcdef0123456789";
  }
};

TEST_F(ServerMetricsKey, Metrics_NeedTheMetricsKeyOrTheAdminKey) {
  EXPECT_EQ(call("GET", "/metrics").status, 401u);
  EXPECT_EQ(call("GET", "/metrics", "", ana).status, 401u) << "a staff token is not enough";
  auto scraped = call("GET", "/metrics", "", opts.metrics_key);
  EXPECT_EQ(scraped.status, 200u);
  EXPECT_NE(scraped.body.find("msgcenter_"), std::string::npos);
  EXPECT_EQ(call("GET", "/metrics", "", kAdminKey).status, 200u);
  EXPECT_EQ(call("GET", "/healthz").status, 200u) << "health stays public";
}

}  // namespace
}  // namespace msgcenter::server::testing
