// The gateway JSON codec and base64, without etcd: shapes captured from etcd 3.4.23, and
// untrusted bodies (garbage, oversized, wrong types) turned into clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "msgcenter/cluster/base64.hpp"
#include "msgcenter/cluster/etcd_codec.hpp"

namespace msgcenter::cluster {
namespace {

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 260; ++i) {
    auto enc = base64_encode(bytes);
    EXPECT_EQ(enc.size() % 4, 0u);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec.has_value());
    EXPECT_EQ(*dec, bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("a"), "YQ==");
}

TEST(Base64, RefusesMalformedText) {
  for (const char* bad :
       {"Y", "YQ=", "Y===", "YQ==YQ==", "Zm9v!A==", "=AAA", "YQ=a", "YR==", "YWF="})
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  EXPECT_EQ(base64_decode("").value(), "");
}

TEST(EtcdCodec, PrefixRangeEnd) {
  EXPECT_EQ(prefix_range_end("/a/"), "/a0");
  EXPECT_EQ(prefix_range_end("a\xff"), "b");
  EXPECT_EQ(prefix_range_end(""), std::string(1, '\0'));
}

TEST(EtcdCodec, ParsesARangeAsEtcd34WritesIt) {
  auto r = parse_range_response(
      R"({"header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"2"},)"
      R"("kvs":[{"key":"eA==","create_revision":"7","mod_revision":"7","version":"1","value":"MQ==","lease":"2324035788890993169"}],"count":"1"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->header_revision, 7);
  ASSERT_EQ(r->kvs.size(), 1u);
  EXPECT_EQ(r->kvs[0].key, "x");
  EXPECT_EQ(r->kvs[0].value, "1");
  EXPECT_EQ(r->kvs[0].lease, 2324035788890993169);
  EXPECT_EQ(r->count, 1);
  // An absent key: etcd omits kvs and count.
  auto empty = parse_range_response(R"({"header":{"revision":"2"}})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->kvs.empty());
}

TEST(EtcdCodec, ParsesTxnKeepaliveAndWatchMessages) {
  auto t = parse_txn_response(
      R"({"header":{"revision":"3"},"responses":[{"response_range":{"header":{"revision":"3"},"kvs":[{"key":"YQ==","mod_revision":"3","value":"MQ=="}],"count":"1"}}]})");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->succeeded);
  ASSERT_EQ(t->ranges.size(), 1u);
  EXPECT_EQ(t->ranges[0].kvs[0].mod_revision, 3);

  auto live =
      parse_keepalive_response(R"({"result":{"header":{"revision":"6"},"ID":"9","TTL":"2"}})"
                               "\n");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->count(), 2);
  auto gone = parse_keepalive_response(R"({"result":{"header":{"revision":"6"},"ID":"9"}})");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->count(), 0);

  auto w = parse_watch_message(
      R"({"result":{"header":{"revision":"6"},"events":[{"kv":{"key":"eA==","mod_revision":"5","value":"MQ=="}},{"type":"DELETE","kv":{"key":"eA==","mod_revision":"6"}}]}})");
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_EQ(w->events.size(), 2u);
  EXPECT_EQ(w->events[0].what, watch_event::kind::put);
  EXPECT_EQ(w->events[1].what, watch_event::kind::erase);
}

TEST(EtcdCodec, MapsGatewayErrorsToStableCodes) {
  auto r = parse_revoke_response(
      R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_NE(r.error().message.find("lease not found"), std::string::npos);
  auto bad = parse_range_response(R"({"error":"json: cannot unmarshal","code":3})");
  EXPECT_EQ(bad.error().code, errc::invalid_argument);
}

TEST(EtcdCodec, GarbageAndOversizedBodiesGiveClearErrors) {
  for (const char* body : {"", "not json", "[1,2]", R"({"kvs":"x"})", R"({"kvs":[{"key":"!!"}]})",
                           R"({"header":{"revision":"12x"}})", R"({"header":{"revision":1e99}})",
                           R"({"kvs":[{"key":"eA==","lease":"99999999999999999999"}]})"}) {
    auto r = parse_range_response(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, errc::unavailable) << body;
    EXPECT_EQ(r.error().message.rfind("etcd: malformed response", 0), 0u) << r.error().message;
  }
  const std::string big(100, ' ');
  auto r = parse_range_response(big, 64);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("too large"), std::string::npos);
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(parse_watch_message(deep).ok());
}

TEST(EtcdCodec, BuildsTxnBodiesInTheGatewayShape) {
  txn_request t;
  t.compares.push_back(compare{"k", compare::target::create, compare::op::equal, 0, {}});
  t.success.push_back(txn_op{txn_op::kind::put, "k", "v", 42, {}});
  t.failure.push_back(txn_op{txn_op::kind::range, "k", {}, 0, {}});
  auto j = nlohmann::json::parse(txn_body(t));
  EXPECT_EQ(j["compare"][0]["target"], "CREATE");
  EXPECT_EQ(j["compare"][0]["create_revision"], "0");
  EXPECT_EQ(j["success"][0]["request_put"]["lease"], "42");
  EXPECT_EQ(j["success"][0]["request_put"]["value"], "dg==");
  EXPECT_EQ(j["failure"][0]["request_range"]["key"], "aw==");
}

}  // namespace
}  // namespace msgcenter::cluster
