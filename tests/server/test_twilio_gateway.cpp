// The Twilio outbound gateway against a fake carrier on 127.0.0.1: the request it sends,
// the sid it reads back, error mapping, timeouts, and the whole loop through the server
// (send -> carrier -> provider_id -> signed status callback -> status).
#include <gtest/gtest.h>

#include <future>

#include "fake_carrier.hpp"
#include "msgcenter/server/twilio_gateway.hpp"
#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

outbound_sms sample_sms() {
  outbound_sms s;
  s.business = "spa";
  s.from = "+12025550100";
  s.to = "+12025550142";
  s.body = "See you at 3 & bring a towel";
  s.media = {{"https://cdn.example/a.jpg", "image/jpeg", 1000},
             {"https://cdn.example/b.pdf", "application/pdf", 10}};
  return s;
}

twilio_gateway::account_lookup fixed_account(std::string sid = "ACspa",
                                             std::string token = "tok-spa") {
  return [=](const outbound_sms&) -> result<carrier_account> {
    return carrier_account{"spa", sid, token};
  };
}

result<std::string> submit_and_wait(twilio_gateway& gw, outbound_sms sms = sample_sms()) {
  auto promise = std::make_shared<std::promise<result<std::string>>>();
  auto fut = promise->get_future();
  gw.submit(std::move(sms), [promise](result<std::string> r) { promise->set_value(std::move(r)); });
  if (fut.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    return make_error(errc::unavailable, "test: no answer within 10 s");
  return fut.get();
}

TEST(ServerTwilioGateway, PostsTheMessagesApiForm_AndReturnsTheSid) {
  fake_carrier carrier;
  twilio_gateway gw({carrier.url() + "/base/", "https://sms.example.com/webhooks/twilio/status"});
  gw.set_account_lookup(fixed_account());
  auto r = submit_and_wait(gw);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), "SMfake1");
  auto reqs = carrier.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/base/2010-04-01/Accounts/ACspa/Messages.json");
  EXPECT_EQ(reqs[0].authorization, "Basic QUNzcGE6dG9rLXNwYQ==");  // base64("ACspa:tok-spa")
  EXPECT_EQ(reqs[0].content_type, "application/x-www-form-urlencoded");
  form_fields want = {{"To", "+12025550142"},
                      {"From", "+12025550100"},
                      {"Body", "See you at 3 & bring a towel"},
                      {"MediaUrl", "https://cdn.example/a.jpg"},
                      {"MediaUrl", "https://cdn.example/b.pdf"},
                      {"StatusCallback", "https://sms.example.com/webhooks/twilio/status"}};
  EXPECT_EQ(reqs[0].form, want);
  EXPECT_EQ(gw.stats().accepted, 1u);
}

TEST(ServerTwilioGateway, ManyAtOnce_EachGetsItsOwnSid) {
  fake_carrier carrier;
  twilio_gateway_options o;
  o.api_url = carrier.url();
  o.max_in_flight = 4;
  twilio_gateway gw(o);
  gw.set_account_lookup(fixed_account());
  std::vector<std::future<result<std::string>>> futs;
  for (int i = 0; i < 40; ++i)
    futs.push_back(std::async(std::launch::async, [&] { return submit_and_wait(gw); }));
  std::set<std::string> sids;
  for (auto& f : futs) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.error().message;
    sids.insert(r.value());
  }
  EXPECT_EQ(sids.size(), 40u);
}

TEST(ServerTwilioGateway, TwilioErrors_MapToEngineCodes) {
  fake_carrier carrier;
  twilio_gateway gw({carrier.url(), ""});
  gw.set_account_lookup(fixed_account());
  struct expectation {
    unsigned status;
    const char* body;
    errc code;
  };
  const std::vector<expectation> cases = {
      {400, R"({"code":21211,"message":"Invalid 'To' Phone Number","status":400})",
       errc::invalid_phone},
      {400, R"({"code":21614,"message":"'To' number is not a valid mobile number"})",
       errc::not_mobile},
      {400, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient"})",
       errc::opted_out},
      {400, R"({"code":21602,"message":"Message body is required"})", errc::invalid_argument},
      {401, R"({"code":20003,"message":"Authenticate"})", errc::permission_denied},
      {429, R"({"code":20429,"message":"Too Many Requests"})", errc::overloaded},
      {503, "<html>down</html>", errc::unavailable},
      {201, R"({"status":"queued"})", errc::unavailable},  // no sid
  };
  for (const auto& c : cases) {
    carrier.respond_with(c.status, c.body);
    auto r = submit_and_wait(gw);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body << " -> " << r.error().message;
  }
  EXPECT_EQ(gw.stats().failed, cases.size());
}

TEST(ServerTwilioGateway, NoCredentials_Unreachable_Slow_AllFailUnavailable) {
  {
    twilio_gateway gw({"http://127.0.0.1:1", ""});
    auto r = submit_and_wait(gw);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, errc::unavailable) << "no account lookup";
    gw.set_account_lookup([](const outbound_sms&) -> result<carrier_account> {
      return make_error(errc::not_found, "no business owns the number");
    });
    EXPECT_EQ(submit_and_wait(gw).error().code, errc::unavailable);
    gw.set_account_lookup(fixed_account("", ""));
    EXPECT_EQ(submit_and_wait(gw).error().code, errc::unavailable) << "empty credentials";
    gw.set_account_lookup(fixed_account());
    auto refused = submit_and_wait(gw);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, errc::unavailable) << "connection refused";
  }
  {
    fake_carrier carrier;
    carrier.respond_with(201, R"({"sid":"{sid}"})", std::chrono::milliseconds(1500));
    twilio_gateway_options o;
    o.api_url = carrier.url();
    o.timeout = std::chrono::milliseconds(200);
    twilio_gateway gw(o);
    gw.set_account_lookup(fixed_account());
    const auto t0 = std::chrono::steady_clock::now();
    auto r = submit_and_wait(gw);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, errc::unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1400))
        << "the timeout applies";
  }
  {
    fake_carrier plain;
    twilio_gateway gw({"https://127.0.0.1:" + std::to_string(plain.port()), ""});
    gw.set_account_lookup(fixed_account());
    auto r = submit_and_wait(gw);
    ASSERT_FALSE(r.ok()) << "TLS to a plain HTTP server fails the handshake";
    EXPECT_EQ(r.error().code, errc::unavailable);
  }
  {
    twilio_gateway gw({"ftp://nowhere", ""});
    gw.set_account_lookup(fixed_account());
    EXPECT_EQ(submit_and_wait(gw).error().code, errc::unavailable) << "bad URL";
  }
}

TEST(ServerTwilioGateway, Stop_AnswersQueuedMessagesUnavailable) {
  fake_carrier carrier;
  carrier.respond_with(201, R"({"sid":"{sid}"})", std::chrono::milliseconds(300));
  twilio_gateway_options o;
  o.api_url = carrier.url();
  o.max_in_flight = 1;
  auto gw = std::make_unique<twilio_gateway>(o);
  gw->set_account_lookup(fixed_account());
  std::vector<std::future<result<std::string>>> futs;
  std::vector<std::shared_ptr<std::promise<result<std::string>>>> promises;
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_shared<std::promise<result<std::string>>>();
    futs.push_back(p->get_future());
    gw->submit(sample_sms(), [p](result<std::string> r) { p->set_value(std::move(r)); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  gw->stop(std::chrono::milliseconds(2000));
  int ok = 0, unavailable = 0;
  for (auto& f : futs) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready)
        << "every message is answered";
    auto r = f.get();
    if (r.ok())
      ++ok;
    else if (r.error().code == errc::unavailable)
      ++unavailable;
  }
  EXPECT_EQ(ok, 1) << "the exchange running finishes";
  EXPECT_EQ(unavailable, 4);
  auto late = submit_and_wait(*gw);
  EXPECT_EQ(late.error().code, errc::unavailable);
}

// The whole loop through a real server, with Twilio reaching it at a public URL.
class ServerGatewayLoop : public ServerTest {
 protected:
  std::shared_ptr<gateway> make_gateway() override {
    twilio_gateway_options o;
    o.api_url = carrier.url();
    o.status_callback_url = "https://sms.example.com/webhooks/twilio/status";
    twilio = std::make_shared<twilio_gateway>(o);
    return twilio;
  }
  void configure(server_options& o) override { o.public_url = "https://sms.example.com"; }
  void SetUp() override {
    ServerTest::SetUp();
    auto* engine = mc.get();
    twilio->set_account_lookup(
        [engine](const outbound_sms& sms) { return engine->carrier_account_for(sms.from); });
  }
  void TearDown() override {
    ServerTest::TearDown();
    twilio->stop();
  }

  fake_carrier carrier;
  std::shared_ptr<twilio_gateway> twilio;
};

TEST_F(ServerGatewayLoop, Send_ReachesTwilio_SidBecomesProviderId_StatusCallbackApplies) {
  auto sent = call("POST", "/v1/messages",
                   json{{"phone", kClient},
                        {"body", "Your massage is confirmed"},
                        {"media",
                         {{{"url", "https://cdn.example/map.png"},
                           {"content_type", "image/png"},
                           {"size", 2048}}}}}
                       .dump(),
                   ana);
  ASSERT_EQ(sent.status, 200u) << sent.body;
  EXPECT_EQ(sent.j()["message"]["provider_id"], "SMfake1");
  const std::string conv = sent.j()["conversation"];

  auto reqs = carrier.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/2010-04-01/Accounts/ACspa/Messages.json");
  EXPECT_EQ(reqs[0].authorization, "Basic QUNzcGE6dG9rLXNwYQ==");
  EXPECT_EQ(form_value(reqs[0].form, "To").value_or(""), kClient);
  EXPECT_EQ(form_value(reqs[0].form, "From").value_or(""), kSpaNumber);
  EXPECT_EQ(form_value(reqs[0].form, "Body").value_or(""), "Your massage is confirmed");
  EXPECT_EQ(form_value(reqs[0].form, "MediaUrl").value_or(""), "https://cdn.example/map.png");
  const std::string callback = form_value(reqs[0].form, "StatusCallback").value_or("");
  ASSERT_EQ(callback, "https://sms.example.com/webhooks/twilio/status");

  // The carrier calls back (through the public URL, here straight to the server), signed
  // over the URL it was given.
  form_fields status = {{"MessageSid", "SMfake1"},
                        {"MessageStatus", "delivered"},
                        {"AccountSid", "ACspa"},
                        {"From", kSpaNumber},
                        {"To", kClient}};
  auto cb = webhook("/webhooks/twilio/status", status, kSpaToken, callback);
  ASSERT_EQ(cb.status, 200u) << cb.body;
  auto msgs = call("GET", "/v1/conversations/" + conv + "/messages", "", ana).j()["messages"];
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["provider_id"], "SMfake1");
  EXPECT_EQ(msgs[0]["status"], "delivered");
}

TEST_F(ServerGatewayLoop, RefusedByTwilio_MessageIsFailedWithTheCode) {
  carrier.respond_with(400, R"({"code":21211,"message":"Invalid 'To' Phone Number"})");
  auto sent = call("POST", "/v1/messages", json{{"phone", kClient}, {"body", "hello"}}.dump(), ana);
  ASSERT_EQ(sent.status, 200u) << sent.body;
  EXPECT_EQ(sent.j()["message"]["status"], "failed");
  EXPECT_EQ(sent.j()["message"]["error_code"], "invalid_phone");
  auto failed = call("GET", "/v1/conversations?types=failed", "", ana).j()["rows"];
  EXPECT_EQ(failed.size(), 1u);
}

}  // namespace
}  // namespace msgcenter::server::testing
