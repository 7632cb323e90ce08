// The webhook fast path against a real server: signed webhooks from many connections and
// pipelined on one are gathered into engine batches (server/src/webhook_batcher), each
// acknowledged one stored exactly once, answered in request order per connection, an
// unsigned flood refused without holding signed ones up, and a stop with webhooks in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <set>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

constexpr const char* kTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

/// One connection that sends every request in one write (a pipeline), then reads one
/// answer per request. Fewer answers when the server closed the connection.
std::vector<http_reply> pipelined(std::uint16_t port, const std::vector<std::string>& requests,
                                  const std::string& source = {}) {
  std::vector<http_reply> out;
  try {
    net::io_context ioc;
    tcp::socket socket(ioc);
    connect_from(socket, port, source);
    std::string all;
    for (auto& r : requests) all += r;
    net::write(socket, net::buffer(all));
    beast::flat_buffer buf;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      http::response_parser<http::string_body> parser;
      beast::error_code ec;
      http::read(socket, buf, parser, ec);
      if (ec) break;
      http_reply r;
      r.status = parser.get().result_int();
      r.body = parser.get().body();
      r.headers = lower_case_headers(parser.get());
      out.push_back(std::move(r));
    }
  } catch (const std::exception&) {
  }
  return out;
}

class WebhookBatching : public ServerTest {
 protected:
  /// A signed inbound webhook as raw HTTP/1.1 bytes (keep-alive).
  std::string signed_sms(const std::string& sid, const std::string& from, const std::string& body,
                         const std::string& token = kSpaToken) const {
    form_fields f = {{"MessageSid", sid}, {"AccountSid", "ACspa"}, {"From", from},
                     {"To", kSpaNumber},  {"Body", body},          {"NumMedia", "0"}};
    return raw_post("/webhooks/twilio/sms", f,
                    twilio_signature(url("/webhooks/twilio/sms"), f, token));
  }
  std::string raw_post(const std::string& path, const form_fields& f,
                       const std::string& signature) const {
    auto body = encode_form(f);
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
           signature + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  std::string raw_get(const std::string& target, const std::string& token = {}) const {
    std::string r = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
    return r + "\r\n";
  }
  static std::string client(int n) { return "+1202555" + std::to_string(1000 + n); }

  /// Every message of every conversation ana sees: provider id -> times stored.
  std::map<std::string, int> stored_provider_ids() {
    std::map<std::string, int> seen;
    auto rows = call("GET", "/v1/conversations?folder=all&limit=200", "", ana).j()["rows"];
    for (auto& row : rows) {
      auto msgs = call("GET",
                       "/v1/conversations/" + row["conversation"].get<std::string>() +
                           "/messages?limit=200",
                       "", ana)
                      .j()["messages"];
      for (auto& m : msgs) ++seen[m.value("provider_id", "")];
    }
    return seen;
  }
  std::string metric(const std::string& name) {
    auto text = call("GET", "/metrics").body;
    auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return "missing";
    auto end = text.find('\n', at + 1);
    return text.substr(at + name.size() + 2, end - at - name.size() - 2);
  }
};

TEST_F(WebhookBatching, ManyConnectionsPipelining_EveryAcknowledgedWebhookIsStoredOnce) {
  // Given 8 connections, each pipelining 40 signed webhooks from its own client
  constexpr int kConnections = 8, kPerConnection = 40;
  std::vector<std::future<std::vector<http_reply>>> runs;
  for (int c = 0; c < kConnections; ++c) {
    std::vector<std::string> reqs;
    for (int k = 0; k < kPerConnection; ++k)
      reqs.push_back(signed_sms("SMc" + std::to_string(c) + "k" + std::to_string(k), client(c),
                                "text " + std::to_string(k)));
    runs.push_back(std::async(std::launch::async,
                              [this, reqs = std::move(reqs)] { return pipelined(port, reqs); }));
  }
  // When every answer is in
  std::size_t acknowledged = 0;
  for (auto& run : runs) {
    auto answers = run.get();
    EXPECT_EQ(answers.size(), std::size_t{kPerConnection});
    for (auto& a : answers) {
      EXPECT_EQ(a.status, 200u) << a.body;
      EXPECT_EQ(a.body, kTwiml);
      if (a.status == 200) ++acknowledged;
    }
  }
  // Then each acknowledged webhook is stored, once
  ASSERT_EQ(acknowledged, std::size_t{kConnections * kPerConnection});
  auto seen = stored_provider_ids();
  EXPECT_EQ(seen.size(), acknowledged);
  for (auto& [sid, times] : seen) EXPECT_EQ(times, 1) << sid;
  EXPECT_EQ(call("GET", "/v1/conversations?folder=all&limit=200", "", ana).j()["rows"].size(),
            std::size_t{kConnections});
  EXPECT_EQ(metric("msgcenter_inbound_messages_total"), std::to_string(acknowledged));
  EXPECT_EQ(metric("msgcenter_inbound_duplicates_total"), "0");
}

TEST_F(WebhookBatching, DuplicateMessageSidsRacing_AreStoredOnce_AndAllAnswered200) {
  // Given 6 connections pipelining the same 15 MessageSids at once (Twilio's retries racing)
  constexpr int kConnections = 6, kSids = 15;
  std::vector<std::string> reqs;
  for (int k = 0; k < kSids; ++k)
    reqs.push_back(signed_sms("SMrace" + std::to_string(k), kClient, "again " + std::to_string(k)));
  std::vector<std::future<std::vector<http_reply>>> runs;
  for (int c = 0; c < kConnections; ++c)
    runs.push_back(std::async(std::launch::async, [&] { return pipelined(port, reqs); }));
  // Then every copy is acknowledged (a duplicate is a success to Twilio)
  for (auto& run : runs) {
    auto answers = run.get();
    ASSERT_EQ(answers.size(), std::size_t{kSids});
    for (auto& a : answers) EXPECT_EQ(a.status, 200u) << a.body;
  }
  // And each MessageSid is stored exactly once
  auto seen = stored_provider_ids();
  EXPECT_EQ(seen.size(), std::size_t{kSids});
  for (auto& [sid, times] : seen) EXPECT_EQ(times, 1) << sid;
  EXPECT_EQ(metric("msgcenter_inbound_messages_total"), std::to_string(kSids));
  EXPECT_EQ(metric("msgcenter_inbound_duplicates_total"),
            std::to_string(kSids * (kConnections - 1)));
}

TEST_F(WebhookBatching, Pipeline_AnswersComeInRequestOrder_WhateverOrderTheyAreReadyIn) {
  // Given one connection pipelining webhooks that wait for the engine between refusals and
  // routes answered at once
  form_fields no_sid = {{"From", kClient}, {"To", kSpaNumber}, {"Body", "no sid"}};
  const std::vector<std::string> reqs = {
      signed_sms("SMo1", kClient, "one"),
      raw_post("/webhooks/twilio/sms", {{"From", kClient}, {"To", kSpaNumber}}, "bm9wZQ=="),
      signed_sms("SMo2", kClient, "two"),
      raw_get("/healthz"),
      raw_post("/webhooks/twilio/sms", no_sid,
               twilio_signature(url("/webhooks/twilio/sms"), no_sid, kSpaToken)),
      signed_sms("SMo3", kClient, "three"),
      raw_get("/nope"),
      // A request that must run alone waits for every earlier answer, so it sees them.
      raw_get("/v1/conversations?folder=all", ana),
      signed_sms("SMo4", kClient, "four"),
  };
  auto answers = pipelined(port, reqs);
  // Then the answers are those of the requests, in their order
  ASSERT_EQ(answers.size(), reqs.size());
  const std::vector<unsigned> expected = {200, 403, 200, 200, 400, 200, 404, 200, 200};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(answers[i].status, expected[i]) << "answer " << i << ": " << answers[i].body;
  EXPECT_EQ(answers[0].body, kTwiml);
  EXPECT_EQ(answers[1].code(), "permission_denied");
  EXPECT_EQ(answers[3].j()["status"], "serving");
  EXPECT_EQ(answers[4].code(), "invalid_argument");
  EXPECT_EQ(answers[6].code(), "not_found");
  auto rows = answers[7].j()["rows"];
  ASSERT_EQ(rows.size(), 1u) << answers[7].body;
  EXPECT_EQ(rows[0]["preview"], "three")
      << "the listing ran after the earlier webhooks were stored";
  EXPECT_EQ(answers[8].body, kTwiml);
  // And the refused ones changed nothing
  auto seen = stored_provider_ids();
  EXPECT_EQ(seen.size(), 4u);
  for (auto sid : {"SMo1", "SMo2", "SMo3", "SMo4"}) EXPECT_EQ(seen[sid], 1) << sid;
}

TEST_F(WebhookBatching, ConnectionClose_InAPipeline_AnswersUpToIt_ThenCloses) {
  auto closing = signed_sms("SMclose2", kClient, "last");
  closing.insert(closing.find("\r\n") + 2, "Connection: close\r\n");
  auto answers = pipelined(port, {signed_sms("SMclose1", kClient, "first"), closing,
                                  signed_sms("SMclose3", kClient, "never read")});
  ASSERT_EQ(answers.size(), 2u) << "nothing is answered after the closing request";
  EXPECT_EQ(answers[0].status, 200u);
  EXPECT_EQ(answers[1].status, 200u);
  EXPECT_EQ(answers[1].headers["connection"], "close");
  auto seen = stored_provider_ids();
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.count("SMclose3"), 0u) << "a request after Connection: close is not run";
}

TEST_F(WebhookBatching, UnsignedFlood_IsRefusedPerSource_WhileSignedWebhooksAreStored) {
  // Given a flood of wrongly signed webhooks from 127.0.0.2 on 4 pipelined connections
  form_fields f = {
      {"MessageSid", "SMflood"}, {"From", kClient}, {"To", kSpaNumber}, {"Body", "spam"}};
  std::vector<std::string> bad(100, raw_post("/webhooks/twilio/sms", f, "bm90IGEgc2lnbmF0dXJl"));
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> refused_403{0}, refused_429{0}, other{0};
  std::vector<std::thread> flood;
  const auto flood_began = std::chrono::steady_clock::now();
  for (int c = 0; c < 4; ++c)
    flood.emplace_back([&] {
      while (!stop)
        for (auto& a : pipelined(port, bad, "127.0.0.2")) {
          if (a.status == 403)
            ++refused_403;
          else if (a.status == 429)
            ++refused_429;
          else
            ++other;
        }
    });
  // When Twilio (another source) sends signed webhooks meanwhile, pipelined and one by one
  std::vector<std::string> good;
  for (int k = 0; k < 50; ++k)
    good.push_back(signed_sms("SMreal" + std::to_string(k), client(k % 5), "real"));
  auto answers = pipelined(port, good);
  std::vector<http_reply> singles;
  for (int k = 0; k < 10; ++k) singles.push_back(inbound("single", "SMsingle" + std::to_string(k)));
  while (refused_429.load() < 1000) std::this_thread::yield();  // the flood is well under way
  stop = true;
  for (auto& t : flood) t.join();
  const auto flood_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now() - flood_began)
                                 .count();
  // Then every signed webhook is acknowledged and stored
  ASSERT_EQ(answers.size(), good.size());
  for (auto& a : answers) EXPECT_EQ(a.status, 200u) << a.body;
  for (auto& a : singles) EXPECT_EQ(a.status, 200u) << a.body;
  auto seen = stored_provider_ids();
  EXPECT_EQ(seen.size(), 60u);
  EXPECT_EQ(seen.count("SMflood"), 0u) << "nothing of the flood was stored";
  // And the flood was refused: a few 403s, then 429 before any signature is computed
  EXPECT_EQ(other.load(), 0u);
  // The bucket: auth_failure_burst (30) at once, then a token a second for as long as the
  // flood ran (a loaded or sanitized run lasts longer than one second).
  EXPECT_LE(refused_403.load(), 31u + static_cast<std::uint64_t>(flood_seconds))
      << "auth_failure_burst (30) and a token a second, over " << flood_seconds << " s";
  EXPECT_GE(refused_429.load(), 1000u);
  EXPECT_EQ(metrics.signature_failures.load(), refused_403.load());
}

/// A durable engine whose journal commits can be held (to keep webhooks in flight).
class WebhookBatchingShutdown : public WebhookBatching {
 protected:
  void configure_engine(options& o) override {
    use_data_dir(o);
    o.commit_hook = [this] {
      std::unique_lock<std::mutex> lock(mutex);
      if (hold) {
        ++held;
        cv.notify_all();
        cv.wait(lock, [this] { return !hold; });
      }
      return 0;
    };
  }
  void TearDown() override {
    release();
    WebhookBatching::TearDown();
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    hold = false;
    cv.notify_all();
  }
  std::mutex mutex;
  std::condition_variable cv;
  bool hold = false;
  int held = 0;
};

TEST_F(WebhookBatchingShutdown, Stop_AnswersThePipelinedWebhooksInFlight_OnceDurable) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    hold = true;
  }
  // Given 3 connections with pipelined webhooks whose commit is held
  std::vector<std::future<std::vector<http_reply>>> runs;
  for (int c = 0; c < 3; ++c) {
    std::vector<std::string> reqs;
    for (int k = 0; k < 10; ++k)
      reqs.push_back(signed_sms("SMstop" + std::to_string(c) + "_" + std::to_string(k), client(c),
                                "in flight"));
    runs.push_back(std::async(std::launch::async,
                              [this, reqs = std::move(reqs)] { return pipelined(port, reqs); }));
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [this] { return held > 0; });
  }
  while (server->in_flight() < 30) std::this_thread::yield();  // all read, none answered
  // When the server stops while they are in flight, and the commit goes through meanwhile
  auto stopping = std::async(std::launch::async, [this] { return server->stop(); });
  while (http_call(port, "GET", "/healthz").status != 0) std::this_thread::yield();  // stopping
  EXPECT_NE(stopping.wait_for(std::chrono::seconds(0)), std::future_status::ready)
      << "stop waits for the webhooks in flight";
  EXPECT_EQ(server->in_flight(), 30u) << "none answered before its batch is durable";
  release();
  // Then stop abandons nothing, and every webhook was answered 200
  EXPECT_EQ(stopping.get(), 0u);
  std::size_t ok = 0;
  for (auto& run : runs)
    for (auto& a : run.get()) ok += a.status == 200;
  EXPECT_EQ(ok, 30u);
  EXPECT_EQ(http_call(port, "GET", "/healthz").status, 0u) << "no new connections";
  // And each is in the store once it has been acknowledged
  EXPECT_EQ(mc->inbox_badge({"spa", "ana", std::nullopt}).value().unread_messages, 30u);
}

}  // namespace
}  // namespace msgcenter::server::testing
