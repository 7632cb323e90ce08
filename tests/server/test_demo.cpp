// The README walkthrough with curl, as a test: `msgcenter serve --demo`, then post an inbound
// webhook, list the inbox, reply, and watch the events arrive on the stream.
#include <gtest/gtest.h>

#include "msgcenter/server/demo_data.hpp"
#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

class ServerDemo : public ::testing::Test {
 protected:
  void SetUp() override {
    options eo;
    eo.threads = 2;
    mc = std::move(message_center::open(eo).value());
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto loaded = load_demo_data(*mc, tokens, now);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    info = loaded.value();
    server_options o;
    o.port = 0;
    o.admin_key = "k";
    server = std::make_unique<http_server>(o, *mc, tokens, metrics);
    ASSERT_TRUE(server->start().ok());
    port = server->port();
  }
  void TearDown() override {
    server->stop();
    mc->close();
  }
  std::string token_of(const std::string& staff) const {
    for (auto& s : info.staff)
      if (s.staff == staff) return s.token;
    return {};
  }

  std::unique_ptr<message_center> mc;
  token_store tokens;
  server_metrics metrics;
  std::unique_ptr<http_server> server;
  demo_info info;
  std::uint16_t port = 0;
};

TEST_F(ServerDemo, LoadsADayOfConversations_WithATokenPerStaffMember) {
  EXPECT_EQ(info.business, "lotus");
  EXPECT_EQ(info.staff.size(), 4u);
  EXPECT_GT(info.operations, 25u);
  auto maya = token_of("maya");
  auto list = http_call(port, "GET", "/v1/conversations", "", {{"Authorization", bearer(maya)}});
  ASSERT_EQ(list.status, 200u);
  EXPECT_GE(list.j()["rows"].size(), 5u);
  EXPECT_EQ(list.j()["rows"][0]["pinned"], true) << "Emma's conversation is pinned by Maya";
  auto sam =
      http_call(port, "GET", "/v1/conversations", "", {{"Authorization", bearer(token_of("sam"))}});
  EXPECT_EQ(sam.j()["rows"].size(), 1u) << "Sam sees only the uptown number";
  EXPECT_EQ(demo_operations(0).size(), info.operations);
  EXPECT_FALSE(info.already_loaded);
}

TEST_F(ServerDemo, LoadingAgain_ReplaysNothing_IssuesFreshTokens) {
  auto badge_before =
      http_call(port, "GET", "/v1/badge", "", {{"Authorization", bearer(token_of("maya"))}}).body;
  auto again = load_demo_data(*mc, tokens, 0);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->already_loaded);
  EXPECT_EQ(again->operations, 0u);
  ASSERT_EQ(again->staff.size(), 4u);
  auto badge_after =
      http_call(port, "GET", "/v1/badge", "", {{"Authorization", bearer(again->staff[0].token)}});
  EXPECT_EQ(badge_after.status, 200u);
  EXPECT_EQ(badge_after.body, badge_before) << "nothing changed";
}

TEST_F(ServerDemo, CurlWalkthrough_WebhookListReplyAndLiveEvents) {
  const std::string maya = token_of("maya");
  sse_client events(port, maya);
  ASSERT_TRUE(events.subscribed());

  // 1. The carrier posts an inbound text (signed as in the README's openssl one-liner).
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/twilio/sms";
  form_fields form = {{"From", info.client_phone},
                      {"To", info.number},
                      {"Body", "hello again"},
                      {"MessageSid", "SM0001"}};
  auto sig = twilio_signature(url, form, info.twilio_auth_token);
  auto hook = http_call(
      port, "POST", "/webhooks/twilio/sms", encode_form(form),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig}});
  ASSERT_EQ(hook.status, 200u) << hook.body;

  // 2. The inbox lists it (Emma's conversation is pinned: first, in the unfiltered inbox).
  auto list = http_call(port, "GET", "/v1/conversations", "", {{"Authorization", bearer(maya)}});
  ASSERT_EQ(list.status, 200u);
  ASSERT_FALSE(list.j()["rows"].empty());
  EXPECT_EQ(list.j()["rows"][0]["preview"], "hello again") << list.body;
  EXPECT_EQ(list.j()["rows"][0]["folder"], "unread");

  // 3. A reply.
  auto reply = http_call(port, "POST", "/v1/messages",
                         json{{"phone", info.client_phone}, {"body", "See you soon!"}}.dump(),
                         {{"Authorization", bearer(maya)}});
  ASSERT_EQ(reply.status, 200u) << reply.body;

  // 4. Both arrive on the stream, in order.
  ASSERT_TRUE(events.read_until(
      [](const std::string& t) { return t.find("See you soon!") != std::string::npos; }));
  std::vector<std::string> bodies;
  for (auto& e : events.events())
    if (e.kind == "message") bodies.push_back(e.data["message"]["body"]);
  EXPECT_EQ(bodies, (std::vector<std::string>{"hello again", "See you soon!"}));
}

}  // namespace
}  // namespace msgcenter::server::testing
