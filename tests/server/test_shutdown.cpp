// Graceful shutdown and slow clients.
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

/// A gateway that answers each message after a delay, from its own thread.
class slow_gateway : public gateway {
 public:
  explicit slow_gateway(std::chrono::milliseconds delay) : delay_(delay) {}
  ~slow_gateway() override { join(); }
  void submit(outbound_sms, accepted_fn on_accepted) override {
    std::lock_guard<std::mutex> g(mutex_);
    auto n = ++count_;
    threads_.emplace_back([this, n, on_accepted = std::move(on_accepted)] {
      std::this_thread::sleep_for(delay_);
      on_accepted(std::string("SMslow") + std::to_string(n));
    });
  }
  int submitted() {
    std::lock_guard<std::mutex> g(mutex_);
    return count_;
  }
  void join() {
    std::vector<std::thread> all;
    {
      std::lock_guard<std::mutex> g(mutex_);
      all.swap(threads_);
    }
    for (auto& t : all) t.join();
  }

 private:
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  int count_ = 0;
  std::vector<std::thread> threads_;
};

class ServerShutdown : public ServerTest {
 protected:
  std::shared_ptr<gateway> make_gateway() override {
    slow = std::make_shared<slow_gateway>(std::chrono::milliseconds(800));
    return slow;
  }
  void configure(server_options& o) override {
    o.limits.header_timeout = std::chrono::milliseconds(300);
  }
  void TearDown() override {
    if (server) server->stop();
    slow->join();  // before the engine goes: the gateway's threads call into it
    ServerTest::TearDown();
  }
  std::shared_ptr<slow_gateway> slow;
};

TEST_F(ServerShutdown, Stop_FinishesRequestsInFlight_ThenRefusesConnections) {
  // An idle keep-alive connection and an event stream, open before the stop.
  net::io_context ioc;
  tcp::socket idle(ioc);
  idle.connect({net::ip::make_address("127.0.0.1"), port});
  sse_client stream(port, ana);
  ASSERT_TRUE(stream.subscribed());

  auto in_flight = std::async(std::launch::async, [&] {
    return call("POST", "/v1/messages", json{{"phone", kClient}, {"body", "slow one"}}.dump(), ana);
  });
  // In flight for sure once the engine handed the message to the (slow) gateway.
  for (int i = 0; i < 1000 && slow->submitted() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(slow->submitted(), 1) << "the send waits for the gateway";
  EXPECT_GE(server->in_flight(), 1u);

  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t abandoned = server->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(abandoned, 0u) << "stop took "
                           << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms";
  ASSERT_EQ(in_flight.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto reply = in_flight.get();
  EXPECT_EQ(reply.status, 200u) << "the request in flight was answered: " << reply.body;
  EXPECT_EQ(reply.j()["message"]["provider_id"], "SMslow1");
  EXPECT_GE(took, std::chrono::milliseconds(300)) << "stop waited for it";
  EXPECT_LT(took, std::chrono::seconds(5));

  EXPECT_EQ(call("GET", "/healthz").status, 0u) << "no new connections";
  EXPECT_TRUE(stream.closed_by_server(std::chrono::seconds(2))) << "event streams are closed";
  beast::error_code ec;
  char buf[16];
  idle.read_some(net::buffer(buf), ec);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset)
      << "idle connections are closed";
  EXPECT_EQ(server->stop(), 0u) << "stop is idempotent";
}

TEST_F(ServerShutdown, SlowClient_HeaderTimeoutClosesTheConnection) {
  net::io_context ioc;
  tcp::socket partial(ioc), silent(ioc);
  partial.connect({net::ip::make_address("127.0.0.1"), port});
  silent.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(partial,
             net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));  // never finished
  const auto t0 = std::chrono::steady_clock::now();
  beast::error_code e1, e2;
  char buf[64];
  partial.read_some(net::buffer(buf), e1);
  silent.read_some(net::buffer(buf), e2);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(e1 == net::error::eof || e1 == net::error::connection_reset) << e1.message();
  EXPECT_TRUE(e2 == net::error::eof || e2 == net::error::connection_reset) << e2.message();
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(call("GET", "/healthz").status, 200u) << "others are served meanwhile";
}

}  // namespace
}  // namespace msgcenter::server::testing
