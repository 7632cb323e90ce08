// A thin RAII wrapper over LMDB that keeps LMDB's own four nouns: env, txn, dbi, cursor.
//
// Invariants worth knowing before using anything here:
// - Every LMDB return code is mapped once, by map_lmdb_error(): MDB_NOTFOUND becomes
//   errc::not_found, everything else errc::unavailable; the message carries mdb_strerror().
//   The raw code of the first failure inside a transaction stays available as
//   txn::last_error(), so callers can tell MDB_MAP_FULL (grow and retry) from the rest.
// - Views returned by get()/cursor point into the memory map. They are valid only until the
//   next write in the same transaction or the end of the transaction, whichever comes first.
//   Decode or copy before commit/abort. The *_copy variants return owned strings.
// - The map can only be resized while no transaction is active in this process. The env
//   therefore counts live transactions; grow_map() waits for them to finish and blocks new
//   ones meanwhile. Keep read transactions short, and never begin a transaction while the
//   same thread holds another one during a write burst that may grow the map.
// - The environment is opened with MDB_NOTLS: a read transaction belongs to its txn object,
//   not to the thread, so one thread may hold several and actors may hop threads between
//   messages. A write transaction is still bound to the thread that began it.
// - Never use an env after fork(): transactions begun in a child process fail with
//   errc::unavailable.
#pragma once

#include <lmdb.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "msgcenter/core/error.hpp"

namespace msgcenter::persistence {

/// Maps an LMDB return code to an errc: MDB_NOTFOUND -> not_found, everything else
/// (including system errno values such as EIO or ENOSPC) -> unavailable. Thread-safe.
[[nodiscard]] errc map_lmdb_error(int rc) noexcept;

/// Builds an error from an LMDB return code: code map_lmdb_error(rc), message
/// "<what>: <mdb_strerror(rc)>". Thread-safe.
[[nodiscard]] error lmdb_error(int rc, std::string_view what);

class env;
class txn;
class cursor;

namespace detail {
struct env_state;
struct txn_state;
}  // namespace detail

/// Options of env::open. Defaults suit the engine; tests shrink map_size to force growth.
struct env_options {
  /// Initial size of the memory map in bytes (rounded up to 4 KiB). The file grows as pages
  /// are used, not to this size. An existing environment keeps the larger of this and the
  /// size stored in it (so growth survives a restart).
  std::size_t map_size = std::size_t{256} << 20;
  /// grow_map() never makes the map larger than this; MDB_MAP_FULL beyond it is final.
  std::size_t max_map_size = std::size_t{1} << 40;
  /// Maximum number of named databases (mdb_env_set_maxdbs).
  unsigned max_dbs = 16;
  /// Maximum number of concurrently open read transactions in all processes.
  unsigned max_readers = 512;
  /// MDB_NOSYNC: commits are not flushed to disk. A crash (of the machine, not the process)
  /// may then lose the last transactions or corrupt the database. Never in production:
  /// journal_writer refuses such an env unless told otherwise.
  bool no_sync = false;
  /// MDB_NOSUBDIR: `path` names the data file itself (lock file is `path`-lock).
  bool no_subdir = false;
  /// MDB_RDONLY: open for reading only (tools). Write transactions then fail.
  bool read_only = false;
  /// Create the directory `path` (and parents) when missing. Ignored with no_subdir.
  bool create_directory = true;
  /// Unix permissions of newly created files.
  /// 0600: the store holds secrets (a business's Twilio auth token): no other user reads it.
  unsigned file_mode = 0600;
  /// How long grow_map() waits for live transactions to finish before giving up.
  std::chrono::milliseconds grow_wait = std::chrono::seconds(10);
};

/// A named database handle (MDB_dbi). A plain value, valid for the lifetime of its env.
/// Thread-safe to copy and share.
class dbi {
 public:
  dbi() = default;
  explicit dbi(MDB_dbi handle) noexcept : handle_(handle) {}
  [[nodiscard]] MDB_dbi native() const noexcept { return handle_; }

 private:
  MDB_dbi handle_ = 0;
};

/// One key/value pair seen through a cursor or get(); the views point into the map and live
/// only as long as described in the file comment.
struct entry {
  std::string_view key;
  std::string_view value;
};

/// An owned copy of an entry, safe to keep after the transaction ended.
struct owned_entry {
  std::string key;
  std::string value;
  friend bool operator==(const owned_entry& a, const owned_entry& b) {
    return a.key == b.key && a.value == b.value;
  }
};

/// Copies the bytes of `e` (to keep them after the transaction ends).
[[nodiscard]] owned_entry copy(const entry& e);

/// A cursor over one database inside one transaction (MDB_cursor).
///
/// Positioning calls return the entry under the cursor, or errc::not_found when there is
/// none (past the end, before the start, empty database), or errc::unavailable for an LMDB
/// failure. Ownership: the cursor is closed by its destructor; if its transaction ends
/// first, the transaction closes it and every later call answers errc::unavailable.
/// Thread safety: like its transaction, used by one thread at a time.
class cursor {
 public:
  cursor() = default;
  cursor(cursor&& other) noexcept;
  cursor& operator=(cursor&& other) noexcept;
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  ~cursor();

  /// True while the cursor is open and its transaction alive.
  [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr; }

  /// MDB_FIRST / MDB_LAST. Errors: not_found (empty), unavailable.
  [[nodiscard]] result<entry> first();
  [[nodiscard]] result<entry> last();
  /// MDB_SET_RANGE: the first key >= `key`. Errors: not_found (none), unavailable.
  [[nodiscard]] result<entry> seek(std::string_view key);
  /// MDB_SET_KEY: exactly `key`. Errors: not_found, unavailable.
  [[nodiscard]] result<entry> seek_exact(std::string_view key);
  /// MDB_NEXT / MDB_PREV. Errors: not_found (no more), unavailable.
  [[nodiscard]] result<entry> next();
  [[nodiscard]] result<entry> prev();
  /// MDB_GET_CURRENT. Errors: not_found (unpositioned), unavailable.
  [[nodiscard]] result<entry> current();
  /// Deletes the entry under the cursor (write transactions only). The cursor then points
  /// at the following entry, which next() would skip: use current() to read it.
  /// Errors: unavailable (including read-only transaction, unpositioned cursor).
  [[nodiscard]] status del();

  [[nodiscard]] MDB_cursor* native() const noexcept { return handle_; }

 private:
  friend class txn;
  friend struct detail::txn_state;
  [[nodiscard]] result<entry> op(MDB_cursor_op o, std::string_view key, const char* what);
  void link(detail::txn_state* owner) noexcept;
  void unlink() noexcept;
  void steal(cursor& other) noexcept;

  MDB_cursor* handle_ = nullptr;
  detail::txn_state* owner_ = nullptr;
  cursor* prev_ = nullptr;
  cursor* next_ = nullptr;
};

/// A read-only or read-write transaction (MDB_txn).
///
/// Ownership: a txn that is neither committed nor aborted is aborted by its destructor;
/// its env must outlive it. Cursors opened from it are closed when it ends.
/// Thread safety: one thread at a time; a write transaction must end on the thread that
/// began it. At most one write transaction exists per env at a time: begin_write() blocks
/// until the previous one ended (so never begin a second one on the same thread).
class txn {
 public:
  txn() noexcept;
  txn(txn&&) noexcept;
  txn& operator=(txn&&) noexcept;
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;
  ~txn();

  /// True until commit() or abort().
  [[nodiscard]] bool active() const noexcept;
  [[nodiscard]] bool read_only() const noexcept;

  /// Commits (for a write transaction: writes and, unless the env has no_sync, fsyncs).
  /// The txn is finished afterwards whatever the outcome. Errors: unavailable (e.g. EIO,
  /// ENOSPC, MDB_MAP_FULL; see last_error()), also when the txn is not active.
  [[nodiscard]] status commit();
  /// Discards the transaction. No-op when not active.
  void abort() noexcept;

  /// The value under `key`. The view lives until the next write in this txn or its end.
  /// Errors: not_found, unavailable.
  [[nodiscard]] result<std::string_view> get(dbi db, std::string_view key);
  /// Like get() but returns an owned copy. Errors: not_found, unavailable.
  [[nodiscard]] result<std::string> get_copy(dbi db, std::string_view key);
  /// Stores `value` under `key` (flags: MDB_APPEND, MDB_NOOVERWRITE, ...).
  /// Errors: invalid_argument (key empty or longer than max_key_size()), unavailable
  /// (MDB_MAP_FULL, MDB_KEYEXIST for APPEND out of order or NOOVERWRITE, read-only txn...).
  [[nodiscard]] status put(dbi db, std::string_view key, std::string_view value,
                           unsigned flags = 0);
  /// Reserves `size` bytes under `key` (MDB_RESERVE) and returns where to write them; the
  /// caller must fill them before the next write or the end of the txn.
  /// Errors: as put().
  [[nodiscard]] result<char*> reserve(dbi db, std::string_view key, std::size_t size,
                                      unsigned flags = 0);
  /// Deletes `key`. Errors: not_found, unavailable.
  [[nodiscard]] status del(dbi db, std::string_view key);
  /// Opens a cursor on `db`. Errors: unavailable.
  [[nodiscard]] result<cursor> open_cursor(dbi db);
  /// Number of entries in `db` (mdb_stat). Errors: unavailable.
  [[nodiscard]] result<std::size_t> entries(dbi db);

  /// 0, or the first LMDB error code (other than MDB_NOTFOUND) returned to this txn.
  /// After such an error LMDB only allows abort(); MDB_MAP_FULL means "grow and retry".
  [[nodiscard]] int last_error() const noexcept;
  [[nodiscard]] MDB_txn* native() const noexcept;

 private:
  friend class env;
  explicit txn(std::unique_ptr<detail::txn_state> s) noexcept;
  [[nodiscard]] error fail(int rc, std::string_view what);
  std::unique_ptr<detail::txn_state> s_;
};

/// An LMDB environment: one directory holding data.mdb and lock.mdb (MDB_env).
///
/// Purpose: owns the memory map, hands out transactions, caches named database handles and
/// grows the map on demand. Ownership: the env must outlive every txn, cursor, kv_store and
/// journal_writer made from it; destroying it closes the environment (mdb_env_close).
/// Movable; a moved-from env is empty. Thread safety: all member functions are safe to call
/// concurrently from any thread (the txns they return are not).
class env {
 public:
  /// Opens (creating if needed) the environment at `path`, then runs reader_check() to
  /// clear reader slots left by crashed processes.
  /// Errors: unavailable (mdb_env_open failed, directory not creatable, lock held by an
  /// incompatible process...), invalid_argument (empty path, map_size 0).
  [[nodiscard]] static result<env> open(const std::string& path, const env_options& options = {});

  env() noexcept;
  env(env&&) noexcept;
  env& operator=(env&&) noexcept;
  env(const env&) = delete;
  env& operator=(const env&) = delete;
  ~env();

  /// True when this object holds an open environment.
  [[nodiscard]] bool is_open() const noexcept { return s_ != nullptr; }

  /// Begins a read-only transaction. Errors: unavailable (MDB_READERS_FULL, after fork(),
  /// env not open...).
  [[nodiscard]] result<txn> begin_read();
  /// Begins a write transaction; blocks while another write transaction is live.
  /// Errors: unavailable.
  [[nodiscard]] result<txn> begin_write();

  /// Runs `fn` in a write transaction and commits it. When `fn` or the commit fails with
  /// MDB_MAP_FULL the transaction is aborted, the map grown and `fn` run again, at most
  /// `map_full_retries` times, so `fn` must be safe to rerun. Errors: whatever `fn` returns,
  /// unavailable (commit failure, map limit reached).
  [[nodiscard]] status write(const std::function<status(txn&)>& fn, int map_full_retries = 8);

  /// Opens the named database `name` with `flags` (MDB_CREATE creates it), caching the handle
  /// so later calls are cheap. Open databases at startup: a txn begun before a database was
  /// first opened cannot use its handle. Errors: not_found (missing and no MDB_CREATE),
  /// unavailable (MDB_DBS_FULL, ...), invalid_argument (reopened with other flags).
  [[nodiscard]] result<dbi> open_dbi(std::string_view name, unsigned flags = MDB_CREATE);

  /// Clears reader slots of dead processes (mdb_reader_check) and returns how many.
  /// Errors: unavailable.
  [[nodiscard]] result<int> reader_check();

  /// Doubles the map size (capped at options.max_map_size) via mdb_env_set_mapsize. Waits up
  /// to options.grow_wait for live transactions of this process to end, and blocks new ones
  /// meanwhile; the caller must not hold a transaction. If another thread is already growing,
  /// waits for it and returns success without growing again.
  /// Errors: unavailable (limit reached, timeout waiting for transactions, LMDB failure).
  [[nodiscard]] status grow_map();

  /// Flushes buffers to disk (mdb_env_sync with force). Only useful with no_sync.
  /// Errors: unavailable.
  [[nodiscard]] status sync();

  /// Current map size in bytes; 0 when not open.
  [[nodiscard]] std::size_t map_size() const noexcept;
  /// Number of map growths done by grow_map() since open.
  [[nodiscard]] std::uint64_t map_grows() const noexcept;
  /// Largest key LMDB accepts (511 with default builds).
  [[nodiscard]] std::size_t max_key_size() const noexcept;
  [[nodiscard]] const env_options& options() const noexcept;
  [[nodiscard]] const std::string& path() const noexcept;
  [[nodiscard]] MDB_env* native() const noexcept;

 private:
  [[nodiscard]] result<txn> begin(unsigned flags);
  std::unique_ptr<detail::env_state> s_;
};

}  // namespace msgcenter::persistence
