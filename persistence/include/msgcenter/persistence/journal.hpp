// The durable journal: every state change as an opaque payload under a global sequence.
//
// Layout: database db_names::journal; key = sequence as u64 big-endian, written with
// MDB_APPEND (sequences only grow, starting at 1); value = frame
//   [u32 big-endian crc32c(payload)][payload bytes].
//
// Durability promise: an append's callback reports a sequence only after the LMDB write
// transaction holding the record committed successfully with sync (mdb_txn_commit returned
// 0 on an env without MDB_NOSYNC). Many appends share one transaction and one fsync (group
// commit). If a commit fails, the writer stops: the callbacks of that group and of every
// later append report errc::unavailable; nothing is retried as if it had succeeded. Records
// of a failed group are never acknowledged but may, after a crash during a failed fsync,
// still be found on disk: recovery treats the journal on disk as the truth.
//
// Invariants: sequences on disk are contiguous (no gaps) from the first untrimmed record to
// the last; trimming removes a prefix and always keeps the newest record, so a reopened
// writer never reuses a sequence.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/persistence/lmdb.hpp"

namespace msgcenter::persistence {

/// Size of the frame header (the checksum) in front of every journal payload.
inline constexpr std::size_t frame_header_size = 4;

/// Frames `payload`: [u32 BE crc32c(payload)][payload]. Pure; thread-safe.
[[nodiscard]] std::string encode_frame(std::string_view payload);

/// Checks a frame and returns its payload (a view into `frame`). Pure; thread-safe.
/// Errors: invalid_argument (shorter than the header, or checksum mismatch).
[[nodiscard]] result<std::string_view> decode_frame(std::string_view frame);

/// Reports the outcome of one append: the record's sequence once durable, or an error.
using durable_callback = std::function<void(result<std::uint64_t> seq)>;

/// Options of journal_writer::open. Defaults suit the engine.
struct journal_options {
  /// A group (one transaction, one fsync) closes at this many records or max_group_bytes of
  /// payload, whichever comes first. A batch is never split: a batch over the caps forms a
  /// group of its own.
  std::size_t max_group_records = 4096;
  /// See max_group_records.
  std::size_t max_group_bytes = std::size_t{8} << 20;
  /// Queue bounds (waiting records, not the group being committed). Beyond them append
  /// answers errc::overloaded at once. admission() says `busy` from half of them on: callers
  /// that check it before they change anything (the engine's shards) refuse new work while
  /// the records of work already admitted still fit, so an admitted operation's records are
  /// never refused for a full queue.
  std::size_t max_queued_records = 1'000'000;
  std::size_t max_queued_bytes = std::size_t{256} << 20;
  /// Largest accepted payload; larger ones answer errc::invalid_argument.
  std::size_t max_record_bytes = std::size_t{16} << 20;
  /// How often one group may grow the map on MDB_MAP_FULL before the writer fails.
  int map_full_retries = 8;
  /// Accept an env opened with no_sync. Then "durable" only means "committed": a machine
  /// crash can lose acknowledged records. For benchmarks and tests of throughput only.
  bool allow_no_sync = false;
  /// Fault injection for tests: called on the writer thread right before each
  /// mdb_txn_commit; a nonzero return value (an LMDB or errno code, e.g. EIO or
  /// MDB_MAP_FULL) is treated as the commit's result and the transaction is aborted instead.
  std::function<int()> commit_hook;
};

/// What a writer says about new work (journal_writer::admission).
enum class journal_admission : std::uint8_t {
  open,    ///< take it
  busy,    ///< the queue is half full: refuse new work with `overloaded` (retry later)
  failed,  ///< a commit failed: the writer acknowledges nothing any more (`unavailable`)
};

/// Counters for metrics; a consistent snapshot taken under the writer's lock.
struct journal_stats {
  std::uint64_t commits = 0;          ///< successful group commits
  std::uint64_t records = 0;          ///< records made durable
  std::uint64_t bytes = 0;            ///< payload bytes made durable
  std::uint64_t map_grows = 0;        ///< MDB_MAP_FULL recoveries (map doubled)
  std::uint64_t last_group_size = 0;  ///< records in the latest commit
  std::uint64_t max_group_size = 0;   ///< records in the largest commit
  /// group_size_histogram[i] counts commits of [2^i, 2^(i+1)) records; the last bucket
  /// is open-ended (>= 2^15).
  std::uint64_t group_size_histogram[16] = {};
  std::uint64_t commit_nanos_total = 0;  ///< time spent in write + commit
  std::uint64_t commit_nanos_max = 0;
  std::uint64_t queued_records = 0;  ///< waiting now
  std::uint64_t queued_bytes = 0;
  std::uint64_t refused_overloaded = 0;  ///< appends answered overloaded
  std::uint64_t last_sequence = 0;       ///< newest durable sequence (0: none)
  bool failed = false;                   ///< a commit failed; the writer refuses everything
};

/// The journal's single writer: a dedicated thread that commits queued records in groups.
///
/// Purpose: turn many small appends from many threads into few synced LMDB transactions,
/// and tell each caller when (and only when) its record is durable.
/// Ownership: created by open(); the env must outlive it; exactly one writer per env (two
/// would collide on sequences). The destructor drains the queue, commits it and joins the
/// thread (see close()).
/// Thread safety: append, append_batch, flush, stats, failure and close are safe to call
/// from any thread concurrently. Callbacks run on the writer thread (or, for immediate
/// refusals, on the calling thread before append returns), one at a time, in sequence order;
/// they must be quick, must not throw and must not call flush()/close() of this writer.
class journal_writer {
 public:
  /// Opens (creating) the journal database of `e`, finds the last sequence and starts the
  /// writer thread. Errors: invalid_argument (env opened with no_sync and
  /// !options.allow_no_sync, read-only env, zero limits), unavailable (LMDB failure),
  /// invalid_argument (a corrupt journal key).
  [[nodiscard]] static result<std::unique_ptr<journal_writer>> open(env& e,
                                                                    journal_options options = {});

  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;
  ~journal_writer();

  /// Queues one record. `on_durable` is called exactly once: with the record's sequence
  /// after the commit holding it returned successfully, or with an error:
  /// overloaded (queue full; called before append returns), invalid_argument (payload over
  /// max_record_bytes; called before append returns), unavailable (a commit failed, now or
  /// earlier, or the writer is closed).
  void append(std::string payload, durable_callback on_durable);

  /// Queues records that commit together in one transaction under consecutive sequences.
  /// `on_durable` is called exactly once, with the first sequence (the records have
  /// first .. first + size - 1) or with an error as for append(), plus invalid_argument for
  /// an empty batch or one larger than the queue bounds.
  void append_batch(std::vector<std::string> payloads, durable_callback on_durable);

  /// Blocks until everything appended before the call is durable or has failed, and their
  /// callbacks have run. Errors: unavailable (the writer has failed), invalid_argument
  /// (called from the writer thread, i.e. from a callback, which would deadlock).
  [[nodiscard]] status flush();

  /// Stops accepting appends (later ones answer unavailable), commits everything queued,
  /// runs its callbacks and joins the thread. Idempotent. Errors: unavailable (a commit
  /// failed at some point; the error says which), invalid_argument (called from a callback).
  [[nodiscard]] status close();

  /// The error that stopped the writer, if any.
  [[nodiscard]] std::optional<error> failure() const;

  /// Whether new work should be taken (a lock-free read, for every request of a shard).
  [[nodiscard]] journal_admission admission() const noexcept {
    return static_cast<journal_admission>(admission_.load(std::memory_order_relaxed));
  }

  [[nodiscard]] journal_stats stats() const;

  /// Sequence the next durable record will get.
  [[nodiscard]] std::uint64_t next_sequence() const;

 private:
  struct pending {
    std::string one;
    std::vector<std::string> many;
    bool batch = false;
    std::size_t records = 0;
    std::size_t bytes = 0;
    durable_callback callback;
  };

  journal_writer(env& e, dbi db, journal_options options, std::uint64_t next_seq);
  void enqueue(pending p);
  void run();
  [[nodiscard]] status commit_group(const std::vector<pending>& group, std::uint64_t first_seq,
                                    std::uint64_t& grows);
  static void invoke(durable_callback& cb, result<std::uint64_t> r) noexcept;

  env& env_;
  dbi db_;
  journal_options options_;

  mutable std::mutex mu_;
  /// journal_admission, updated under mu_ whenever the queue or the failure changes.
  std::atomic<std::uint8_t> admission_{0};
  void update_admission_locked() noexcept;
  std::condition_variable work_cv_;  // writer waits for work
  std::condition_variable done_cv_;  // flush waits for completions
  std::deque<pending> queue_;
  std::size_t queued_records_ = 0;
  std::size_t queued_bytes_ = 0;
  std::uint64_t enqueued_entries_ = 0;   // appends accepted into the queue, ever
  std::uint64_t completed_entries_ = 0;  // of those, answered (durable or failed)
  std::uint64_t next_seq_ = 1;           // sequence of the next record to commit
  bool writer_waiting_ = false;
  bool stopping_ = false;
  std::optional<error> failed_;
  journal_stats stats_;
  std::mutex close_mu_;  // serialises close(): one joiner
  std::thread thread_;
  std::thread::id writer_id_;
};

/// Reads records with sequence >= `from_seq` in order and calls `fn(seq, payload)` for each;
/// the payload view is valid only during the call. Stops at the first error `fn` returns and
/// returns it. Reads in chunks of `chunk` records per read transaction, so it never pins old
/// pages for long; `fn` must not wait for journal durability (it may hold a read txn).
/// Thread-safe. Errors: invalid_argument ("corrupt journal record at seq N: ...": checksum
/// mismatch, malformed key, or a gap in the sequence; never skipped), unavailable, and
/// whatever `fn` returns.
[[nodiscard]] status read_journal(
    env& e, std::uint64_t from_seq,
    const std::function<status(std::uint64_t seq, std::string_view payload)>& fn,
    std::size_t chunk = 4096);

/// Deletes records with sequence <= `up_to_seq`, but always keeps the newest record so a
/// reopened writer continues after it. Works in transactions of at most `chunk` deletions.
/// Returns how many records were deleted. Thread-safe; may run while a journal_writer
/// appends. Errors: unavailable.
[[nodiscard]] result<std::uint64_t> trim_journal(env& e, std::uint64_t up_to_seq,
                                                 std::size_t chunk = 65536);

/// Newest sequence on disk, 0 when the journal is empty. Thread-safe.
/// Errors: unavailable, invalid_argument (malformed key).
[[nodiscard]] result<std::uint64_t> last_sequence(env& e);

/// Oldest sequence on disk, 0 when the journal is empty. Thread-safe.
/// Errors: unavailable, invalid_argument (malformed key).
[[nodiscard]] result<std::uint64_t> first_sequence(env& e);

}  // namespace msgcenter::persistence
