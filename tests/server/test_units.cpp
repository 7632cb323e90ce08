// The server's pure pieces: Twilio signatures, forms, routes, status codes, tokens, rate
// limits and the config file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>

#include "msgcenter/server/form.hpp"
#include "msgcenter/server/http_status.hpp"
#include "msgcenter/server/openapi.hpp"
#include "msgcenter/server/rate_limiter.hpp"
#include "msgcenter/server/routes.hpp"
#include "msgcenter/server/server_options.hpp"
#include "msgcenter/server/token_store.hpp"
#include "msgcenter/server/twilio_signature.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

// Twilio's published example (https://www.twilio.com/docs/usage/security).
const char* kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const form_fields kParams = {{"CallSid", "CA1234567890ABCDE"},
                             {"Caller", "+12349013030"},
                             {"Digits", "1234"},
                             {"From", "+12349013030"},
                             {"To", "+18005551212"}};
const char* kToken = "12345";
const char* kExpected = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

TEST(ServerTwilioSignature, PublishedExample_GivesPublishedSignature) {
  EXPECT_EQ(twilio_signature(kUrl, kParams, kToken), kExpected);
  EXPECT_TRUE(verify_twilio_signature(kUrl, kParams, kToken, kExpected));
}

TEST(ServerTwilioSignature, ParameterOrder_DoesNotMatter) {
  form_fields shuffled(kParams.rbegin(), kParams.rend());
  EXPECT_TRUE(verify_twilio_signature(kUrl, shuffled, kToken, kExpected));
}

TEST(ServerTwilioSignature, TamperedVariants_Fail) {
  auto changed = kParams;
  changed[2].second = "1235";
  EXPECT_FALSE(verify_twilio_signature(kUrl, changed, kToken, kExpected)) << "a value changed";
  auto added = kParams;
  added.emplace_back("Body", "hi");
  EXPECT_FALSE(verify_twilio_signature(kUrl, added, kToken, kExpected)) << "a parameter added";
  auto removed = kParams;
  removed.pop_back();
  EXPECT_FALSE(verify_twilio_signature(kUrl, removed, kToken, kExpected)) << "a parameter removed";
  auto renamed = kParams;
  renamed[0].first = "callSid";
  EXPECT_FALSE(verify_twilio_signature(kUrl, renamed, kToken, kExpected)) << "a name changed";
  EXPECT_FALSE(verify_twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=3", kParams,
                                       kToken, kExpected))
      << "the query changed";
  EXPECT_FALSE(verify_twilio_signature("http://mycompany.com/myapp.php?foo=1&bar=2", kParams,
                                       kToken, kExpected))
      << "the scheme changed";
  EXPECT_FALSE(
      verify_twilio_signature("https://evil.com/myapp.php?foo=1&bar=2", kParams, kToken, kExpected))
      << "the host changed";
  EXPECT_FALSE(verify_twilio_signature(kUrl, kParams, "12346", kExpected)) << "another token";
  EXPECT_FALSE(verify_twilio_signature(kUrl, kParams, "", kExpected)) << "no token";
  EXPECT_FALSE(verify_twilio_signature(kUrl, kParams, kToken, "")) << "no signature";
  EXPECT_FALSE(verify_twilio_signature(kUrl, kParams, kToken, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"))
      << "truncated";
  EXPECT_FALSE(verify_twilio_signature(kUrl, kParams, kToken, "0/kCTR6DLpKmkAf8muzZqo1nDgQ="))
      << "case changed";
}

TEST(ServerTwilioSignature, DefaultPort_AcceptedEitherWay) {
  auto with_port =
      twilio_signature("https://mycompany.com:443/myapp.php?foo=1&bar=2", kParams, kToken);
  EXPECT_TRUE(verify_twilio_signature(kUrl, kParams, kToken, with_port));
  EXPECT_TRUE(verify_twilio_signature("https://mycompany.com:443/myapp.php?foo=1&bar=2", kParams,
                                      kToken, kExpected));
  auto other_port =
      twilio_signature("https://mycompany.com:8443/myapp.php?foo=1&bar=2", kParams, kToken);
  EXPECT_FALSE(verify_twilio_signature(kUrl, kParams, kToken, other_port));
}

TEST(ServerForm, Decodes_PlusPercentAndEmptyPieces) {
  auto f = parse_form("From=%2B12025550142&Body=Hi+there%21&&Empty=&Flag");
  ASSERT_TRUE(f.ok());
  form_fields want = {{"From", "+12025550142"}, {"Body", "Hi there!"}, {"Empty", ""}, {"Flag", ""}};
  EXPECT_EQ(f.value(), want);
  EXPECT_EQ(form_value(f.value(), "Body").value_or(""), "Hi there!");
  EXPECT_FALSE(form_value(f.value(), "Nope"));
}

TEST(ServerForm, MalformedEscape_IsInvalidArgument) {
  for (const char* bad : {"a=%", "a=%2", "a=%zz", "%g1=b"}) {
    auto f = parse_form(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.error().code, errc::invalid_argument);
  }
}

TEST(ServerForm, TooManyFields_Refused) {
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "a=1&";
  EXPECT_FALSE(parse_form(many).ok());
}

TEST(ServerForm, EncodeThenParse_RoundTrips) {
  form_fields f = {
      {"To", "+1 (202) 555"}, {"Body", "héllo & goodbye = 100%"}, {"MediaUrl", "https://x/y?z=1"}};
  auto back = parse_form(encode_form(f));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), f);
}

TEST(ServerRoutes, MatchesPathsAndParameters) {
  auto m = match_route("GET", "/v1/conversations/c12/messages");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.found->op, "conversation.messages");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], std::make_pair(std::string("conversation"), std::string("c12")));
  auto bulk = match_route("POST", "/v1/conversations/bulk");
  ASSERT_NE(bulk.found, nullptr);
  EXPECT_EQ(bulk.found->op, "conversation.bulk");
  auto encoded = match_route("GET", "/v1/contacts/a%20b/history");
  ASSERT_NE(encoded.found, nullptr);
  EXPECT_EQ(encoded.params[0].second, "a b");
}

TEST(ServerRoutes, WrongMethod_ListsAllowed) {
  auto m = match_route("DELETE", "/v1/conversations");
  EXPECT_EQ(m.found, nullptr);
  EXPECT_TRUE(m.wrong_method);
  EXPECT_EQ(m.allow, "GET");
  auto none = match_route("GET", "/v1/nothing");
  EXPECT_EQ(none.found, nullptr);
  EXPECT_FALSE(none.wrong_method);
}

TEST(ServerRoutes, QueryIsTyped) {
  auto m = match_route("GET", "/v1/conversations");
  auto req =
      build_op_request(*m.found, m.params,
                       "folder=unread&limit=5&types=manual,failed&types=campaign&q=zo%C3%AB", "");
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req.value()["op"], "inbox.list");
  EXPECT_EQ(req.value()["limit"], 5);
  EXPECT_EQ(req.value()["types"], json::array({"manual", "failed", "campaign"}));
  EXPECT_EQ(req.value()["q"], "zoë");
  EXPECT_FALSE(build_op_request(*m.found, m.params, "limit=five", "").ok());
  EXPECT_FALSE(build_op_request(*m.found, m.params, "folder=a&folder=b", "").ok());
  auto msgs = match_route("GET", "/v1/conversations/c1/messages");
  auto r2 = build_op_request(*msgs.found, msgs.params, "mark_read=false", "");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2.value()["mark_read"], false);
  EXPECT_EQ(r2.value()["conversation"], "c1");
}

TEST(ServerRoutes, BodyMergesPathAndRefusesConflicts) {
  auto m = match_route("POST", "/v1/conversations/c3/actions");
  auto ok = build_op_request(*m.found, m.params, "", R"({"action":"archive"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(),
            json({{"op", "conversation.action"}, {"conversation", "c3"}, {"action", "archive"}}));
  EXPECT_TRUE(
      build_op_request(*m.found, m.params, "", R"({"action":"archive","conversation":"c3"})").ok());
  EXPECT_FALSE(
      build_op_request(*m.found, m.params, "", R"({"action":"archive","conversation":"c4"})").ok());
  EXPECT_FALSE(build_op_request(*m.found, m.params, "", R"({"op":"send"})").ok());
  EXPECT_FALSE(build_op_request(*m.found, m.params, "", R"([1,2])").ok());
  EXPECT_FALSE(build_op_request(*m.found, m.params, "", R"({"action":)").ok());
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_FALSE(build_op_request(*m.found, m.params, "", "{\"a\":" + deep + "}").ok());
}

TEST(ServerHttpStatus, EveryCodeHasItsStatus) {
  EXPECT_EQ(http_status_of(errc::invalid_argument), 400u);
  EXPECT_EQ(http_status_of(errc::not_found), 404u);
  EXPECT_EQ(http_status_of(errc::permission_denied), 403u);
  EXPECT_EQ(http_status_of(errc::consent_required), 409u);
  EXPECT_EQ(http_status_of(errc::opted_out), 409u);
  for (auto c : {errc::invalid_phone, errc::not_mobile, errc::body_too_long,
                 errc::attachment_too_large, errc::unsupported_media})
    EXPECT_EQ(http_status_of(c), 400u) << to_string(c);
  EXPECT_EQ(http_status_of(errc::overloaded), 429u);
  EXPECT_EQ(http_status_of(errc::unavailable), 503u);
  EXPECT_EQ(http_status_of(error_body(kUnauthenticated, "x")), 401u);
  EXPECT_EQ(http_status_of(error_body(kRequestTooLarge, "x")), 413u);
  EXPECT_EQ(http_status_of(json{{"ok", true}}), 200u);
}

TEST(ServerRateLimiter, BurstThenRate) {
  rate_limiter limiter(10, 3);
  auto t0 = rate_limiter::clock::now();
  EXPECT_TRUE(limiter.allow("k", t0));
  EXPECT_TRUE(limiter.allow("k", t0));
  EXPECT_TRUE(limiter.allow("k", t0));
  EXPECT_FALSE(limiter.allow("k", t0));
  EXPECT_TRUE(limiter.allow("other", t0)) << "buckets are per key";
  EXPECT_TRUE(limiter.allow("k", t0 + std::chrono::milliseconds(110))) << "refilled after 1/rate";
  EXPECT_FALSE(limiter.allow("k", t0 + std::chrono::milliseconds(110)));
  rate_limiter off(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(off.allow("k", t0));
}

std::string temp_dir() {
  char tmpl[] = "/tmp/msgcenter_server_test_XXXXXX";
  return mkdtemp(tmpl);
}

TEST(ServerTokenStore, IssueFindRevoke) {
  token_store store;
  auto t1 = store.issue("spa", "ana");
  auto t2 = store.issue("spa", "ana");
  ASSERT_TRUE(t1.ok());
  ASSERT_TRUE(t2.ok());
  EXPECT_NE(t1.value(), t2.value());
  EXPECT_EQ(t1.value().rfind("mcs_", 0), 0u);
  EXPECT_EQ(t1.value().size(), 4u + 43u);
  auto owner = store.find(t1.value());
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->business, "spa");
  EXPECT_EQ(owner->staff, "ana");
  EXPECT_FALSE(store.find(t1.value() + "x"));
  EXPECT_FALSE(store.find(""));
  auto listed = store.list("spa", "ana");
  ASSERT_EQ(listed.size(), 2u);
  auto one = store.revoke("spa", "ana", listed[0].token_id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value(), 1u);
  EXPECT_EQ(store.list("spa", "ana").size(), 1u);
  auto all = store.revoke("spa", "ana");
  EXPECT_EQ(all.value(), 1u);
  EXPECT_FALSE(store.find(t1.value()));
  EXPECT_FALSE(store.find(t2.value()));
}

TEST(ServerTokenStore, KeepsAtMostTwentyPerStaff) {
  token_store store;
  std::string first = store.issue("spa", "ana").value();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store.issue("spa", "ana").ok());
  EXPECT_EQ(store.list("spa", "ana").size(), token_store::kMaxTokensPerStaff);
  EXPECT_FALSE(store.find(first)) << "the oldest is dropped";
}

TEST(ServerTokenStore, File_SurvivesReopen_HoldsOnlyHashes) {
  auto dir = temp_dir();
  const std::string path = dir + "/tokens.json";
  std::string token, revoked;
  {
    auto store = token_store::open(path);
    ASSERT_TRUE(store.ok());
    token = store.value()->issue("spa", "ana").value();
    revoked = store.value()->issue("gym", "gus").value();
    ASSERT_EQ(store.value()->revoke("gym", "gus").value(), 1u);
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(token), std::string::npos) << "the token itself is never stored";
  auto again = token_store::open(path);
  ASSERT_TRUE(again.ok());
  auto owner = again.value()->find(token);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->staff, "ana");
  EXPECT_FALSE(again.value()->find(revoked));
  EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0) << "no temporary file left behind";
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

// Security review L3: a change holds no lock lookups need while its file is written, so a
// slow disk delays other changes, never a request's authentication.
TEST(ServerTokenStore, LookupsGoOn_WhileAChangeIsBeingWritten) {
  token_store store;
  const std::string ana = store.issue("spa", "ana").value();
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> hold{true};
  store.set_save_hook([&] {
    if (hold.exchange(false)) {
      writing.set_value();
      released.wait();
    }
  });
  auto change = std::async(std::launch::async, [&] { return store.revoke("spa", "ana"); });
  writing.get_future().wait();  // the revocation is writing its file now
  auto lookup = std::async(std::launch::async, [&] { return store.find(ana).has_value(); });
  ASSERT_EQ(lookup.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a lookup waited for the file write";
  EXPECT_TRUE(lookup.get()) << "until the change is saved, the token is still valid";
  release.set_value();
  ASSERT_EQ(change.get().value(), 1u);
  EXPECT_FALSE(store.find(ana)) << "once saved, it is revoked";
}

TEST(ServerTokenStore, KeysAndTokens_SurviveReopen_AsTheirOwnKind) {
  auto dir = temp_dir();
  const std::string path = dir + "/tokens.json";
  std::string key;
  {
    auto store = token_store::open(path);
    ASSERT_TRUE(store.ok());
    key = store.value()->issue_key("spa", "crm").value().first;
    ASSERT_TRUE(store.value()->issue("spa", "ana").ok());
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(key), std::string::npos) << "the key itself is never stored";
  auto again = token_store::open(path);
  ASSERT_TRUE(again.ok());
  auto owner = again.value()->find(key);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->kind, credential_kind::automation);
  EXPECT_EQ(owner->business, "spa");
  EXPECT_TRUE(owner->staff.empty());
  ASSERT_EQ(again.value()->list_keys("spa").size(), 1u);
  EXPECT_EQ(again.value()->list_keys("spa")[0].name, "crm");
  EXPECT_TRUE(again.value()->list("spa", "").empty()) << "keys are not listed as tokens";
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST(ServerTokenStore, CorruptFile_IsUnavailable) {
  auto dir = temp_dir();
  const std::string path = dir + "/tokens.json";
  std::ofstream(path) << "{not json";
  auto store = token_store::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, errc::unavailable);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST(ServerConfig, LoadsEveryKey_RefusesUnknown) {
  auto dir = temp_dir();
  const std::string path = dir + "/config.json";
  std::ofstream(path)
      << R"({"listen":"0.0.0.0:9090","admin_key":"k","public_url":"https://sms.example.com",
    "data":"var","outbound":"twilio","twilio_api_url":"http://127.0.0.1:1","io_threads":3,
    "web":"site","limits":{"max_body_bytes":1000,"header_timeout_ms":500,"rate_per_second":2,
    "rate_burst":4,"workers":3,"sse_queue_events":10,"sse_heartbeat_ms":100,
    "max_static_file_bytes":2048}})";
  auto cfg = load_serve_config(path);
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->server.host, "0.0.0.0");
  EXPECT_EQ(cfg->server.port, 9090);
  EXPECT_EQ(cfg->server.admin_key, "k");
  EXPECT_EQ(cfg->server.public_url, "https://sms.example.com");
  EXPECT_EQ(cfg->data_dir, "var");
  EXPECT_EQ(cfg->outbound, "twilio");
  EXPECT_EQ(cfg->server.io_threads, 3u);
  EXPECT_EQ(cfg->server.limits.max_body_bytes, 1000u);
  EXPECT_EQ(cfg->server.limits.header_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(cfg->server.limits.rate_burst, 4);
  EXPECT_EQ(cfg->server.limits.sse_queue_events, 10u);
  EXPECT_EQ(cfg->server.web_root, "site");
  EXPECT_EQ(cfg->server.limits.max_static_file_bytes, 2048u);
  std::ofstream(path) << R"({"limits":{"max_body":1}})";
  auto bad = load_serve_config(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("limits.max_body"), std::string::npos);
  std::remove(path.c_str());
  rmdir(dir.c_str());
  EXPECT_FALSE(parse_listen("8080").ok());
  EXPECT_FALSE(parse_listen("127.0.0.1:99999").ok());
  auto v6 = parse_listen("[::1]:81");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
}

TEST(ServerOpenApi, DocumentsEveryRoute) {
  auto doc = json::parse(openapi_document());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  for (const auto& r : all_routes()) {
    std::string method(r.method);
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(doc["paths"][std::string(r.pattern)].contains(method))
        << r.method << " " << r.pattern;
  }
}

}  // namespace
}  // namespace msgcenter::server
