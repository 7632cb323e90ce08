// The durable upper bound: the same inbound messages, msgpack-encoded with
// persistence::encode_message, appended to LMDB under a big-endian sequence key with
// MDB_APPEND, one transaction (and with sync one fsync) per batch. Nothing else: no rules,
// no state, no threads. And the engine's own group-commit journal_writer on the same records.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "msgcenter/persistence/codec.hpp"
#include "msgcenter/persistence/journal.hpp"
#include "msgcenter/persistence/lmdb.hpp"
#include "workload.hpp"

namespace msgcenter::bench {
namespace {

namespace ps = msgcenter::persistence;

// Message k of the workload as the engine would store it.
message stored_message(const burst_source& src, std::uint64_t k) {
  message m;
  m.id = k + 1;
  m.conversation = src.conversation_of(k) + 1;
  m.dir = direction::in;
  m.body = body_of(k);
  m.provider_id = "SM" + std::to_string(k);
  m.at = 1'700'000'000'000 + static_cast<millis>(k);
  return m;
}

std::string be64(std::uint64_t v) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i) {
    k[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return k;
}

// Pre-built messages: the cost measured is encoding + LMDB, not building the structs.
std::vector<message> message_pool(std::size_t n) {
  burst_source src(100000);
  std::vector<message> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) out.push_back(stored_message(src, k));
  return out;
}

// range(0): records per transaction; range(1): 1 = sync each commit (durable), 0 = MDB_NOSYNC.
void BM_RawLmdbAppend(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const bool sync = state.range(1) != 0;
  auto dir = make_temp_dir("msgcenter-lmdb");
  ps::env_options eo;
  eo.map_size = std::size_t{8} << 30;
  eo.no_sync = !sync;
  auto e = ps::env::open(dir, eo);
  if (!e) {
    state.SkipWithError(("env open failed: " + e.error().message).c_str());
    return;
  }
  auto db = e.value().open_dbi("journal", MDB_CREATE);
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    return;
  }
  const auto pool = message_pool(4096);
  std::uint64_t seq = 0;
  std::size_t bytes = 0;
  std::vector<double> lat;
  cpu_noise noise;
  for (auto _ : state) {
    auto t0 = clock_type::now();
    auto t = e.value().begin_write();
    if (!t) {
      state.SkipWithError(t.error().message.c_str());
      break;
    }
    for (std::size_t i = 0; i < batch; ++i) {
      ++seq;
      auto v = ps::encode_message(pool[seq % pool.size()]);
      bytes += v.size();
      if (auto r = t.value().put(db.value(), be64(seq), v, MDB_APPEND); !r) {
        state.SkipWithError(r.error().message.c_str());
        break;
      }
    }
    if (auto r = t.value().commit(); !r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    lat.push_back(ms_since(t0));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(seq));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  if (!lat.empty()) {
    state.counters["p50_commit_ms"] = percentile(lat, 0.5);
    state.counters["p99_commit_ms"] = percentile(lat, 0.99);
  }
  state.counters["other_load_cores"] = noise.other_cores();
  state.counters["record_bytes"] = seq ? static_cast<double>(bytes) / static_cast<double>(seq) : 0;
  e.value() = ps::env{};
  remove_tree(dir);
}
BENCHMARK(BM_RawLmdbAppend)
    ->ArgNames({"batch", "sync"})
    ->Args({1000, 1})
    ->Args({100, 1})
    ->Args({1000, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The engine's journal_writer (group commit on its own thread, crc32c frames): batches of
// `batch` records via append_batch, `window` batches in flight.
void BM_JournalWriter(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const auto window = static_cast<std::size_t>(state.range(1));
  auto dir = make_temp_dir("msgcenter-journal");
  ps::env_options eo;
  eo.map_size = std::size_t{8} << 30;
  auto e = ps::env::open(dir, eo);
  if (!e) {
    state.SkipWithError(("env open failed: " + e.error().message).c_str());
    return;
  }
  auto w = ps::journal_writer::open(e.value());
  if (!w) {
    state.SkipWithError(("journal open failed: " + w.error().message).c_str());
    return;
  }
  auto& writer = *w.value();
  const auto pool = message_pool(4096);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t in_flight = 0;
  std::uint64_t done = 0, failed = 0, k = 0;
  auto drain = [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  };
  std::int64_t i = 0;
  cpu_noise noise;
  auto last = clock_type::now();
  for (auto _ : state) {
    std::vector<std::string> payloads;
    payloads.reserve(batch);
    for (std::size_t j = 0; j < batch; ++j)
      payloads.push_back(ps::encode_message(pool[k++ % pool.size()]));
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < window; });
      ++in_flight;
    }
    writer.append_batch(std::move(payloads), [&, batch](result<std::uint64_t> r) {
      std::lock_guard lock(mu);
      (r ? done : failed) += batch;
      --in_flight;
      cv.notify_all();
    });
    if (++i == state.max_iterations) drain();
    auto now = clock_type::now();
    state.SetIterationTime(std::chrono::duration<double>(now - last).count());
    last = now;
  }
  drain();
  auto st = writer.stats();
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["commits"] = static_cast<double>(st.commits);
  state.counters["other_load_cores"] = noise.other_cores();
  state.counters["avg_group_records"] =
      st.commits ? static_cast<double>(st.records) / static_cast<double>(st.commits) : 0;
  state.counters["max_group_records"] = static_cast<double>(st.max_group_size);
  if (auto r = writer.close(); !r) state.SkipWithError(r.error().message.c_str());
  w.value().reset();
  e.value() = ps::env{};
  remove_tree(dir);
}
BENCHMARK(BM_JournalWriter)
    ->ArgNames({"batch", "window"})
    ->Args({1000, 4})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace msgcenter::bench
