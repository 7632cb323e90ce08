// BM_SharedIndexBaseline: engine v2's layout as plain C++ (baseline_shared_index.hpp) on the
// workload of every other burst (bench/workload.hpp), next to BM_BaselineInMemoryBurst.
// BM_SharedIndexBaselineCheck first recounts a small workload by brute force, so a figure is
// only reported for a model that does the bookkeeping it claims.
#include <benchmark/benchmark.h>

#ifdef MSGCENTER_BENCH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "baseline_shared_index.hpp"
#include "workload.hpp"

namespace msgcenter::bench {
namespace {

using store_t = shared_index_store;

// jemalloc's stats.allocated (live bytes, no fragmentation); 0 when not linked.
std::uint64_t allocated_bytes() {
#ifdef MSGCENTER_BENCH_JEMALLOC
  std::uint64_t epoch = 1;
  std::size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);  // refresh the statistics
  std::size_t allocated = 0;
  sz = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &sz, nullptr, 0) == 0) return allocated;
#endif
  return 0;
}

store_t::inbound view_of(const inbound_request& r, std::int64_t at) {
  return {r.from, r.to, r.body, r.provider_id, at};
}

// ---- sanity check: the model against a brute-force recount ---------------------------------

// Every figure below is recomputed from the message sequence with std::map and direct reading
// of the rules; any mismatch is returned as text.
std::string check_against_recount(std::size_t staff, std::uint64_t convs, std::uint64_t n) {
  store_t st(staff);
  st.add_number(kNumber);
  burst_source src(convs);
  const std::uint16_t subscriber = static_cast<std::uint16_t>(staff - 1);
  st.set_subscribe_all(subscriber, true);
  std::map<std::string, std::uint64_t> msgs, unread, last_msg;
  std::map<std::string, int> owner;
  std::set<std::pair<std::size_t, std::string>> muted;
  std::vector<std::uint64_t> alerts(staff, 0);
  std::uint64_t refused = 0, dups = 0;
  std::int64_t at = 1'000;
  auto is_muted = [&](std::size_t s, const std::string& p) { return muted.count({s, p}) > 0; };
  for (std::uint64_t k = 0; k < n; ++k) {
    if (k == convs) {  // after the warm-up: assign 20%, mute 10% per staff member
      for (std::uint64_t i = 0; i < convs; ++i) {
        auto phone = client_phone(i);
        auto c = st.find(kNumber, phone);
        if (c == store_t::nil) return "conversation of client " + std::to_string(i) + " missing";
        if ((i * 37) % 100 < 20) {
          owner[phone] = static_cast<int>(i % staff);
          st.assign(c, static_cast<std::uint16_t>(i % staff));
        }
        for (std::size_t s = 0; s < staff; ++s)
          if ((i * 53 + s * 17) % 100 < 10) {
            muted.insert({s, phone});
            st.mute(static_cast<std::uint16_t>(s), c);
          }
      }
    }
    auto r = src.message(k);
    if (k % 97 == 5) ++at;  // time moves in steps, as batches do
    const bool dup = k % 211 == 7 && k > convs;
    if (dup) r.provider_id = src.message(k - 1).provider_id, ++dups;
    auto c = st.ingest(view_of(r, at));
    if (c == store_t::nil) {
      ++refused;
      continue;
    }
    msgs[r.from] += 1;
    unread[r.from] += 1;
    last_msg[r.from] = k;
    auto o = owner.find(r.from);
    for (std::size_t s = 0; s < staff; ++s) {
      bool to = o != owner.end() ? static_cast<int>(s) == o->second || s == subscriber : true;
      if (to && !is_muted(s, r.from)) alerts[s] += 1;
    }
    if (k % 13 == 0) {  // someone reads it (shared read mode: read for everyone)
      st.mark_read(c);
      unread[r.from] = 0;
    }
  }
  if (refused != dups)
    return "refused " + std::to_string(refused) + " messages, expected " + std::to_string(dups);
  if (st.messages() != n - dups) return "message log holds " + std::to_string(st.messages());
  if (st.conversations() != msgs.size())
    return "conversations " + std::to_string(st.conversations()) + " != " +
           std::to_string(msgs.size());
  for (const auto& [phone, count] : msgs) {
    auto c = st.find(kNumber, phone);
    if (c == store_t::nil || st.message_count(c) != count)
      return "message count of " + phone + " wrong";
    if (st.unread_of(c) != unread[phone]) return "unread count of " + phone + " wrong";
  }
  for (std::size_t s = 0; s < staff; ++s) {
    std::int64_t bc = 0, bm = 0;
    for (const auto& [phone, u] : unread)
      if (u > 0 && !is_muted(s, phone)) bc += 1, bm += static_cast<std::int64_t>(u);
    auto b = st.badge_of(static_cast<std::uint16_t>(s));
    if (b.unread_conversations != bc || b.unread_messages != bm)
      return "badge of staff " + std::to_string(s) + ": " +
             std::to_string(b.unread_conversations) + "/" + std::to_string(b.unread_messages) +
             ", recount " + std::to_string(bc) + "/" + std::to_string(bm);
    if (st.alerts_of(static_cast<std::uint16_t>(s)) != alerts[s])
      return "alerts of staff " + std::to_string(s) + ": " +
             std::to_string(st.alerts_of(static_cast<std::uint16_t>(s))) + ", recount " +
             std::to_string(alerts[s]);
  }
  // First page: conversations by last message, newest first (times only grow here).
  std::vector<std::pair<std::uint64_t, std::string>> order;
  for (const auto& [phone, k] : last_msg) order.emplace_back(k, phone);
  std::sort(order.rbegin(), order.rend());
  std::vector<store_t::row> page;
  st.first_page(0, 50, page);
  if (page.size() != std::min<std::size_t>(50, order.size())) return "first page size wrong";
  for (std::size_t i = 0; i < page.size(); ++i) {
    const auto& phone = order[i].second;
    if (page[i].phone != phone) return "first page row " + std::to_string(i) + " out of order";
    if (page[i].unread != unread[phone] ||
        (page[i].current == store_t::folder::unread) != (unread[phone] > 0))
      return "first page row " + std::to_string(i) + " unread/folder wrong";
    if (page[i].preview != body_of(order[i].first)) return "preview wrong";
    if (page[i].muted != is_muted(0, phone)) return "muted flag wrong";
  }
  return {};
}

std::string run_checks() {
  // 7 staff: mutes in the bitmask; 70 staff: also the side table beyond 64.
  for (auto staff : {7, 70})
    if (auto e = check_against_recount(static_cast<std::size_t>(staff), 300, 3000); !e.empty())
      return "staff " + std::to_string(staff) + ": " + e;
  return {};
}

void BM_SharedIndexBaselineCheck(benchmark::State& state) {
  std::string e;
  for (auto _ : state) e = run_checks();
  if (!e.empty()) state.SkipWithError(("shared-index baseline check failed: " + e).c_str());
}
BENCHMARK(BM_SharedIndexBaselineCheck)->Iterations(1)->Unit(benchmark::kMillisecond);

// ---- the burst ---------------------------------------------------------------------------

// args: conversations, staff. Batches of 1,000, 20% assigned, no mutes, no subscribe_all:
// the headline shape of BM_BaselineInMemoryBurst.
void BM_SharedIndexBaseline(benchmark::State& state) {
  static const std::string check = run_checks();
  if (!check.empty()) {
    state.SkipWithError(("shared-index baseline check failed: " + check).c_str());
    return;
  }
  const auto convs = static_cast<std::uint64_t>(state.range(0));
  const auto staff = static_cast<std::size_t>(state.range(1));
  constexpr std::size_t batch = 1000;
  constexpr int assigned_pct = 20;
  static std::unique_ptr<store_t> store;
  static std::pair<std::uint64_t, std::size_t> made{0, 0};
  static std::uint64_t next = 0;
  static std::int64_t at = 1'700'000'000'000;
  static double per_conv_jemalloc = 0, per_conv_capacity = 0;
  burst_source src(convs);
  if (!store || made != std::make_pair(convs, staff)) {
    store.reset();
    store = std::make_unique<store_t>(staff);
    store->add_number(kNumber);
    const auto a0 = allocated_bytes();  // after the rings: only what grows with conversations
    for (std::uint64_t k = 0; k < convs; k += batch) {
      auto b = src.batch(k, std::min<std::uint64_t>(batch, convs - k));
      ++at;
      for (const auto& r : b) store->ingest(view_of(r, at));
    }
    const auto a1 = allocated_bytes();
    per_conv_jemalloc = a1 > a0 ? static_cast<double>(a1 - a0) / static_cast<double>(convs) : 0;
    per_conv_capacity =
        static_cast<double>(store->capacity_bytes()) / static_cast<double>(convs);
    // Same shares as BM_BaselineInMemoryBurst (ids follow first arrival there and here).
    for (std::uint64_t i = 0; i < convs; ++i)
      if (static_cast<int>((i * 37) % 100) < assigned_pct)
        store->assign(static_cast<std::uint32_t>(i), static_cast<std::uint16_t>(i % staff));
    made = {convs, staff};
    next = convs;
  }
  // Requests are built before the timed loop (as batch_plan does for the other bursts).
  const auto iters = static_cast<std::uint64_t>(state.max_iterations);
  const auto planned = std::min<std::uint64_t>(iters, 4'000'000 / batch);
  std::vector<std::vector<inbound_request>> plan;
  plan.reserve(planned);
  for (std::uint64_t i = 0; i < planned; ++i) plan.push_back(src.batch(next + i * batch, batch));
  std::uint64_t ok = 0, failed = 0, i = 0;
  cpu_noise noise;
  for (auto _ : state) {
    auto b = i < planned ? std::move(plan[i]) : src.batch(next + i * batch, batch);
    ++at;
    for (const auto& r : b) (store->ingest(view_of(r, at)) != store_t::nil ? ok : failed) += 1;
    ++i;
  }
  next += i * batch;
  state.counters["other_load_cores"] = noise.other_cores();
  state.SetItemsProcessed(static_cast<std::int64_t>(ok));
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["bytes_per_conversation"] =
      per_conv_jemalloc > 0 ? per_conv_jemalloc : per_conv_capacity;
  state.counters["bytes_per_conversation_capacity"] = per_conv_capacity;
  // First page (50 rows) for each staff member in turn, after the burst.
  std::vector<store_t::row> page;
  std::vector<double> lat;
  for (std::size_t k = 0; k < 2000; ++k) {
    auto t0 = clock_type::now();
    store->first_page(static_cast<std::uint16_t>(k % staff), 50, page);
    lat.push_back(ms_since(t0) * 1000.0);
    benchmark::DoNotOptimize(page.data());
  }
  if (page.size() != 50) state.SkipWithError("first page is not 50 rows");
  state.counters["first_page_p50_us"] = percentile(lat, 0.50);
  state.counters["first_page_p99_us"] = percentile(lat, 0.99);
}
BENCHMARK(BM_SharedIndexBaseline)
    ->ArgNames({"conversations", "staff"})
    ->ArgsProduct({{10000, 100000}, {1, 5, 20, 100}})
    ->MinTime(1.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace msgcenter::bench
