// etcd_client against a real etcd (etcd_fixture.hpp), and against a fake server that answers
// garbage, for the untrusted-bytes path.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <thread>

#include "cluster/etcd_fixture.hpp"
#include "msgcenter/cluster/etcd_client.hpp"

namespace msgcenter::cluster {
namespace {

using namespace std::chrono_literals;
using testing::EtcdTest;
using testing::eventually;

TEST_F(EtcdTest, PutGetTxn_RoundTrip) {
  auto c = client();
  // Given a key written with bytes base64 does not like
  const std::string value("v\0\xff\n", 4);
  auto put = c.put("/t/a", value);
  ASSERT_TRUE(put.ok()) << put.error().message;
  ASSERT_TRUE(c.put("/t/b", "2").ok());
  ASSERT_TRUE(c.put("/u", "3").ok());
  // Then get and a prefix range read them back
  auto got = c.get("/t/a");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->kvs.size(), 1u);
  EXPECT_EQ(got->kvs[0].value, value);
  EXPECT_EQ(got->kvs[0].mod_revision, put->header_revision);
  auto all = c.get_prefix("/t/");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->kvs.size(), 2u);
  EXPECT_EQ(all->kvs[1].key, "/t/b");
  EXPECT_TRUE(c.get("/none")->kvs.empty());

  // A create-if-absent txn succeeds once, then fails and answers the current record
  txn_request t;
  t.compares.push_back(compare{"/t/c", compare::target::create, compare::op::equal, 0, {}});
  t.success.push_back(txn_op{txn_op::kind::put, "/t/c", "first", 0, {}});
  t.failure.push_back(txn_op{txn_op::kind::range, "/t/c", {}, 0, {}});
  auto first = c.txn(t);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->succeeded);
  t.success[0].value = "second";
  auto again = c.txn(t);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->succeeded);
  ASSERT_EQ(again->ranges.size(), 1u);
  EXPECT_EQ(again->ranges[0].kvs.at(0).value, "first");
  EXPECT_EQ(again->ranges[0].kvs.at(0).mod_revision, first->header_revision);

  auto erased = c.erase_prefix("/t/");
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->deleted, 3);
  EXPECT_EQ(c.erase("/u")->deleted, 1);
}

TEST_F(EtcdTest, LeaseGrantKeepaliveRevoke) {
  auto c = client();
  auto lease = c.grant(2s);
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  EXPECT_GE(lease->ttl.count(), 2);
  ASSERT_TRUE(c.put("/leased", "x", lease->id).ok());
  auto ttl = c.keepalive(lease->id);
  ASSERT_TRUE(ttl.ok()) << ttl.error().message;
  EXPECT_GE(ttl->count(), 1);
  ASSERT_TRUE(c.revoke(lease->id).ok());
  EXPECT_TRUE(c.get("/leased")->kvs.empty());  // its key went with it
  auto gone = c.keepalive(lease->id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, errc::not_found);
  EXPECT_EQ(c.revoke(lease->id).error().code, errc::not_found);
}

TEST_F(EtcdTest, CallsTimeOutWhenEtcdIsFrozen) {
  auto c = client(300ms);
  ASSERT_TRUE(c.put("/k", "v").ok());
  freeze();  // SIGSTOP: the socket accepts (kernel backlog) but nothing answers
  const auto start = std::chrono::steady_clock::now();
  auto got = c.get("/k");
  auto ka = c.keepalive(1);
  const auto took = std::chrono::steady_clock::now() - start;
  thaw();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, errc::unavailable);
  EXPECT_NE(got.error().message.find("timed out after 300 ms"), std::string::npos)
      << got.error().message;
  EXPECT_FALSE(ka.ok()) << (ka.ok() ? std::to_string(ka->count()) : ka.error().message);
  EXPECT_LT(took, 1500ms);
  // And once etcd runs again the same client works
  EXPECT_TRUE(eventually([&] { return c.get("/k").ok(); }, 3000ms));
}

TEST(EtcdClient, RefusedConnectionIsUnavailable) {
  etcd_options o;
  o.port = testing::free_port();
  o.timeout = 500ms;
  auto r = etcd_client(o).get("/k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
}

TEST(EtcdClient, ParsesUrls) {
  auto o = parse_etcd_url("http://127.0.0.1:2379/");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->port, 2379);
  EXPECT_FALSE(parse_etcd_url("https://127.0.0.1:2379").ok());
  EXPECT_FALSE(parse_etcd_url("http://localhost:2379").ok());  // no resolver on this path
  EXPECT_FALSE(parse_etcd_url("http://127.0.0.1:99999").ok());
}

/// A one-shot HTTP server on loopback that reads a request and writes `answer` verbatim.
class fake_etcd {
 public:
  explicit fake_etcd(std::string answer)
      : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this, a = std::move(answer)] {
      boost::system::error_code ec;
      auto sock = acceptor_.accept(ec);
      if (ec) return;
      char buf[4096];
      (void)sock.read_some(boost::asio::buffer(buf), ec);
      boost::asio::write(sock, boost::asio::buffer(a), ec);
      sock.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
      std::this_thread::sleep_for(100ms);
    });
  }
  ~fake_etcd() { thread_.join(); }
  etcd_client client(std::size_t limit = 1024) {
    etcd_options o;
    o.port = acceptor_.local_endpoint().port();
    o.timeout = 2000ms;
    o.max_response_bytes = limit;
    return etcd_client(o);
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

std::string http_answer(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(EtcdClient, OversizedResponseIsRefused) {
  // Given an answer whose Content-Length is far over the limit
  fake_etcd fake(http_answer("{\"kvs\":\"" + std::string(5 << 20, 'A') + "\"}"));
  auto r = fake.client(1024).get("/k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_EQ(r.error().message, "etcd: response too large (limit 1024 bytes)");
}

TEST(EtcdClient, GarbageResponseIsRefused) {
  fake_etcd fake(http_answer("\x01\x02 not json {"));
  auto r = fake.client().get("/k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_EQ(r.error().message.rfind("etcd: malformed response", 0), 0u) << r.error().message;
}

TEST(EtcdClient, NonHttpResponseIsRefused) {
  fake_etcd fake("SSH-2.0-OpenSSH\r\n");
  auto r = fake.client().get("/k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_EQ(r.error().message.rfind("etcd: read failed", 0), 0u) << r.error().message;
}

}  // namespace
}  // namespace msgcenter::cluster
