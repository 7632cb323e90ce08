// An engine set up with the shared workload (workload.hpp), for the engine scenarios.
//
// make() opens a message_center (in memory, or durable in a fresh directory), creates the
// business, its number and `staff` staff members, then puts one inbound message into every
// conversation (the warm-up, which also measures memory per conversation), assigns and has
// staff mute the requested shares of conversations. Google Benchmark calls a benchmark
// function several times while it settles the iteration count, so worlds are cached
// (cached_world) and reused while the parameters stay the same.
// Not thread-safe: used from the benchmark thread.
#pragma once

#include <deque>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "msgcenter/message_center.hpp"
#include "workload.hpp"

namespace msgcenter::bench {

struct world_params {
  std::uint64_t conversations = 1000;
  std::size_t staff = 20;
  int assigned_pct = 0;    ///< share of conversations assigned (round robin over staff)
  int muted_pct = 0;       ///< share of conversations each staff member muted
  int subscribed_pct = 0;  ///< share of staff with subscribe_all
  read_status_mode mode = read_status_mode::shared;
  bool durable = false;
  unsigned threads = 0;  ///< 0: core count

  friend bool operator==(const world_params& a, const world_params& b) {
    return a.conversations == b.conversations && a.staff == b.staff &&
           a.assigned_pct == b.assigned_pct && a.muted_pct == b.muted_pct &&
           a.subscribed_pct == b.subscribed_pct && a.mode == b.mode && a.durable == b.durable &&
           a.threads == b.threads;
  }
};

/// Outcome of a pipelined burst.
struct burst_outcome {
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::string first_error;
  std::vector<double> batch_ms;  ///< per batch: from ingest_async to its results
  double seconds = 0;
};

/// Sends messages [first, first + count) of `src` in batches of `batch`, keeping at most
/// `window` batches in flight. When `ids` is given, stores the conversation id of each
/// message's client index (src.conversation_of(k)) in it.
burst_outcome run_burst(message_center& mc, const burst_source& src, std::uint64_t first,
                        std::uint64_t count, std::size_t batch, std::size_t window,
                        std::vector<conversation_id>* ids = nullptr);

/// Staff id of staff member i ("s<i>").
std::string staff_id(std::size_t i);

class engine_world {
 public:
  /// Errors: whatever open() answers (unavailable while the durable store is missing), or
  /// the first failing setup operation.
  [[nodiscard]] static result<std::unique_ptr<engine_world>> make(const world_params& p);
  ~engine_world();

  [[nodiscard]] message_center& mc() { return *mc_; }
  [[nodiscard]] const world_params& params() const noexcept { return p_; }
  /// Engine conversation id of client i.
  [[nodiscard]] const std::vector<conversation_id>& ids() const noexcept { return ids_; }
  [[nodiscard]] const burst_source& source() const noexcept { return src_; }
  /// Next message index of the burst (the warm-up used 0 .. conversations - 1).
  std::uint64_t next_message = 0;
  double warmup_seconds = 0;
  std::uint64_t warmup_rss_delta = 0;  ///< resident memory grown by the warm-up, bytes
  std::string data_dir;

 private:
  engine_world(world_params p, std::unique_ptr<message_center> mc);
  world_params p_;
  std::unique_ptr<message_center> mc_;
  burst_source src_;
  std::vector<conversation_id> ids_;
};

/// The world of the last call with equal parameters, or a fresh one (the previous world is
/// destroyed first, so only one lives at a time). Errors: as engine_world::make.
[[nodiscard]] result<engine_world*> cached_world(const world_params& p);
/// Destroys the cached world (e.g. before measuring memory).
void drop_cached_world();

}  // namespace msgcenter::bench
