// msgcenter's durable store: one LMDB environment holding the journal of every state change
// and snapshots of the state, with recovery and compaction.
//
// - append(): a record is handed to the journal writer; `done` is called once the group
//   commit holding it returned with sync (or with the error that stopped the journal).
// - recover(): the snapshot databases plus the journal records after the snapshot's
//   sequence, folded into one recovered_state: exactly what was acknowledged.
// - compact(): folds the journal records after the snapshot into the snapshot databases in
//   one transaction (sorted keys), records the new snapshot sequence, and trims the journal.
//
// Thread safety: append() and stats() from any thread; recover(), compact() and close()
// from one thread at a time (compact() and the background checkpoints exclude each other). Owns the
// environment; open() must not share a directory with another process.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "msgcenter/persistence/journal.hpp"
#include "msgcenter/persistence/lmdb.hpp"
#include "msgcenter/persistence/message_history.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::persistence {

struct recovered_conversation {
  conversation_image image;
  std::map<message_id, message> messages;
};

struct recovered_inbox {
  std::set<conversation_id> pins;
  std::set<conversation_id> mutes;
  std::map<alert_id, alert> alerts;
};

struct recovered_business {
  std::uint32_t business_no = 0;
  directory dir;
  std::map<std::string, contact> contacts;
  std::map<std::pair<std::string, std::string>, consent_state> consent;  ///< (phone, number)
  std::map<conversation_id, recovered_conversation> conversations;
  std::map<std::string, recovered_inbox> inboxes;
};

struct recovered_state {
  std::map<std::string, recovered_business> businesses;
  std::uint64_t snapshot_seq = 0;      ///< journal records up to here were in the snapshot
  std::uint64_t replayed_records = 0;  ///< journal records folded in after it
  std::uint64_t last_seq = 0;
};

struct store_options {
  std::size_t map_size = std::size_t{1} << 30;
  /// Fault injection for tests: called in place of the journal's commit (see journal_options).
  std::function<int()> commit_hook;
};

/// When the store checkpoints by itself while it runs (store::start_checkpoints).
struct checkpoint_options {
  /// A checkpoint once the journal holds this many records past the snapshot.
  std::uint64_t every_records = 200000;
  /// How often the checkpointer looks.
  std::chrono::milliseconds poll{1000};
};

/// Statistics for metrics and benchmarks.
struct store_stats {
  journal_stats journal;
  std::uint64_t snapshot_seq = 0;
  std::uint64_t checkpoints = 0;  ///< background checkpoints written
  std::uint64_t checkpoint_failures = 0;
};

class store {
 public:
  /// Opens (creating) the store in directory `dir`. A store records its format version
  /// (meta_keys::format_version): a fresh directory is stamped with store_format_version,
  /// and a store of any other version, older or newer, is refused rather than misread.
  /// Errors: invalid_argument (another format version, the message naming both, e.g.
  /// "store format version 1 in /data, this build reads version 2"), unavailable (LMDB,
  /// or the directory is locked by another open store).
  [[nodiscard]] static result<std::unique_ptr<store>> open(const std::string& dir,
                                                           const store_options& options = {});
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// Errors: invalid_argument (a corrupt record, with its place), unavailable.
  [[nodiscard]] result<recovered_state> recover();

  /// Folds the journal into the snapshot and trims it. Errors: invalid_argument, unavailable.
  [[nodiscard]] status compact();

  /// Starts a background thread that checkpoints (folds the committed journal into the
  /// snapshot and trims it, as compact() does, without waiting for the queue) whenever the
  /// journal holds options.every_records records past the snapshot, so the journal and the
  /// time to recover stay bounded while the store runs (security review M8). Appends go on
  /// meanwhile; a checkpoint that fails is counted and retried at the next look. close()
  /// stops it. Call once, after recovery. Errors: invalid_argument (started already).
  [[nodiscard]] status start_checkpoints(checkpoint_options options = {});

  /// Appends a record; `done` runs exactly once, on any thread, after it is durable or failed.
  void append(std::string record, std::function<void(status)> done);

  /// Blocks until everything appended so far is durable. Errors: unavailable.
  [[nodiscard]] status flush();
  [[nodiscard]] store_stats stats() const;
  /// The journal's journal_writer::admission() (failed once closed).
  [[nodiscard]] journal_admission admission() const noexcept;
  /// Drains the journal and closes the environment. Errors: unavailable.
  [[nodiscard]] status close();

 private:
  store() = default;
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Applies one record to a recovered state (recovery and tests share it).
void fold_record(recovered_state& state, record r);

}  // namespace msgcenter::persistence
