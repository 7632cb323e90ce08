// The staff web page's server requests (issue 13) over a real HTTP server: GET /v1/me,
// /v1/staff, /v1/templates, /v1/counts, send's client_ref and expect_last_message, and
// POST /v1/presence with its ephemeral events.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

class WebApiTest : public ServerTest {
 protected:
  /// A text from `from` to spa's main number; answers the conversation id.
  std::string text_in(const std::string& body, const std::string& sid,
                      const std::string& from = kClient) {
    EXPECT_EQ(inbound(body, sid, from).status, 200u);
    auto list = call("GET", "/v1/conversations?folder=all&q=" + from.substr(5), {}, ana);
    EXPECT_EQ(list.status, 200u) << list.body;
    auto rows = list.j()["rows"];
    return rows.empty() ? std::string() : rows[0]["conversation"].get<std::string>();
  }
  json messages(const std::string& conv) {
    auto r = call("GET", "/v1/conversations/" + conv + "/messages?mark_read=false", {}, ana);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.j()["messages"];
  }
  http_reply send(const json& body, const std::string& token) {
    return call("POST", "/v1/messages", body.dump(), token);
  }
};

// ---- GET /v1/me ---------------------------------------------------------------------------

TEST_F(WebApiTest, Me_AnswersTheCallerAndTheSettings_NeverTheCredentials) {
  ASSERT_EQ(admin("PUT", "/v1/admin/businesses/spa",
                  {{"name", "Lotus Spa"}, {"settings", {{"read_status", "per_staff"}}}})
                .status,
            200u);
  auto r = call("GET", "/v1/me", {}, leo);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto j = r.j();
  EXPECT_EQ(j["staff"], "leo");
  EXPECT_EQ(j["name"], "leo");
  EXPECT_EQ(j["rights"], json::array({"view_messages", "send_sms"}));
  EXPECT_EQ(j["locations"], json::array({"uptown"}));
  EXPECT_EQ(j["subscribe_all"], false);
  EXPECT_EQ(j["business"], json({{"business", "spa"}, {"name", "Lotus Spa"}}));
  EXPECT_EQ(j["settings"],
            json({{"read_status", "per_staff"}, {"visibility", "all"}, {"consent", "implied"}}));
  EXPECT_EQ(r.body.find(kSpaToken), std::string::npos);
  EXPECT_EQ(r.body.find("ACspa"), std::string::npos);
}

TEST_F(WebApiTest, Me_NeedsNoRight_ButAStaffMember) {
  auto nobody = put_staff("spa", "nobody", json::array());
  auto r = call("GET", "/v1/me", {}, nobody);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.j()["rights"], json::array());
  EXPECT_EQ(call("GET", "/v1/me", {}, "mcs_unknown").status, 401u);
  EXPECT_EQ(call("GET", "/v1/me?x=1", {}, ana).status, 400u);  // unknown argument
}

// ---- GET /v1/staff ------------------------------------------------------------------------

TEST_F(WebApiTest, StaffList_IdsAndNamesOfTheBusinessOnly) {
  auto r = call("GET", "/v1/staff", {}, ben);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.j()["staff"], json::parse(R"([{"staff":"ana","name":"ana"},)"
                                        R"({"staff":"ben","name":"ben"},)"
                                        R"({"staff":"leo","name":"leo"}])"));
  auto g = call("GET", "/v1/staff", {}, gus);
  EXPECT_EQ(g.j()["staff"].size(), 1u);  // gym's own staff only
}

TEST_F(WebApiTest, StaffList_NeedsViewMessages) {
  auto sender = put_staff("spa", "sender", json::array({"send_sms"}));
  auto r = call("GET", "/v1/staff", {}, sender);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.code(), "permission_denied");
}

// ---- GET /v1/templates --------------------------------------------------------------------

TEST_F(WebApiTest, Templates_ListedByName_WithTheBusinessName) {
  ASSERT_EQ(admin("PUT", "/v1/admin/businesses/spa/templates/welcome",
                  {{"body", "Hi {first_name}, welcome to {business_name}"}})
                .status,
            200u);
  ASSERT_EQ(admin("PUT", "/v1/admin/businesses/spa/templates/bye", {{"body", "Bye"}}).status, 200u);
  auto r = call("GET", "/v1/templates", {}, ben);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.j()["business_name"], "Lotus Spa");
  EXPECT_EQ(r.j()["templates"],
            json::parse(
                R"([{"template":"bye","body":"Bye"},)"
                R"({"template":"welcome","body":"Hi {first_name}, welcome to {business_name}"}])"));
  EXPECT_EQ(call("GET", "/v1/templates", {}, gus).j()["templates"], json::array());
}

TEST_F(WebApiTest, Templates_NeedSendSms) {
  auto viewer = put_staff("spa", "viewer", json::array({"view_messages"}));
  EXPECT_EQ(call("GET", "/v1/templates", {}, viewer).status, 403u);
}

// ---- GET /v1/counts -----------------------------------------------------------------------

TEST_F(WebApiTest, Counts_EqualWhatEachFolderLists) {
  auto c1 = text_in("one", "SM1", "+12025550111");
  auto c2 = text_in("two", "SM2", "+12025550112");
  auto c3 = text_in("three", "SM3", "+12025550113");
  text_in("four", "SM4", "+12025550114");
  ASSERT_EQ(send({{"conversation", c2}, {"body", "hello"}}, ana).status, 200u);  // replied
  messages(c3);
  ASSERT_EQ(call("GET", "/v1/conversations/" + c3 + "/messages", {}, ana).status, 200u);  // read
  ASSERT_EQ(
      call("POST", "/v1/conversations/" + c1 + "/actions", R"({"action":"archive"})", ana).status,
      200u);
  auto r = call("GET", "/v1/counts", {}, ana);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.j(), json::parse(R"({"ok":true,"inbox":3,"unread":1,"read":1,"replied":1,)"
                               R"("archived":1,"all":4})"));
  for (const char* f : {"inbox", "unread", "read", "replied", "archived", "all"}) {
    auto list = call("GET", std::string("/v1/conversations?limit=500&folder=") + f, {}, ana);
    EXPECT_EQ(list.j()["rows"].size(), r.j()[f].get<std::size_t>()) << f;
  }
  // The list's filters and search apply: a search finds one.
  auto q = call("GET", "/v1/counts?q=555-0112", {}, ana);
  EXPECT_EQ(q.j()["all"], 1);
  EXPECT_EQ(q.j()["replied"], 1);
  auto sent = call("GET", "/v1/counts?last_direction=out", {}, ana);
  EXPECT_EQ(sent.j()["all"], 1);
}

TEST_F(WebApiTest, Counts_ExactBeyondAPage) {
  std::vector<inbound_request> batch;
  for (int i = 0; i < 1200; ++i)
    batch.push_back({"+1202555" + std::to_string(2000 + i),
                     kSpaNumber,
                     "hi",
                     {},
                     "SMB" + std::to_string(i),
                     std::nullopt});
  for (auto& r : mc->ingest({"spa", "", std::nullopt}, std::move(batch))) ASSERT_TRUE(r.ok());
  auto r = call("GET", "/v1/counts", {}, ana);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.j()["inbox"], 1200);
  EXPECT_EQ(r.j()["unread"], 1200);
  EXPECT_EQ(r.j()["all"], 1200);
  // leo (uptown only) sees none of them.
  EXPECT_EQ(call("GET", "/v1/counts", {}, leo).j()["all"], 0);
}

TEST_F(WebApiTest, Counts_RefusesWhatTheListRefuses_AndPagingArguments) {
  EXPECT_EQ(call("GET", "/v1/counts?from=10&to=5", {}, ana).status, 400u);
  EXPECT_EQ(call("GET", "/v1/counts?folder=unread", {}, ana).status, 400u);
  EXPECT_EQ(call("GET", "/v1/counts?limit=5", {}, ana).status, 400u);
  EXPECT_EQ(call("GET", "/v1/counts?types=bogus", {}, ana).status, 400u);
  auto sender = put_staff("spa", "sender", json::array({"send_sms"}));
  EXPECT_EQ(call("GET", "/v1/counts", {}, sender).status, 403u);
}

// ---- client_ref ---------------------------------------------------------------------------

TEST_F(WebApiTest, ClientRef_RetryAnswersTheFirstMessage_StoredOnce) {
  auto conv = text_in("hello", "SM10");
  json body{{"conversation", conv}, {"body", "On my way"}, {"client_ref", "draft-1"}};
  auto first = send(body, ana);
  ASSERT_EQ(first.status, 200u) << first.body;
  auto again = send(body, ana);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.j()["message"]["message"], first.j()["message"]["message"]);
  body["body"] = "a different text";  // the reference decides, not the text
  auto third = send(body, ana);
  EXPECT_EQ(third.j()["message"]["message"], first.j()["message"]["message"]);
  EXPECT_EQ(messages(conv).size(), 2u);
  // Another reference sends again.
  body["client_ref"] = "draft-2";
  EXPECT_NE(send(body, ana).j()["message"]["message"], first.j()["message"]["message"]);
  EXPECT_EQ(messages(conv).size(), 3u);
}

TEST_F(WebApiTest, ClientRef_OfAnotherSender_Conflict_NothingStored) {
  auto conv = text_in("hello", "SM11");
  ASSERT_EQ(send({{"conversation", conv}, {"body", "a"}, {"client_ref", "r"}}, ana).status, 200u);
  auto r = send({{"conversation", conv}, {"body", "b"}, {"client_ref", "r"}}, ben);
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.code(), "conflict");
  EXPECT_EQ(messages(conv).size(), 2u);
}

TEST_F(WebApiTest, ClientRef_Malformed_InvalidArgument_NothingStored) {
  auto conv = text_in("hello", "SM12");
  for (json bad : {json(""), json(std::string(65, 'x')), json("tab\there"), json(5)}) {
    auto r = send({{"conversation", conv}, {"body", "x"}, {"client_ref", bad}}, ana);
    EXPECT_EQ(r.status, 400u) << bad;
  }
  EXPECT_EQ(messages(conv).size(), 1u);
}

TEST_F(WebApiTest, ClientRef_RefusedSendLeavesNoTrace_ARetryCanSucceed) {
  auto conv = text_in("hello", "SM13");
  auto refused =
      send({{"conversation", conv}, {"body", std::string(1601, 'x')}, {"client_ref", "once"}}, ana);
  EXPECT_EQ(refused.code(), "body_too_long");
  auto ok = send({{"conversation", conv}, {"body", "short"}, {"client_ref", "once"}}, ana);
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.j()["message"]["body"], "short");
}

// ---- the send guard -----------------------------------------------------------------------

TEST_F(WebApiTest, SendGuard_LastMessageUnchanged_Sends) {
  auto conv = text_in("hello", "SM20");
  auto last = messages(conv).back()["message"].get<std::string>();
  auto r = send({{"conversation", conv}, {"body", "hi"}, {"expect_last_message", last}}, ana);
  ASSERT_EQ(r.status, 200u) << r.body;
}

TEST_F(WebApiTest, SendGuard_ATextArrivedMeanwhile_Conflict_NothingStored) {
  auto conv = text_in("hello", "SM21");
  auto seen = messages(conv).back()["message"].get<std::string>();
  text_in("are you there?", "SM22");
  auto r = send({{"conversation", conv}, {"body", "hi"}, {"expect_last_message", seen}}, ana);
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.code(), "conflict");
  EXPECT_EQ(messages(conv).size(), 2u);
}

TEST_F(WebApiTest, SendGuard_AColleagueReplied_Conflict) {
  auto conv = text_in("hello", "SM23");
  auto seen = messages(conv).back()["message"].get<std::string>();
  ASSERT_EQ(send({{"conversation", conv}, {"body", "ben here"}}, ben).status, 200u);
  auto r = send({{"conversation", conv}, {"body", "ana here"}, {"expect_last_message", seen}}, ana);
  EXPECT_EQ(r.code(), "conflict");
  EXPECT_EQ(messages(conv).size(), 2u);
}

TEST_F(WebApiTest, SendGuard_RetryOfAGuardedSend_AnswersTheFirst) {
  auto conv = text_in("hello", "SM24");
  auto seen = messages(conv).back()["message"].get<std::string>();
  json body{{"conversation", conv},
            {"body", "hi"},
            {"expect_last_message", seen},
            {"client_ref", "guarded"}};
  auto first = send(body, ana);
  ASSERT_EQ(first.status, 200u) << first.body;
  auto retry = send(body, ana);  // its own message is the last now: the reference wins
  ASSERT_EQ(retry.status, 200u) << retry.body;
  EXPECT_EQ(retry.j()["message"]["message"], first.j()["message"]["message"]);
}

TEST_F(WebApiTest, SendGuard_Malformed_InvalidArgument) {
  auto conv = text_in("hello", "SM25");
  EXPECT_EQ(
      send({{"conversation", conv}, {"body", "x"}, {"expect_last_message", "c1"}}, ana).status,
      400u);
  EXPECT_EQ(send({{"phone", kClient}, {"body", "x"}, {"expect_last_message", "m1"}}, ana).status,
            400u);
  EXPECT_EQ(messages(conv).size(), 1u);
}

// ---- presence -----------------------------------------------------------------------------

TEST_F(WebApiTest, Presence_ReachesColleaguesWhoSeeIt_NotTheSender_NeverReplayed) {
  auto conv = text_in("hello", "SM30");
  sse_client ben_stream(port, ben);
  sse_client ana_stream(port, ana);
  sse_client leo_stream(port, leo);  // uptown only: cannot see a downtown conversation
  ASSERT_TRUE(ben_stream.subscribed());
  ASSERT_TRUE(ana_stream.subscribed());
  ASSERT_TRUE(leo_stream.subscribed());
  text_in("before", "SM29");
  const auto real_before = ben_stream.wait_events(1).size();
  ASSERT_GE(real_before, 1u);
  auto r = call("POST", "/v1/presence",
                json({{"conversation", conv}, {"state", "replying"}}).dump(), ana);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto all = ben_stream.wait_events(real_before + 1);
  ASSERT_EQ(all.size(), real_before + 1);
  auto evs = std::vector<sse_client::event>(all.begin() + real_before, all.end());
  EXPECT_EQ(evs[0].kind, "presence");
  EXPECT_EQ(evs[0].id, 0u);  // no `id:` line
  const auto at = ben_stream.text().find("event: presence");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(ben_stream.text().substr(at - 2, 2), "\n\n");  // its block starts there: no id
  EXPECT_EQ(evs[0].data["presence"], json({{"conversation", conv},
                                           {"staff", "ana"},
                                           {"name", "ana"},
                                           {"state", "replying"},
                                           {"ttl_ms", 30000}}));
  EXPECT_EQ(evs[0].data["seq"], 0);
  // A real event afterwards follows the one before: presence took no number.
  text_in("again", "SM31");
  auto after = ben_stream.wait_events(real_before + 2);
  ASSERT_GE(after.size(), real_before + 2);
  EXPECT_EQ(after[real_before + 1].id, after[real_before - 1].id + 1);
  EXPECT_TRUE(ana_stream.wait_events(1).size() >= 1u);
  for (auto& ev : ana_stream.events()) EXPECT_NE(ev.kind, "presence");
  for (auto& ev : leo_stream.events()) EXPECT_NE(ev.kind, "presence");
  // Resuming from before it replays real events only.
  sse_client resumed(port, ben, "0");
  ASSERT_TRUE(resumed.subscribed());
  resumed.read_until([](const std::string&) { return false; }, std::chrono::milliseconds(300));
  for (auto& ev : resumed.events()) EXPECT_NE(ev.kind, "presence");
}

TEST_F(WebApiTest, Presence_BadStateOrUnreachableConversation_Refused) {
  auto conv = text_in("hello", "SM32");
  auto post = [&](const json& body, const std::string& token) {
    return call("POST", "/v1/presence", body.dump(), token);
  };
  EXPECT_EQ(post({{"conversation", conv}, {"state", "typing"}}, ana).status, 400u);
  EXPECT_EQ(post({{"conversation", conv}}, ana).status, 400u);
  EXPECT_EQ(post({{"conversation", conv}, {"state", "viewing"}}, leo).status, 404u);
  EXPECT_EQ(post({{"conversation", "c999"}, {"state", "viewing"}}, ana).status, 404u);
  EXPECT_EQ(post({{"conversation", conv}, {"state", "viewing"}}, gus).status, 404u);
  auto sender = put_staff("spa", "sender", json::array({"send_sms"}));
  EXPECT_EQ(post({{"conversation", conv}, {"state", "viewing"}}, sender).status, 403u);
}

}  // namespace
}  // namespace msgcenter::server::testing
