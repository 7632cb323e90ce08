// Scenarios against the engine (msgcenter::message_center), in memory and durable, and the
// same workloads against the single-threaded in-memory baseline (baseline_inmemory.hpp).
//
// Conventions: items_per_second counts inbound messages (or operations); times are wall
// clock (the engine works on its own threads); latency percentiles are custom counters in
// ms (batches) or us (single operations). Durable scenarios are skipped with an error
// message while message_center::open refuses a data_dir.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "baseline_inmemory.hpp"
#include "engine_world.hpp"
#include "msgcenter/core/phone.hpp"

namespace msgcenter::bench {
namespace {

constexpr std::size_t kWindow = 4;  // batches in flight against the engine

bool full_sweep() {
  const char* f = std::getenv("MSGCENTER_BENCH_FULL");
  return f && *f && *f != '0';
}

// Builds every batch a run will send before the timed loop (capped at 4M messages, beyond
// which they are built on the fly), so request construction is not charged to the engine.
struct batch_plan {
  std::vector<std::vector<inbound_request>> batches;
  batch_plan(const burst_source& src, std::uint64_t first, std::int64_t iterations,
             std::size_t batch) {
    if (static_cast<std::uint64_t>(iterations) * batch > 4'000'000) return;
    batches.reserve(static_cast<std::size_t>(iterations));
    for (std::int64_t i = 0; i < iterations; ++i)
      batches.push_back(src.batch(first + static_cast<std::uint64_t>(i) * batch, batch));
  }
  std::vector<inbound_request> take(const burst_source& src, std::int64_t i, std::uint64_t first,
                                    std::size_t batch) {
    if (static_cast<std::size_t>(i) < batches.size())
      return std::move(batches[static_cast<std::size_t>(i)]);
    return src.batch(first + static_cast<std::uint64_t>(i) * batch, batch);
  }
};

void set_latency_counters(benchmark::State& state, std::vector<double>& v, const char* unit) {
  if (v.empty()) return;
  std::string u(unit);
  state.counters["p50_" + u] = percentile(v, 0.50);
  state.counters["p99_" + u] = percentile(v, 0.99);
  state.counters["p999_" + u] = percentile(v, 0.999);
  state.counters["max_" + u] = v.back();
}

world_params burst_params(const benchmark::State& state, bool durable) {
  world_params p;
  p.conversations = static_cast<std::uint64_t>(state.range(0));
  p.staff = static_cast<std::size_t>(state.range(1));
  p.assigned_pct = static_cast<int>(state.range(3));
  p.muted_pct = static_cast<int>(state.range(4));
  p.subscribed_pct = static_cast<int>(state.range(5));
  p.durable = durable;
  return p;
}

// An inbound burst: every iteration hands one batch to ingest_async, with kWindow batches in
// flight; the last iteration waits for all of them, so the total time is the burst's.
void burst(benchmark::State& state, bool durable) {
  auto p = burst_params(state, durable);
  const auto batch = static_cast<std::size_t>(state.range(2));
  auto got = cached_world(p);
  if (!got) {
    state.SkipWithError((std::string(durable ? "durable mode unavailable: " : "setup failed: ") +
                         got.error().message)
                            .c_str());
    return;
  }
  auto& w = *got.value();
  auto& mc = w.mc();
  const auto first = w.next_message;
  batch_plan plan(w.source(), first, state.max_iterations, batch);
  const op_context ctx{kBusiness, "", std::nullopt};
  struct in_flight {
    std::future<std::vector<result<inbound_reply>>> fut;
    clock_type::time_point start;
  };
  std::deque<in_flight> q;
  std::vector<double> lat;
  std::uint64_t ok = 0, failed = 0;
  std::string first_error;
  auto settle = [&] {
    auto results = q.front().fut.get();
    lat.push_back(ms_since(q.front().start));
    q.pop_front();
    if (results.empty()) ++failed;
    for (auto& r : results) {
      if (r) {
        ++ok;
      } else {
        ++failed;
        if (first_error.empty()) first_error = r.error().message;
      }
    }
  };
  std::int64_t i = 0;
  cpu_noise noise;
  auto last = clock_type::now();
  for (auto _ : state) {
    auto b = plan.take(w.source(), i, first, batch);
    q.push_back({mc.ingest_async(ctx, std::move(b)), clock_type::now()});
    if (q.size() >= kWindow) settle();
    if (++i == state.max_iterations)
      while (!q.empty()) settle();
    auto now = clock_type::now();
    state.SetIterationTime(std::chrono::duration<double>(now - last).count());
    last = now;
  }
  while (!q.empty()) settle();
  w.next_message += static_cast<std::uint64_t>(i) * batch;
  if (failed) state.SkipWithError(("messages refused: " + first_error).c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(ok));
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["staff_updates_per_s"] =
      benchmark::Counter(static_cast<double>(ok * p.staff), benchmark::Counter::kIsRate);
  state.counters["rss_MiB"] = static_cast<double>(rss_bytes()) / (1 << 20);
  state.counters["other_load_cores"] = noise.other_cores();
  // The warm-up was a first-contact burst: new conversations (spawned) and new phones.
  if (w.warmup_seconds > 0)
    state.counters["first_contact_msgs_per_s"] =
        static_cast<double>(p.conversations) / w.warmup_seconds;
  set_latency_counters(state, lat, "batch_ms");
}

void BM_InboundBurst(benchmark::State& state) { burst(state, false); }
void BM_DurableBurst(benchmark::State& state) { burst(state, true); }

// The same burst against the single-threaded baseline (normalize = range(6): also run
// libphonenumber on `from` and `to` as the engine does).
void BM_BaselineInMemoryBurst(benchmark::State& state) {
  auto p = burst_params(state, false);
  const auto batch = static_cast<std::size_t>(state.range(2));
  const bool normalize = state.range(6) != 0;
  static std::unique_ptr<baseline_inbox_store> store;
  static world_params store_params;
  static bool store_normalize = false;
  static std::uint64_t next = 0;
  burst_source src(p.conversations);
  std::vector<std::int64_t> acks;
  // Time only moves forward across calls (an older time would walk the inbox lists).
  static millis at = 1'700'000'000'000;
  if (!store || !(store_params == p) || store_normalize != normalize) {
    store.reset();
    store = std::make_unique<baseline_inbox_store>(p.staff, p.mode, normalize);
    store->add_number(kNumber);
    const auto subscribed = p.staff * static_cast<std::size_t>(p.subscribed_pct) / 100;
    for (std::size_t s = 0; s < subscribed; ++s) store->set_subscribe_all(s, true);
    for (std::uint64_t k = 0; k < p.conversations; k += 1000)
      store->ingest_batch(src.batch(k, std::min<std::uint64_t>(1000, p.conversations - k)), at,
                          acks);
    for (std::uint64_t i = 0; i < p.conversations; ++i) {
      // Same shares as engine_world (conversation ids are client indices here).
      auto c = static_cast<std::uint32_t>(i);
      if (static_cast<int>((i * 37) % 100) < p.assigned_pct) store->assign(c, i % p.staff);
      for (std::size_t s = 0; s < p.staff; ++s)
        if (static_cast<int>((i * 53 + s * 17) % 100) < p.muted_pct) store->mute(s, c);
    }
    store_params = p;
    store_normalize = normalize;
    next = p.conversations;
  }
  // The baseline's conversation ids follow first arrival, which the warm-up made equal to
  // src.conversation_of(k) order; shares above index by id, close enough for a share.
  batch_plan plan(src, next, state.max_iterations, batch);
  std::int64_t i = 0;
  std::uint64_t ok = 0, failed = 0;
  cpu_noise noise;
  for (auto _ : state) {
    auto b = plan.take(src, i, next, batch);
    store->ingest_batch(b, ++at, acks);
    for (auto a : acks) (a >= 0 ? ok : failed) += 1;
    ++i;
  }
  next += static_cast<std::uint64_t>(i) * batch;
  state.counters["other_load_cores"] = noise.other_cores();
  state.SetItemsProcessed(static_cast<std::int64_t>(ok));
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["staff_updates_per_s"] =
      benchmark::Counter(static_cast<double>(ok * p.staff), benchmark::Counter::kIsRate);
}

void burst_args(benchmark::internal::Benchmark* b, bool baseline) {
  if (baseline)
    b->ArgNames(
        {"conversations", "staff", "batch", "assigned", "muted", "subscribed", "normalize"});
  else
    b->ArgNames({"conversations", "staff", "batch", "assigned", "muted", "subscribed"});
  auto add = [&](std::int64_t c, std::int64_t s, std::int64_t batch, std::int64_t a, std::int64_t m,
                 std::int64_t sub) {
    if (baseline) {
      b->Args({c, s, batch, a, m, sub, 0});
      b->Args({c, s, batch, a, m, sub, 1});
    } else {
      b->Args({c, s, batch, a, m, sub});
    }
  };
  // Every point has 20% of conversations assigned (round robin over staff); the others
  // alert everyone who sees them. The 100k point comes last: the listing and badge
  // scenarios after it reuse its engine.
  // Staff (headline: 20 staff, batches of 1,000).
  add(10000, 1, 1000, 20, 0, 0);
  add(10000, 5, 1000, 20, 0, 0);
  add(10000, 20, 1000, 20, 0, 0);
  add(10000, 100, 1000, 20, 0, 0);
  // Batch size.
  add(10000, 20, 100, 20, 0, 0);
  if (full_sweep()) add(10000, 20, 10000, 20, 0, 0);
  // Shares: half assigned, 10% muted by each staff member, 10% of staff subscribed to all.
  add(10000, 20, 1000, 50, 10, 10);
  // Conversations.
  add(1000, 20, 1000, 20, 0, 0);
  if (full_sweep()) add(1000000, 20, 1000, 20, 0, 0);
  add(100000, 20, 1000, 20, 0, 0);
}

BENCHMARK(BM_BaselineInMemoryBurst)
    ->Apply([](auto* b) { burst_args(b, true); }) -> MinTime(1.0) -> UseRealTime()
        -> Unit(benchmark::kMillisecond);
BENCHMARK(BM_InboundBurst)->Apply([](auto* b) {
                            burst_args(b, false);
                          }) -> MinTime(3.0) -> UseManualTime() -> Unit(benchmark::kMillisecond);

// ---- inbox listing -------------------------------------------------------------------

// filter: 0 = first page of the inbox; 1 = assignee = the caller (about 1% of
// conversations with 20% assigned over 20 staff); 2 = folder archived, matching nothing
// (the whole index is scanned: the worst case).
inbox_query query_for(int filter, const std::string& me) {
  inbox_query q;
  q.limit = 50;
  if (filter == 1) q.assignee = me;
  if (filter == 2) q.folder = folder_filter::archived;
  return q;
}

void BM_InboxList(benchmark::State& state) {
  world_params p;
  p.conversations = static_cast<std::uint64_t>(state.range(0));
  p.staff = static_cast<std::size_t>(state.range(1));
  p.assigned_pct = 20;
  const int filter = static_cast<int>(state.range(2));
  auto got = cached_world(p);
  if (!got) {
    state.SkipWithError(("setup failed: " + got.error().message).c_str());
    return;
  }
  auto& mc = got.value()->mc();
  std::vector<double> lat;
  std::size_t rows = 0, k = 0;
  cpu_noise noise;
  for (auto _ : state) {
    auto me = staff_id(k++ % p.staff);
    auto t0 = clock_type::now();
    auto page = mc.inbox_list({kBusiness, me, std::nullopt}, query_for(filter, me));
    lat.push_back(ms_since(t0) * 1000.0);
    if (!page) {
      state.SkipWithError(("inbox_list failed: " + page.error().message).c_str());
      break;
    }
    rows += page.value().rows.size();
  }
  state.counters["other_load_cores"] = noise.other_cores();
  state.SetItemsProcessed(state.iterations());
  state.counters["rows"] =
      static_cast<double>(rows) / static_cast<double>(std::max<std::size_t>(1, k));
  set_latency_counters(state, lat, "us");
}
BENCHMARK(BM_InboxList)
    ->ArgNames({"conversations", "staff", "filter"})
    ->Args({100000, 20, 0})
    ->Args({100000, 20, 1})
    ->Args({100000, 20, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_BaselineInboxList(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto staff = static_cast<std::size_t>(state.range(1));
  const int filter = static_cast<int>(state.range(2));
  static std::unique_ptr<baseline_inbox_store> store;
  static std::pair<std::uint64_t, std::size_t> made{0, 0};
  if (!store || made != std::make_pair(n, staff)) {
    store = std::make_unique<baseline_inbox_store>(staff, read_status_mode::shared, false);
    store->add_number(kNumber);
    burst_source src(n);
    std::vector<std::int64_t> acks;
    for (std::uint64_t k = 0; k < n; k += 1000)
      store->ingest_batch(src.batch(k, std::min<std::uint64_t>(1000, n - k)),
                          1'700'000'000'000 + static_cast<millis>(k), acks);
    for (std::uint64_t i = 0; i < n; ++i)
      if ((i * 37) % 100 < 20) store->assign(static_cast<std::uint32_t>(i), i % staff);
    made = {n, staff};
  }
  std::vector<double> lat;
  std::size_t rows = 0, k = 0;
  for (auto _ : state) {
    auto s = k++ % staff;
    auto t0 = clock_type::now();
    auto page = filter == 1   ? store->list(s, 50, static_cast<int>(s))
                : filter == 2 ? std::vector<inbox_row>{}
                              : store->list(s, 50);
    if (filter == 2) {  // archived: nothing matches, scan everything
      page = store->list(s, 50, static_cast<int>(staff + 1));
    }
    lat.push_back(ms_since(t0) * 1000.0);
    rows += page.size();
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rows"] =
      static_cast<double>(rows) / static_cast<double>(std::max<std::size_t>(1, k));
  set_latency_counters(state, lat, "us");
}
BENCHMARK(BM_BaselineInboxList)
    ->ArgNames({"conversations", "staff", "filter"})
    ->Args({100000, 20, 0})
    ->Args({100000, 20, 1})
    ->Args({100000, 20, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---- badge ---------------------------------------------------------------------------

// inflight 1: the latency of one badge read; inflight 64: throughput with reads pipelined.
void BM_InboxBadge(benchmark::State& state) {
  world_params p;
  p.conversations = static_cast<std::uint64_t>(state.range(0));
  p.staff = static_cast<std::size_t>(state.range(1));
  p.assigned_pct = 20;
  const auto inflight = static_cast<std::size_t>(state.range(2));
  auto got = cached_world(p);
  if (!got) {
    state.SkipWithError(("setup failed: " + got.error().message).c_str());
    return;
  }
  auto& mc = got.value()->mc();
  std::vector<double> lat;
  std::deque<std::pair<std::future<result<badge>>, clock_type::time_point>> q;
  std::size_t k = 0;
  std::uint64_t unread = 0;
  auto settle = [&] {
    auto b = q.front().first.get();
    lat.push_back(ms_since(q.front().second) * 1000.0);
    if (b) unread += b.value().unread_conversations;
    q.pop_front();
  };
  for (auto _ : state) {
    q.emplace_back(mc.inbox_badge_async({kBusiness, staff_id(k++ % p.staff), std::nullopt}),
                   clock_type::now());
    if (q.size() >= inflight) settle();
  }
  while (!q.empty()) settle();
  benchmark::DoNotOptimize(unread);
  state.SetItemsProcessed(state.iterations());
  set_latency_counters(state, lat, "us");
}
BENCHMARK(BM_InboxBadge)
    ->ArgNames({"conversations", "staff", "inflight"})
    ->Args({100000, 20, 1})
    ->Args({100000, 20, 64})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_DurableBurst)
    ->ArgNames({"conversations", "staff", "batch", "assigned", "muted", "subscribed"})
    ->Apply([](auto* b) {
      b->Args({10000, 20, 1000, 20, 0, 0});
      if (full_sweep()) b->Args({100000, 20, 1000, 20, 0, 0});
    }) -> MinTime(3.0) -> UseManualTime() -> Unit(benchmark::kMillisecond);

// ---- mark_read fan-out -------------------------------------------------------------------

// mode 0 = shared read status (one mark_read changes every staff member's view), 1 =
// per_staff (only the reader's). Each iteration marks one unread conversation read; when
// all are read, one more message goes into each (not timed).
void BM_MarkRead(benchmark::State& state) {
  world_params p;
  p.mode = state.range(0) == 0 ? read_status_mode::shared : read_status_mode::per_staff;
  p.staff = static_cast<std::size_t>(state.range(1));
  p.conversations = static_cast<std::uint64_t>(state.range(2));
  auto got = cached_world(p);
  if (!got) {
    state.SkipWithError(("setup failed: " + got.error().message).c_str());
    return;
  }
  auto& w = *got.value();
  auto& mc = w.mc();
  static std::uint64_t cursor = 0;  // position in the current unread round
  std::vector<double> lat;
  const op_context me{kBusiness, staff_id(0), std::nullopt};
  for (auto _ : state) {
    if (cursor == p.conversations) {
      state.PauseTiming();
      auto out = run_burst(mc, w.source(), w.next_message, p.conversations, 1000, kWindow);
      w.next_message += p.conversations;
      cursor = 0;
      state.ResumeTiming();
      if (out.failed) {
        state.SkipWithError(("refill failed: " + out.first_error).c_str());
        break;
      }
    }
    action_request a;
    a.conversation = w.ids()[cursor++];
    a.action = conversation_action::mark_read;
    auto t0 = clock_type::now();
    auto r = mc.conversation_action(me, a);
    lat.push_back(ms_since(t0) * 1000.0);
    if (!r) {
      state.SkipWithError(("mark_read failed: " + r.error().message).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  set_latency_counters(state, lat, "us");
}
BENCHMARK(BM_MarkRead)
    ->ArgNames({"per_staff", "staff", "conversations"})
    ->Args({0, 20, 5000})
    ->Args({1, 20, 5000})
    ->Args({0, 100, 5000})
    ->Args({1, 100, 5000})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---- recovery ------------------------------------------------------------------------

// Opens a durable engine holding `messages` messages in `conversations` conversations and
// times open() plus the first badge read (which needs the recovered state).
void BM_Recovery(benchmark::State& state) {
  const auto messages = static_cast<std::uint64_t>(state.range(0));
  const auto conversations = static_cast<std::uint64_t>(state.range(1));
  drop_cached_world();
  world_params p;
  p.conversations = conversations;
  p.staff = 20;
  p.durable = true;
  auto made = engine_world::make(p);
  if (!made) {
    state.SkipWithError(("durable mode unavailable: " + made.error().message).c_str());
    return;
  }
  auto w = std::move(made.value());
  if (messages > conversations) {
    auto out =
        run_burst(w->mc(), w->source(), w->next_message, messages - conversations, 1000, kWindow);
    if (out.failed) {
      state.SkipWithError(("ingest failed: " + out.first_error).c_str());
      return;
    }
  }
  w->mc().close();
  const auto dir = w->data_dir;
  for (auto _ : state) {
    options o;
    o.data_dir = dir;
    auto t0 = clock_type::now();
    auto again = message_center::open(o);
    if (!again) {
      state.SkipWithError(("reopen failed: " + again.error().message).c_str());
      break;
    }
    auto b = again.value()->inbox_badge({kBusiness, staff_id(0), std::nullopt});
    state.SetIterationTime(ms_since(t0) / 1000.0);
    if (!b) {
      state.SkipWithError(("badge after recovery failed: " + b.error().message).c_str());
      break;
    }
    state.counters["badge_unread_conversations"] =
        static_cast<double>(b.value().unread_conversations);
    again.value()->close();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(messages));
}
BENCHMARK(BM_Recovery)
    ->ArgNames({"messages", "conversations"})
    ->Args({50000, 5000})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// ---- memory per idle conversation ---------------------------------------------------------

// One message into each of `conversations` conversations; resident memory grown / count.
// system 0 = engine, 1 = baseline. Meaningful only as the first benchmark of a process
// (freed memory of earlier benchmarks would be reused): bench/run runs each alone.
void BM_IdleMemory(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto staff = static_cast<std::size_t>(state.range(1));
  const bool baseline = state.range(2) != 0;
  drop_cached_world();
  double per = 0;
  for (auto _ : state) {
    if (baseline) {
      auto rss0 = rss_bytes();
      baseline_inbox_store store(staff, read_status_mode::shared, false);
      store.add_number(kNumber);
      burst_source src(n);
      std::vector<std::int64_t> acks;
      for (std::uint64_t k = 0; k < n; k += 1000)
        store.ingest_batch(src.batch(k, std::min<std::uint64_t>(1000, n - k)), 1'700'000'000'000,
                           acks);
      per = static_cast<double>(rss_bytes() - std::min(rss_bytes(), rss0)) / static_cast<double>(n);
    } else {
      world_params p;
      p.conversations = n;
      p.staff = staff;
      auto w = engine_world::make(p);
      if (!w) {
        state.SkipWithError(("setup failed: " + w.error().message).c_str());
        break;
      }
      per = static_cast<double>(w.value()->warmup_rss_delta) / static_cast<double>(n);
    }
  }
  state.counters["bytes_per_conversation"] = per;
}
BENCHMARK(BM_IdleMemory)
    ->ArgNames({"conversations", "staff", "baseline"})
    ->Args({100000, 1, 0})
    ->Args({100000, 20, 0})
    ->Args({100000, 1, 1})
    ->Args({100000, 20, 1})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- parts of the per-message cost ----------------------------------------------------------

// libphonenumber parse + validate + format of one number, which the engine does twice per
// inbound message (`from` and `to`).
void BM_PhoneNormalize(benchmark::State& state) {
  std::uint64_t k = 0;
  for (auto _ : state) {
    auto r = normalize_phone(client_phone(k++ % 100000), "US");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhoneNormalize)->Unit(benchmark::kNanosecond);

}  // namespace
}  // namespace msgcenter::bench
