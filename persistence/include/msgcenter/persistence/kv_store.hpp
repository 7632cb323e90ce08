// Named key/value databases for snapshots and message history, and atomic sorted batches
// spanning several of them.
//
// Keys are byte strings compared bytewise (encode integers big-endian, see schema.hpp).
// Writes come in batches: one write transaction, keys applied in sorted order so LMDB touches
// each page once, MDB_MAP_FULL answered by growing the map and redoing the batch.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/persistence/lmdb.hpp"

namespace msgcenter::persistence {

/// Which keys a scan visits and in which order.
struct scan_options {
  /// Only keys starting with these bytes (empty: every key).
  std::string prefix;
  /// Where to start. Forward: keys after `bound`; reverse: keys before `bound`. Unset: from
  /// the first (forward) or last (reverse) key with the prefix.
  std::optional<std::string> bound;
  /// Also visit a key equal to `bound`.
  bool inclusive = false;
  /// Largest key first.
  bool reverse = false;
  /// Stop after this many entries (bounded pages; 0 visits nothing).
  std::size_t limit = 100;
};

/// One named database (e.g. db_names::contacts) of an env.
///
/// A small copyable handle: the env must outlive it. Every call runs in its own transaction
/// and sees the latest committed state. Thread-safe.
class kv_store {
 public:
  /// Opens the named database, creating it unless the env is read-only.
  /// Errors: not_found (read-only env without it), unavailable, invalid_argument (already
  /// open with other flags).
  [[nodiscard]] static result<kv_store> open(env& e, std::string_view name);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] dbi handle() const noexcept { return dbi_; }
  [[nodiscard]] env& environment() const noexcept { return *env_; }

  /// The value under `key`, copied. Errors: not_found, unavailable.
  [[nodiscard]] result<std::string> get(std::string_view key) const;

  /// Stores one pair in its own transaction. Errors: invalid_argument (key size),
  /// unavailable.
  [[nodiscard]] status put(std::string_view key, std::string_view value) const;

  /// Stores all pairs in one transaction, in key order (the vector is sorted in place;
  /// for equal keys the later pair wins). Errors: invalid_argument (key size), unavailable.
  [[nodiscard]] status put_batch(std::vector<std::pair<std::string, std::string>> items) const;

  /// Deletes `key` in its own transaction; absent keys are fine. Errors: unavailable.
  [[nodiscard]] status del(std::string_view key) const;

  /// Visits entries as `options` says, calling `fn(key, value)` with views valid only during
  /// the call; `fn` returns false to stop early. Runs in one read transaction: keep `fn`
  /// short. Errors: unavailable.
  [[nodiscard]] status visit(
      const scan_options& options,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const;

  /// Like visit() but returns owned copies (one page). Errors: unavailable.
  [[nodiscard]] result<std::vector<owned_entry>> scan(const scan_options& options) const;

  /// Number of entries. Errors: unavailable.
  [[nodiscard]] result<std::size_t> size() const;

 private:
  kv_store(env& e, dbi d, std::string name) : env_(&e), dbi_(d), name_(std::move(name)) {}
  env* env_;
  dbi dbi_;
  std::string name_;
};

/// Puts and deletes across several kv_stores that commit atomically, e.g. a snapshot of all
/// state plus meta's "snapshot sequence" in one transaction.
/// Not thread-safe (build it on one thread); it owns copies of all keys and values.
class write_batch {
 public:
  /// Stores `value` under `key` in `db`.
  void put(const kv_store& db, std::string key, std::string value);
  /// Deletes `key` from `db` (no error if absent).
  void del(const kv_store& db, std::string key);

  [[nodiscard]] std::size_t size() const noexcept { return ops_.size(); }
  [[nodiscard]] bool empty() const noexcept { return ops_.empty(); }
  /// Bytes of keys and values held.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  void clear() noexcept;

 private:
  friend status commit_batch(env& e, const write_batch& batch);
  struct op {
    MDB_dbi db;
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };
  std::vector<op> ops_;
  std::size_t bytes_ = 0;
};

/// Applies `batch` in one write transaction: operations sorted by (database, key), and for
/// one key the later operation wins. On MDB_MAP_FULL grows the map and redoes the batch.
/// All stores of the batch must belong to `e`. Thread-safe (serialised with other writers
/// by LMDB). Errors: invalid_argument (key size), unavailable.
[[nodiscard]] status commit_batch(env& e, const write_batch& batch);

}  // namespace msgcenter::persistence
