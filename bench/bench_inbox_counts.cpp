// BM_InboxCounts: inbox.counts (issue 13) through the whole engine (message_center ->
// shard -> conversation_index::counts) at 1k, 10k and 100k conversations of one business,
// next to BM_InboxListPage (the first page of inbox.list, which costs O(limit)). Counts is
// one pass over every conversation the viewer may be shown, so it grows with the business;
// the figure says what one tab-count refresh of the web page costs the business's shard.
//   build/bench/msgcenter_bench --benchmark_filter='BM_Inbox(Counts|ListPage)'
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "msgcenter/message_center.hpp"

namespace msgcenter::bench {
namespace {

/// One business with `n` conversations (one inbound text each; every 7th replied, every
/// 11th archived) and a staff member with every right.
std::unique_ptr<message_center> counts_world(std::int64_t n) {
  options o;
  o.threads = 2;
  auto mc = std::move(message_center::open(o).value());
  op_context admin{"spa", "", std::nullopt};
  (void)mc->business_put(admin, {"Spa", "US", "", {}});
  (void)mc->number_put(admin, {"+12025550100", "downtown"});
  rights_mask all = 0;
  for (auto r : {right::view_messages, right::manage_messages, right::send_sms, right::remove_feed,
                 right::export_, right::admin})
    all |= bit(r);
  (void)mc->staff_put(admin, {"ana", "Ana", all, {}, false});
  op_context ana{"spa", "ana", std::nullopt};
  for (std::int64_t start = 0; start < n; start += 10'000) {
    std::vector<inbound_request> batch;
    for (std::int64_t i = start; i < std::min(n, start + 10'000); ++i)
      batch.push_back({"+1202" + std::to_string(2000000 + i),
                       "+12025550100",
                       "hello",
                       {},
                       "SM" + std::to_string(i),
                       1'000'000 + i});
    (void)mc->ingest(admin, std::move(batch));
  }
  for (conversation_id c = 7; c <= static_cast<conversation_id>(n); c += 7) {
    send_request s;
    s.conversation = c;
    s.body = "reply";
    (void)mc->send(ana, s);
  }
  for (conversation_id c = 11; c <= static_cast<conversation_id>(n); c += 11) {
    action_request a;
    a.conversation = c;
    a.action = conversation_action::archive;
    (void)mc->conversation_action(ana, a);
  }
  return mc;
}

/// range(0): conversations; range(1): 0 = no filter, 1 = a search (`q`), 2 = a filter.
void BM_InboxCounts(benchmark::State& state) {
  auto mc = counts_world(state.range(0));
  op_context ana{"spa", "ana", std::nullopt};
  inbox_counts_request req;
  if (state.range(1) == 1) req.query.q = "202 200";
  if (state.range(1) == 2) req.query.last_direction = direction::out;
  std::uint64_t all = 0;
  for (auto _ : state) {
    auto c = mc->inbox_counts(ana, req);
    if (!c) state.SkipWithError("inbox_counts failed");
    all = c ? c->all : 0;
    benchmark::DoNotOptimize(all);
  }
  state.counters["all"] = static_cast<double>(all);
  mc->close();
}
BENCHMARK(BM_InboxCounts)
    ->Args({1'000, 0})
    ->Args({10'000, 0})
    ->Args({100'000, 0})
    ->Args({100'000, 1})
    ->Args({100'000, 2})
    ->Unit(benchmark::kMillisecond);

void BM_InboxListPage(benchmark::State& state) {
  auto mc = counts_world(state.range(0));
  op_context ana{"spa", "ana", std::nullopt};
  inbox_query q;
  q.limit = 100;
  for (auto _ : state) {
    auto page = mc->inbox_list(ana, q);
    benchmark::DoNotOptimize(page);
  }
  mc->close();
}
BENCHMARK(BM_InboxListPage)->Args({100'000})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace msgcenter::bench
