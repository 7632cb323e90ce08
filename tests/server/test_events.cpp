// GET /v1/events: order, resume, isolation, heartbeats, slow subscribers, and 1,000
// concurrent subscribers on one node.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <iostream>
#include <map>
#include <set>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

using ServerEvents = ServerTest;

std::vector<std::string> inbound_bodies(const std::vector<sse_client::event>& evs) {
  std::vector<std::string> out;
  for (auto& e : evs)
    if (e.kind == "message" && e.data["message"]["direction"] == "in")
      out.push_back(e.data["message"]["body"]);
  return out;
}

std::size_t count_inbound(const sse_client& c) { return inbound_bodies(c.events()).size(); }

TEST_F(ServerEvents, Stream_IsOrdered_AndResumesAfterLastEventId) {
  sse_client first(port, ana);
  ASSERT_TRUE(first.subscribed());
  EXPECT_EQ(first.status(), 200u);
  EXPECT_NE(first.text().find("Content-Type: text/event-stream"), std::string::npos);
  for (auto body : {"one", "two", "three"})
    ASSERT_EQ(inbound(body, std::string("SM-") + body).status, 200u);
  ASSERT_TRUE(first.read_until([&](const std::string&) { return count_inbound(first) >= 3; }));
  auto evs = first.events();
  EXPECT_EQ(inbound_bodies(evs), (std::vector<std::string>{"one", "two", "three"}));
  for (std::size_t i = 1; i < evs.size(); ++i)
    EXPECT_EQ(evs[i].id, evs[i - 1].id + 1) << "ids are consecutive";
  std::set<std::string> kinds;
  for (auto& e : evs) {
    kinds.insert(e.kind);
    EXPECT_EQ(e.data["seq"], e.id);
    EXPECT_EQ(e.data["kind"], e.kind);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"message", "conversation", "badge", "alert"}));
  const auto last = evs.back().id;
  first.close();

  for (auto body : {"four", "five"})
    ASSERT_EQ(inbound(body, std::string("SM-") + body).status, 200u);
  sse_client resumed(port, ana, std::to_string(last));
  ASSERT_TRUE(resumed.read_until([&](const std::string&) { return count_inbound(resumed) >= 2; }));
  auto more = resumed.events();
  ASSERT_FALSE(more.empty());
  EXPECT_EQ(more.front().id, last + 1) << "nothing lost, nothing repeated";
  EXPECT_EQ(inbound_bodies(more), (std::vector<std::string>{"four", "five"}));

  sse_client by_query(port, ana, "", "/v1/events?last_event_id=" + std::to_string(last));
  ASSERT_TRUE(
      by_query.read_until([&](const std::string&) { return count_inbound(by_query) >= 2; }));
  EXPECT_EQ(by_query.events().front().id, last + 1);
}

TEST_F(ServerEvents, RepliesAndActionsArriveLive) {
  sse_client c(port, ben);
  ASSERT_TRUE(c.subscribed());
  ASSERT_EQ(inbound("hello", "SM1").status, 200u);
  auto sent =
      call("POST", "/v1/messages", json{{"phone", kClient}, {"body", "hi back"}}.dump(), ana);
  ASSERT_EQ(sent.status, 200u);
  ASSERT_TRUE(c.read_until([&](const std::string&) {
    for (auto& e : c.events())
      if (e.kind == "message" && e.data["message"]["body"] == "hi back") return true;
    return false;
  })) << c.text();
}

TEST_F(ServerEvents, OtherBusinessesEventsNeverArrive) {
  sse_client gym(port, gus);
  ASSERT_TRUE(gym.subscribed());
  ASSERT_EQ(inbound("spa only", "SM1").status, 200u);
  ASSERT_EQ(inbound("gym hello", "SMg", "+12025550150", kGymNumber, kGymToken).status, 200u);
  ASSERT_TRUE(gym.read_until([&](const std::string&) { return count_inbound(gym) >= 1; }));
  gym.read_until([](const std::string&) { return false; }, std::chrono::milliseconds(300));
  EXPECT_EQ(inbound_bodies(gym.events()), std::vector<std::string>{"gym hello"});
  EXPECT_EQ(gym.text().find("spa only"), std::string::npos);
}

TEST_F(ServerEvents, Unauthenticated401_NoViewRight403_BadResumeId400) {
  sse_client none(port, "");
  ASSERT_TRUE(none.read_until(
      [](const std::string& t) { return t.find("\r\n\r\n") != std::string::npos; }));
  EXPECT_EQ(none.status(), 401u);
  auto blind = put_staff("spa", "blind", json::array());
  sse_client no_right(port, blind);
  ASSERT_TRUE(
      no_right.read_until([](const std::string& t) { return t.find("}") != std::string::npos; }));
  EXPECT_EQ(no_right.status(), 403u) << no_right.text();
  sse_client bad(port, ana, "abc");
  ASSERT_TRUE(
      bad.read_until([](const std::string& t) { return t.find("}") != std::string::npos; }));
  EXPECT_EQ(bad.status(), 400u);
}

class ServerEventsTuned : public ServerTest {
  void configure(server_options& o) override {
    o.limits.sse_heartbeat = std::chrono::milliseconds(100);
    o.limits.sse_queue_events = 8000;
    o.limits.write_timeout = std::chrono::milliseconds(1000);
    o.limits.sse_send_buffer_bytes = 64 * 1024;
  }
};

TEST_F(ServerEventsTuned, Heartbeats_KeepIdleStreamsAlive) {
  sse_client c(port, ana);
  ASSERT_TRUE(c.subscribed());
  EXPECT_TRUE(
      c.read_until([](const std::string& t) { return t.find(": heartbeat") != std::string::npos; },
                   std::chrono::seconds(2)));
}

TEST_F(ServerEventsTuned, SlowSubscriber_IsDisconnected_WithoutSlowingOthers) {
  constexpr int kMessages = 6000;  // about 24,000 events per subscriber: well over the bound
  // A subscriber that never reads, with a tiny receive window.
  net::io_context ioc;
  tcp::socket slow(ioc);
  slow.open(tcp::v4());
  slow.set_option(net::socket_base::receive_buffer_size(4096));
  slow.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(slow, net::buffer("GET /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                               ana + "\r\n\r\n"));
  sse_client fast(port, ana);
  ASSERT_TRUE(fast.subscribed());
  for (int i = 0; i < 2000 && metrics.sse_subscribers.load() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(metrics.sse_subscribers.load(), 2);

  std::atomic<bool> done{false};
  std::thread reader([&] {
    // Counts inbound message events incrementally (re-parsing megabytes per read is too slow).
    const std::string needle = "\"direction\":\"in\"";
    std::size_t scanned = 0, found = 0;
    fast.read_until(
        [&](const std::string& t) {
          for (auto at = t.find(needle, scanned); at != std::string::npos;
               at = t.find(needle, at + 1))
            ++found;
          scanned = t.size() >= needle.size() ? t.size() - needle.size() + 1 : 0;
          // ... and the last event is complete.
          return done.load() && found >= static_cast<std::size_t>(kMessages) && t.size() >= 2 &&
                 t.compare(t.size() - 2, 2, "\n\n") == 0;
        },
        std::chrono::seconds(40));
  });
  const auto t0 = std::chrono::steady_clock::now();
  for (int batch = 0; batch < kMessages / 100; ++batch) {
    std::vector<inbound_request> items;
    for (int i = 0; i < 100; ++i) {
      int n = batch * 100 + i;
      items.push_back({"+1202556" + std::to_string(1000 + n % 50),
                       kSpaNumber,
                       "burst " + std::to_string(n),
                       {},
                       "SMburst" + std::to_string(n),
                       std::nullopt});
    }
    auto results = mc->ingest({"spa", "", std::nullopt}, items);
    ASSERT_EQ(results.size(), 100u);
    for (auto& r : results) ASSERT_TRUE(r.ok());
    // Bursts of 100 messages, 50 bursts a second: a pace a live subscriber keeps up with.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double ingest_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  done = true;
  reader.join();
  const double received_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(count_inbound(fast), static_cast<std::size_t>(kMessages))
      << "the reading subscriber got every message";
  // Per conversation, messages arrive in the order they were ingested.
  std::map<std::string, int> last_of;
  for (auto& e : fast.events()) {
    if (e.kind != "message" || e.data["message"]["direction"] != "in") continue;
    std::string body = e.data["message"]["body"];
    int n = std::stoi(body.substr(6));
    std::string conv = e.data["message"]["conversation"];
    auto it = last_of.find(conv);
    if (it != last_of.end() && it->second >= n) {
      ADD_FAILURE() << "out of order in " << conv << ": " << it->second << " then " << n;
      break;
    }
    last_of[conv] = n;
  }
  // The silent one is dropped: at once when its queue overflows, else when a write has been
  // stuck for write_timeout (1 s here).
  for (int i = 0; i < 300 && metrics.sse_slow_disconnects.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(metrics.sse_slow_disconnects.load(), 1u)
      << "the silent one was dropped; subscribers now " << metrics.sse_subscribers.load();
  EXPECT_LT(ingest_s, 20.0);
  std::cout << "[ measured ] " << kMessages << " inbound messages ingested in bursts of 100 in "
            << ingest_s * 1000
            << " ms (20 ms pauses included) with one stalled and one live subscriber; the live one "
               "had all "
            << count_inbound(fast) << " after " << received_s * 1000 << " ms\n";
  // The stalled subscriber's socket is closed by the server: reading it drains what was
  // buffered, then ends (EOF or reset), never blocks for long.
  timeval tv{2, 0};
  setsockopt(slow.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::array<char, 65536> buf;
  ssize_t n = 1;
  std::size_t drained = 0;
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (n > 0 && std::chrono::steady_clock::now() < drain_deadline) {
    n = ::recv(slow.native_handle(), buf.data(), buf.size(), 0);
    if (n > 0) drained += static_cast<std::size_t>(n);
  }
  EXPECT_TRUE(n == 0 || (n < 0 && errno == ECONNRESET)) << "n=" << n << " errno=" << errno;
}

class ServerThousandSubscribers : public ServerTest {
  void configure(server_options& o) override {
    o.limits.rate_burst = 100000;
    o.limits.workers = 8;
    o.limits.max_queued_requests = 100000;
    // 100 streams per staff member on one token each: well past the default caps.
    o.limits.max_streams_per_token = 1000;
    o.limits.max_streams_per_staff = 1000;
  }
};

TEST_F(ServerThousandSubscribers, AllReceiveTheEvent) {
  constexpr int kClients = 1000;
  constexpr int kStaff = 10;
  // Each client costs a socket here and one in the server.
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 4 * kClients + 256) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4 * kClients + 256);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  getrlimit(RLIMIT_NOFILE, &lim);
  ASSERT_GE(lim.rlim_cur, static_cast<rlim_t>(2 * kClients + 128))
      << "raise the hard limit of open files";
  std::vector<std::string> staff_tokens;
  for (int i = 0; i < kStaff; ++i)
    staff_tokens.push_back(
        put_staff("spa", "s" + std::to_string(i), json::array({"view_messages"})));

  struct client {
    std::unique_ptr<tcp::socket> socket;
    std::array<char, 4096> buf{};
    std::string text;
    bool subscribed = false;
    bool got = false;
  };
  net::io_context ioc;
  std::vector<client> clients(kClients);
  std::atomic<int> subscribed{0}, received{0};
  std::atomic<std::int64_t> last_ns{0};
  std::function<void(int)> read_more = [&](int i) {
    auto& c = clients[i];
    c.socket->async_read_some(net::buffer(c.buf), [&, i](beast::error_code ec, std::size_t n) {
      auto& cl = clients[i];
      if (ec) return;
      cl.text.append(cl.buf.data(), n);
      if (!cl.subscribed && cl.text.find(": subscribed") != std::string::npos) {
        cl.subscribed = true;
        ++subscribed;
      }
      if (!cl.got && cl.text.find("fan-out to everyone") != std::string::npos) {
        cl.got = true;
        last_ns = std::chrono::steady_clock::now().time_since_epoch().count();
        ++received;
      }
      if (cl.text.size() > 1 << 16) cl.text.erase(0, cl.text.size() - 1024);
      read_more(i);
    });
  };
  const auto t_connect = std::chrono::steady_clock::now();
  for (int i = 0; i < kClients; ++i) {
    clients[i].socket = std::make_unique<tcp::socket>(ioc);
    clients[i].socket->connect({net::ip::make_address("127.0.0.1"), port});
    std::string req = "GET /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      staff_tokens[i % kStaff] + "\r\n\r\n";
    net::write(*clients[i].socket, net::buffer(req));
    read_more(i);
  }
  std::thread io([&] { ioc.run(); });
  auto wait_for = [&](std::atomic<int>& n, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (n.load() < kClients && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return n.load();
  };
  EXPECT_EQ(wait_for(subscribed, std::chrono::seconds(30)), kClients);
  const double connect_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_connect)
          .count();
  EXPECT_EQ(metrics.sse_subscribers.load(), kClients);

  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(inbound("fan-out to everyone", "SMfan").status, 200u);
  const double ack_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(wait_for(received, std::chrono::seconds(30)), kClients);
  const double fanout_ms = (last_ns.load() - t0.time_since_epoch().count()) / 1e6;
  std::cout << "[ measured ] " << kClients << " SSE subscribers (" << kStaff
            << " staff) connected and subscribed in " << connect_ms
            << " ms; webhook acknowledged in " << ack_ms << " ms; all " << received.load()
            << " received the message event " << fanout_ms << " ms after the webhook was posted\n";
  RecordProperty("fanout_ms", std::to_string(fanout_ms));

  for (auto& c : clients) {
    beast::error_code ec;
    c.socket->shutdown(tcp::socket::shutdown_both, ec);
    c.socket->close(ec);
  }
  ioc.stop();
  io.join();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metrics.sse_subscribers.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(metrics.sse_subscribers.load(), 0) << "closed streams are noticed and released";
}

}  // namespace
}  // namespace msgcenter::server::testing
