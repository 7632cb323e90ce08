// The embedding API itself: batches, async forms, subscriptions, errors, shutdown.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "engine_fixture.hpp"

namespace msgcenter::testing {
namespace {

using EngineApi = EngineTest;

TEST_F(EngineApi, Ingest_BatchAnswersInOrder_WithIncreasingIds) {
  std::vector<inbound_request> batch;
  for (int i = 0; i < 1000; ++i) {
    auto phone = "+1202555" + std::to_string(1000 + i % 100);
    batch.push_back(
        {phone, kNumber, "msg " + std::to_string(i), {}, "SMb" + std::to_string(i), std::nullopt});
  }
  auto results = mc->ingest(admin(), batch);
  ASSERT_EQ(results.size(), batch.size());
  message_id last = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << i;
    EXPECT_EQ(results[i]->stored.body, "msg " + std::to_string(i));
    EXPECT_GT(results[i]->stored.id, last);
    last = results[i]->stored.id;
  }
  EXPECT_EQ(badge_of("ben").unread_conversations, 100u);
  EXPECT_EQ(badge_of("ben").unread_messages, 1000u);
}

TEST_F(EngineApi, Ingest_DuplicateInsideOneBatch_AnswersOriginal) {
  inbound_request a{kClient, kNumber, "hello", {}, "SMdup", std::nullopt};
  auto results = mc->ingest(admin(), {a, a});
  ASSERT_TRUE(results[0].ok());
  ASSERT_TRUE(results[1].ok());
  EXPECT_FALSE(results[0]->duplicate);
  EXPECT_TRUE(results[1]->duplicate);
  EXPECT_EQ(results[1]->stored.id, results[0]->stored.id);
  EXPECT_EQ(badge_of("ben").unread_messages, 1u);
}

TEST_F(EngineApi, Ingest_BadItemFailsAlone) {
  std::vector<inbound_request> batch{
      {kClient, kNumber, "ok", {}, "", std::nullopt},
      {kClient, "+12025550999", "wrong number", {}, "", std::nullopt},
      {kClient, kNumber, std::string(1601, 'x'), {}, "", std::nullopt}};
  auto results = mc->ingest(admin(), batch);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].error().code, errc::not_found);
  EXPECT_EQ(results[2].error().code, errc::body_too_long);
}

TEST_F(EngineApi, Inbound_WithoutBusiness_RoutesByNumber) {
  auto r = mc->inbound({"", "", std::nullopt}, {kClient, kNumber, "hi", {}, "", std::nullopt});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(badge_of("ana").unread_conversations, 1u);
}

TEST_F(EngineApi, NumberOfAnotherBusiness_IsRefused) {
  ASSERT_TRUE(mc->business_put({"gym", "", std::nullopt}, {"Gym", "US", "", {}}).ok());
  auto r = mc->number_put({"gym", "", std::nullopt}, {kNumber, "x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
}

TEST_F(EngineApi, ForeignConversationId_IsNotFound) {
  auto in = receive("hello");
  ASSERT_TRUE(mc->business_put({"gym", "", std::nullopt}, {"Gym", "US", "", {}}).ok());
  ASSERT_TRUE(
      mc->staff_put({"gym", "", std::nullopt}, {"ana", "Ana", all_rights(), {}, false}).ok());
  auto r = mc->conversation_messages({"gym", "ana", std::nullopt}, {in.conversation, {}, 50, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::not_found);
}

TEST_F(EngineApi, UnknownBusiness_IsNotFound) {
  EXPECT_EQ(mc->inbox_badge({"nope", "ana", std::nullopt}).error().code, errc::not_found);
}

TEST_F(EngineApi, AsyncForms_Resolve) {
  auto in = mc->inbound_async(admin(), {kClient, kNumber, "async", {}, "", std::nullopt}).get();
  ASSERT_TRUE(in.ok());
  auto page = mc->inbox_list_async(as("ben"), inbox_query{});
  auto b = mc->inbox_badge_async(as("ben"));
  EXPECT_EQ(page.get()->rows.size(), 1u);
  EXPECT_EQ(b.get()->unread_messages, 1u);
  send_request s;
  s.conversation = in->conversation;
  s.body = "reply";
  auto sent = mc->send_async(as("ben"), s).get();
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->stored.author, "ben");
  EXPECT_FALSE(sent->stored.provider_id.empty()) << "handed to the gateway";
  EXPECT_EQ(gateway_->sent().size(), 1u);
}

TEST_F(EngineApi, Send_ManualReply_MarksReadForSenderAndReplied) {
  auto in = receive("hello");
  send_request s;
  s.conversation = in.conversation;
  s.body = "hi there";
  ASSERT_TRUE(mc->send(as("ben"), s).ok());
  auto rows = mc->inbox_list(as("ben"), inbox_query{});
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].current_folder, folder::replied);
  EXPECT_EQ(rows->rows[0].view.last_direction, direction::out);
}

TEST_F(EngineApi, Send_WithoutRight_IsPermissionDenied_AndStoresNothing) {
  put_staff("viewer", bit(right::view_messages));
  send_request s;
  s.phone = "+12025550177";
  s.body = "hi";
  EXPECT_EQ(mc->send(as("viewer"), s).error().code, errc::permission_denied);
  EXPECT_TRUE(mc->inbox_list(as("ana"), inbox_query{})->rows.empty());
  EXPECT_TRUE(gateway_->sent().empty());
}

/// The events a subscription delivered, from any thread.
struct event_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<staff_event> events;
  message_center::event_fn recorder() {
    return [this](const staff_event& ev) {
      std::lock_guard<std::mutex> g(m);
      events.push_back(ev);
      cv.notify_all();
    };
  }
  template <class Pred>
  bool wait_until(Pred pred) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return pred(events); });
  }
};

TEST_F(EngineApi, Subscription_OfStaffWhoLoseViewMessages_EndsWithClosed) {
  event_log log;
  auto sub = mc->subscribe(as("ben"), log.recorder());
  ASSERT_TRUE(sub.ok());
  put_staff("ben", bit(right::send_sms));  // view_messages taken away
  ASSERT_TRUE(log.wait_until([](const std::vector<staff_event>& evs) {
    return !evs.empty() && evs.back().kind == event_kind::closed;
  })) << "the stream is told it ends";
  receive("after the change");
  auto badge = mc->inbox_badge(as("ana"));  // a turn of the shard after the inbound
  ASSERT_TRUE(badge.ok());
  {
    std::lock_guard<std::mutex> g(log.m);
    EXPECT_EQ(log.events.back().kind, event_kind::closed) << "nothing after `closed`";
    EXPECT_EQ(log.events.back().seq, 0u) << "outside the resumable sequence";
  }
  auto again = mc->subscribe(as("ben"), [](const staff_event&) {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, errc::permission_denied);
}

TEST_F(EngineApi, Subscription_OfStaffWhoKeepViewMessages_StaysOpen) {
  std::atomic<int> closed{0};
  auto sub = mc->subscribe(as("ben"), [&](const staff_event& ev) {
    if (ev.kind == event_kind::closed) ++closed;
  });
  ASSERT_TRUE(sub.ok());
  put_staff("ben", bit(right::view_messages));  // send_sms taken away only
  ASSERT_TRUE(mc->inbox_badge(as("ben")).ok());
  EXPECT_EQ(closed.load(), 0);
}

TEST_F(EngineApi, Subscription_DeliversOrderedEvents_AndResumes) {
  event_log log;
  auto& m = log.m;
  auto& cv = log.cv;
  auto& events = log.events;
  auto sub = mc->subscribe(as("ben"), log.recorder());
  ASSERT_TRUE(sub.ok());
  receive("hello");
  ASSERT_TRUE(log.wait_until([](const std::vector<staff_event>& evs) { return evs.size() >= 4; }));
  std::vector<event_kind> kinds;
  {
    std::lock_guard<std::mutex> g(m);
    for (std::size_t i = 0; i < events.size(); ++i) {
      kinds.push_back(events[i].kind);
      if (i > 0) EXPECT_EQ(events[i].seq, events[i - 1].seq + 1) << "ordered, no gaps";
    }
  }
  EXPECT_EQ(kinds[0], event_kind::message);
  EXPECT_EQ(kinds[1], event_kind::conversation);
  EXPECT_EQ(kinds[2], event_kind::alert);
  EXPECT_EQ(kinds[3], event_kind::badge);
  EXPECT_EQ(events[3].badge_value.unread_messages, 1u);

  // Resume: a new subscriber after the second event gets the third and fourth again.
  const std::uint64_t second = events[1].seq;
  std::vector<std::uint64_t> replayed;
  auto again = mc->subscribe(
      as("ben"),
      [&](const staff_event& ev) {
        std::lock_guard<std::mutex> g(m);
        replayed.push_back(ev.seq);
        cv.notify_all();
      },
      second);
  ASSERT_TRUE(again.ok());
  std::unique_lock<std::mutex> lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return replayed.size() >= 2; }));
  EXPECT_EQ(replayed[0], second + 1);
  EXPECT_EQ(replayed[1], second + 2);
}

TEST_F(EngineApi, ConcurrentCallers_AllAnswered_BadgeConsistent) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto phone = "+1202556" + std::to_string(1000 + t * kPerThread + i);
        auto r = mc->inbound(admin(), {phone, kNumber, "x", {}, "", std::nullopt});
        EXPECT_TRUE(r.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(badge_of("ben").unread_conversations,
            static_cast<std::uint64_t>(kThreads * kPerThread));
}

// Threads of this process, from /proc (the facade must not start one per call).
std::size_t process_threads() {
  std::size_t n = 0;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("Threads:", 0) == 0) n = std::stoul(line.substr(8));
  return n;
}

TEST_F(EngineApi, Facade_NoActorOrThreadPerCall) {
  // Many calls in flight at once: a one-shot actor or a gathering thread per call would
  // show up while they are pending.
  const auto before = mc->stats().actors_running;
  const auto threads_before = process_threads();
  std::vector<std::future<std::vector<result<inbound_reply>>>> ingests;
  std::vector<std::future<result<badge>>> badges;
  std::size_t peak_actors = 0;
  std::size_t peak_threads = 0;
  for (int i = 0; i < 200; ++i) {
    ingests.push_back(mc->ingest_async(
        admin(), {{"+1202557" + std::to_string(1000 + i), kNumber, "x", {}, "", std::nullopt}}));
    badges.push_back(mc->inbox_badge_async({"spa", "ben", std::nullopt}));
    peak_actors = std::max(peak_actors, mc->stats().actors_running);
    peak_threads = std::max(peak_threads, process_threads());
  }
  for (auto& f : ingests) ASSERT_TRUE(f.get()[0].ok());
  for (auto& f : badges) ASSERT_TRUE(f.get().ok());
  // 200 new conversations are virtual actors of their shard: no CAF actor may appear.
  EXPECT_EQ(peak_actors, before);
  EXPECT_EQ(mc->stats().actors_running, before);
  EXPECT_EQ(peak_threads, threads_before);
  EXPECT_EQ(mc->stats().calls_in_flight, 0u);
}

TEST(EngineLifecycle, CloseWithLiveSubscription_Finishes) {
  auto mc = message_center::open({});
  ASSERT_TRUE(mc.ok());
  auto& e = *mc.value();
  ASSERT_TRUE(e.business_put({"b", "", std::nullopt}, {"B", "US", "", {}}).ok());
  ASSERT_TRUE(
      e.staff_put({"b", "", std::nullopt}, {"s", "S", bit(right::view_messages), {}, false}).ok());
  auto sub = e.subscribe({"b", "s", std::nullopt}, [](const staff_event&) {});
  ASSERT_TRUE(sub.ok());
  e.close();  // must return: the test would time out otherwise
  EXPECT_EQ(e.inbox_badge({"b", "s", std::nullopt}).error().code, errc::unavailable);
}

}  // namespace
}  // namespace msgcenter::testing
