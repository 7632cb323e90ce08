#include "msgcenter/persistence/lmdb.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

namespace msgcenter::persistence {

errc map_lmdb_error(int rc) noexcept {
  return rc == MDB_NOTFOUND ? errc::not_found : errc::unavailable;
}

error lmdb_error(int rc, std::string_view what) {
  std::string text(what);
  text += ": ";
  text += mdb_strerror(rc);
  return make_error(map_lmdb_error(rc), std::move(text));
}

owned_entry copy(const entry& e) { return owned_entry{std::string(e.key), std::string(e.value)}; }

namespace {

MDB_val to_val(std::string_view s) noexcept {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

std::string_view to_view(const MDB_val& v) noexcept {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

constexpr std::size_t page_round(std::size_t n) noexcept {
  constexpr std::size_t page = 4096;
  return (n + page - 1) / page * page;
}

}  // namespace

namespace detail {

// Everything behind an env handle. Lives on the heap so txns can point at it even when the
// env object is moved.
struct env_state {
  MDB_env* handle = nullptr;
  std::string path;
  env_options options;
  pid_t pid = 0;
  std::size_t max_key = 511;
  std::atomic<std::uint64_t> grows{0};

  // The resize gate: `active` counts live transactions of this process; `growing` stops new
  // ones while mdb_env_set_mapsize waits for `active` to drop to zero.
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  std::size_t active = 0;
  bool growing = false;

  // Named database handles, opened once. Also serialises mdb_dbi_open as LMDB requires.
  std::mutex dbi_mu;
  std::map<std::string, std::pair<MDB_dbi, unsigned>, std::less<>> dbis;

  env_state() = default;
  env_state(const env_state&) = delete;
  env_state& operator=(const env_state&) = delete;
  ~env_state() {
    if (handle != nullptr) mdb_env_close(handle);
  }

  void enter() {
    std::unique_lock<std::mutex> lock(gate_mu);
    gate_cv.wait(lock, [&] { return !growing; });
    ++active;
  }

  void leave() noexcept {
    std::lock_guard<std::mutex> lock(gate_mu);
    --active;
    if (active == 0) gate_cv.notify_all();
  }

  // Sets the map size with no transaction active: `new_size` 0 adopts the size another
  // process chose (MDB_MAP_RESIZED), otherwise doubles up to the limit.
  status resize(bool adopt) {
    std::unique_lock<std::mutex> lock(gate_mu);
    if (growing) {
      // Someone else is resizing right now; their result serves us too.
      gate_cv.wait(lock, [&] { return !growing; });
      return unit{};
    }
    growing = true;
    const bool drained = gate_cv.wait_for(lock, options.grow_wait, [&] { return active == 0; });
    auto finish = [&] {
      growing = false;
      gate_cv.notify_all();
    };
    if (!drained) {
      const auto live = active;
      finish();
      return make_error(errc::unavailable, "grow_map: " + std::to_string(live) +
                                               " transaction(s) still active after " +
                                               std::to_string(options.grow_wait.count()) + " ms");
    }
    std::size_t target = 0;
    if (!adopt) {
      MDB_envinfo info{};
      mdb_env_info(handle, &info);
      const std::size_t current = info.me_mapsize;
      if (current >= options.max_map_size) {
        finish();
        return make_error(errc::unavailable, "grow_map: map size limit reached (" +
                                                 std::to_string(options.max_map_size) + " bytes)");
      }
      target = page_round(std::min(current * 2, options.max_map_size));
    }
    const int rc = mdb_env_set_mapsize(handle, target);
    if (rc == 0 && !adopt) grows.fetch_add(1, std::memory_order_relaxed);
    finish();
    if (rc != 0) return lmdb_error(rc, "mdb_env_set_mapsize");
    return unit{};
  }
};

struct txn_state {
  MDB_txn* handle = nullptr;
  env_state* env = nullptr;
  bool read_only = true;
  int last_error = 0;
  cursor* cursors = nullptr;  // intrusive list of open cursors, closed when the txn ends

  void note(int rc) noexcept {
    if (rc != 0 && rc != MDB_NOTFOUND && last_error == 0) last_error = rc;
  }

  void close_cursors() noexcept {
    cursor* c = cursors;
    while (c != nullptr) {
      cursor* next = c->next_;
      mdb_cursor_close(c->handle_);
      c->handle_ = nullptr;
      c->owner_ = nullptr;
      c->prev_ = nullptr;
      c->next_ = nullptr;
      c = next;
    }
    cursors = nullptr;
  }

  // Ends the transaction: commit when `commit`, else abort. Returns the LMDB code.
  int end(bool commit) noexcept {
    if (handle == nullptr) return 0;
    close_cursors();
    int rc = 0;
    if (commit) {
      rc = mdb_txn_commit(handle);
    } else {
      mdb_txn_abort(handle);
    }
    handle = nullptr;
    env->leave();
    note(rc);
    return rc;
  }
};

}  // namespace detail

// ---------------------------------------------------------------------------------------
// cursor

cursor::cursor(cursor&& other) noexcept { steal(other); }

cursor& cursor::operator=(cursor&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) {
      unlink();
      mdb_cursor_close(handle_);
      handle_ = nullptr;
    }
    steal(other);
  }
  return *this;
}

cursor::~cursor() {
  if (handle_ != nullptr) {
    unlink();
    mdb_cursor_close(handle_);
  }
}

void cursor::link(detail::txn_state* owner) noexcept {
  owner_ = owner;
  prev_ = nullptr;
  next_ = owner->cursors;
  if (next_ != nullptr) next_->prev_ = this;
  owner->cursors = this;
}

void cursor::unlink() noexcept {
  if (prev_ != nullptr) {
    prev_->next_ = next_;
  } else if (owner_ != nullptr) {
    owner_->cursors = next_;
  }
  if (next_ != nullptr) next_->prev_ = prev_;
  prev_ = nullptr;
  next_ = nullptr;
  owner_ = nullptr;
}

void cursor::steal(cursor& other) noexcept {
  handle_ = other.handle_;
  owner_ = other.owner_;
  prev_ = other.prev_;
  next_ = other.next_;
  if (prev_ != nullptr) {
    prev_->next_ = this;
  } else if (owner_ != nullptr) {
    owner_->cursors = this;
  }
  if (next_ != nullptr) next_->prev_ = this;
  other.handle_ = nullptr;
  other.owner_ = nullptr;
  other.prev_ = nullptr;
  other.next_ = nullptr;
}

result<entry> cursor::op(MDB_cursor_op o, std::string_view key, const char* what) {
  if (handle_ == nullptr) {
    return make_error(errc::unavailable, std::string(what) + ": cursor is closed");
  }
  MDB_val k = to_val(key);
  MDB_val v{0, nullptr};
  const int rc = mdb_cursor_get(handle_, &k, &v, o);
  if (rc != 0) {
    if (owner_ != nullptr) owner_->note(rc);
    return lmdb_error(rc, what);
  }
  return entry{to_view(k), to_view(v)};
}

result<entry> cursor::first() { return op(MDB_FIRST, {}, "cursor first"); }
result<entry> cursor::last() { return op(MDB_LAST, {}, "cursor last"); }
result<entry> cursor::seek(std::string_view key) {
  // LMDB rejects zero-length keys; the first key >= "" is simply the first key.
  if (key.empty()) return op(MDB_FIRST, {}, "cursor seek");
  return op(MDB_SET_RANGE, key, "cursor seek");
}
result<entry> cursor::seek_exact(std::string_view key) {
  if (key.empty()) return make_error(errc::not_found, "cursor seek_exact: empty key");
  return op(MDB_SET_KEY, key, "cursor seek_exact");
}
result<entry> cursor::next() { return op(MDB_NEXT, {}, "cursor next"); }
result<entry> cursor::prev() { return op(MDB_PREV, {}, "cursor prev"); }
result<entry> cursor::current() { return op(MDB_GET_CURRENT, {}, "cursor current"); }

status cursor::del() {
  if (handle_ == nullptr) return make_error(errc::unavailable, "cursor del: cursor is closed");
  const int rc = mdb_cursor_del(handle_, 0);
  if (rc != 0) {
    if (owner_ != nullptr) owner_->note(rc);
    return lmdb_error(rc, "mdb_cursor_del");
  }
  return unit{};
}

// ---------------------------------------------------------------------------------------
// txn

txn::txn() noexcept = default;
txn::txn(std::unique_ptr<detail::txn_state> s) noexcept : s_(std::move(s)) {}
txn::txn(txn&&) noexcept = default;
txn& txn::operator=(txn&& other) noexcept {
  if (this != &other) {
    abort();
    s_ = std::move(other.s_);
  }
  return *this;
}
txn::~txn() { abort(); }

bool txn::active() const noexcept { return s_ != nullptr && s_->handle != nullptr; }
bool txn::read_only() const noexcept { return s_ == nullptr || s_->read_only; }
int txn::last_error() const noexcept { return s_ == nullptr ? 0 : s_->last_error; }
MDB_txn* txn::native() const noexcept { return s_ == nullptr ? nullptr : s_->handle; }

error txn::fail(int rc, std::string_view what) {
  if (s_ != nullptr) s_->note(rc);
  return lmdb_error(rc, what);
}

status txn::commit() {
  if (!active()) return make_error(errc::unavailable, "commit: transaction is not active");
  const int rc = s_->end(true);
  if (rc != 0) return lmdb_error(rc, "mdb_txn_commit");
  return unit{};
}

void txn::abort() noexcept {
  if (s_ != nullptr) s_->end(false);
}

result<std::string_view> txn::get(dbi db, std::string_view key) {
  if (!active()) return make_error(errc::unavailable, "get: transaction is not active");
  if (key.empty()) return make_error(errc::not_found, "get: empty key");
  MDB_val k = to_val(key);
  MDB_val v{0, nullptr};
  const int rc = mdb_get(s_->handle, db.native(), &k, &v);
  if (rc != 0) return fail(rc, "mdb_get");
  return to_view(v);
}

result<std::string> txn::get_copy(dbi db, std::string_view key) {
  auto r = get(db, key);
  if (!r) return std::move(r).error();
  return std::string(*r);
}

status txn::put(dbi db, std::string_view key, std::string_view value, unsigned flags) {
  if (!active()) return make_error(errc::unavailable, "put: transaction is not active");
  if (key.empty() || key.size() > s_->env->max_key) {
    return make_error(errc::invalid_argument, "put: key of " + std::to_string(key.size()) +
                                                  " bytes (must be 1.." +
                                                  std::to_string(s_->env->max_key) + ")");
  }
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  const int rc = mdb_put(s_->handle, db.native(), &k, &v, flags);
  if (rc != 0) return fail(rc, "mdb_put");
  return unit{};
}

result<char*> txn::reserve(dbi db, std::string_view key, std::size_t size, unsigned flags) {
  if (!active()) return make_error(errc::unavailable, "reserve: transaction is not active");
  if (key.empty() || key.size() > s_->env->max_key) {
    return make_error(errc::invalid_argument, "reserve: key of " + std::to_string(key.size()) +
                                                  " bytes (must be 1.." +
                                                  std::to_string(s_->env->max_key) + ")");
  }
  MDB_val k = to_val(key);
  MDB_val v{size, nullptr};
  const int rc = mdb_put(s_->handle, db.native(), &k, &v, flags | MDB_RESERVE);
  if (rc != 0) return fail(rc, "mdb_put(MDB_RESERVE)");
  return static_cast<char*>(v.mv_data);
}

status txn::del(dbi db, std::string_view key) {
  if (!active()) return make_error(errc::unavailable, "del: transaction is not active");
  if (key.empty()) return make_error(errc::not_found, "del: empty key");
  MDB_val k = to_val(key);
  const int rc = mdb_del(s_->handle, db.native(), &k, nullptr);
  if (rc != 0) return fail(rc, "mdb_del");
  return unit{};
}

result<cursor> txn::open_cursor(dbi db) {
  if (!active()) return make_error(errc::unavailable, "open_cursor: transaction is not active");
  MDB_cursor* h = nullptr;
  const int rc = mdb_cursor_open(s_->handle, db.native(), &h);
  if (rc != 0) return fail(rc, "mdb_cursor_open");
  cursor c;
  c.handle_ = h;
  c.link(s_.get());
  return result<cursor>(std::move(c));
}

result<std::size_t> txn::entries(dbi db) {
  if (!active()) return make_error(errc::unavailable, "entries: transaction is not active");
  MDB_stat st{};
  const int rc = mdb_stat(s_->handle, db.native(), &st);
  if (rc != 0) return fail(rc, "mdb_stat");
  return static_cast<std::size_t>(st.ms_entries);
}

// ---------------------------------------------------------------------------------------
// env

env::env() noexcept = default;
env::env(env&&) noexcept = default;
env& env::operator=(env&&) noexcept = default;
env::~env() = default;

result<env> env::open(const std::string& path, const env_options& options) {
  if (path.empty()) return make_error(errc::invalid_argument, "env open: empty path");
  if (options.map_size == 0) return make_error(errc::invalid_argument, "env open: map_size 0");
  auto s = std::make_unique<detail::env_state>();
  s->path = path;
  s->options = options;
  s->pid = ::getpid();

  if (!options.no_subdir && options.create_directory && !options.read_only) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) {
      return make_error(errc::unavailable,
                        "env open: cannot create directory " + path + ": " + ec.message());
    }
  }
  int rc = mdb_env_create(&s->handle);
  if (rc != 0) {
    s->handle = nullptr;
    return lmdb_error(rc, "mdb_env_create");
  }
  if ((rc = mdb_env_set_maxdbs(s->handle, options.max_dbs)) != 0) {
    return lmdb_error(rc, "mdb_env_set_maxdbs");
  }
  if ((rc = mdb_env_set_maxreaders(s->handle, options.max_readers)) != 0) {
    return lmdb_error(rc, "mdb_env_set_maxreaders");
  }
  unsigned flags = MDB_NOTLS;
  if (options.no_sync) flags |= MDB_NOSYNC;
  if (options.no_subdir) flags |= MDB_NOSUBDIR;
  if (options.read_only) flags |= MDB_RDONLY;
  // On failure the handle must still be closed: env_state's destructor does it.
  if ((rc = mdb_env_open(s->handle, path.c_str(), flags,
                         static_cast<mdb_mode_t>(options.file_mode))) != 0) {
    return lmdb_error(rc, "mdb_env_open " + path);
  }
  s->max_key = static_cast<std::size_t>(mdb_env_get_maxkeysize(s->handle));
  // The map size was left unset before mdb_env_open so LMDB adopted the size stored in the
  // file (which remembers earlier growth). Apply the requested size when the environment is
  // new (nothing committed yet) or when it asks for more. No transaction exists yet.
  {
    MDB_envinfo info{};
    mdb_env_info(s->handle, &info);
    const std::size_t wanted = page_round(options.map_size);
    if ((info.me_last_txnid == 0 && !options.read_only) || info.me_mapsize < wanted) {
      if ((rc = mdb_env_set_mapsize(s->handle, wanted)) != 0) {
        return lmdb_error(rc, "mdb_env_set_mapsize");
      }
    }
  }

  env e;
  e.s_ = std::move(s);
  auto cleared = e.reader_check();
  if (!cleared) return std::move(cleared).error();
  return result<env>(std::move(e));
}

result<txn> env::begin(unsigned flags) {
  if (s_ == nullptr) return make_error(errc::unavailable, "begin: environment is not open");
  if (::getpid() != s_->pid) {
    return make_error(errc::unavailable, "begin: environment used after fork()");
  }
  for (int attempt = 0;; ++attempt) {
    s_->enter();
    MDB_txn* h = nullptr;
    const int rc = mdb_txn_begin(s_->handle, nullptr, flags, &h);
    if (rc == 0) {
      auto st = std::make_unique<detail::txn_state>();
      st->handle = h;
      st->env = s_.get();
      st->read_only = (flags & MDB_RDONLY) != 0;
      return result<txn>(txn(std::move(st)));
    }
    s_->leave();
    if (rc == MDB_MAP_RESIZED && attempt == 0) {
      // Another process grew the map: adopt its size, then try once more.
      auto adopted = s_->resize(true);
      if (!adopted) return std::move(adopted).error();
      continue;
    }
    return lmdb_error(rc, "mdb_txn_begin");
  }
}

result<txn> env::begin_read() { return begin(MDB_RDONLY); }
result<txn> env::begin_write() { return begin(0); }

status env::write(const std::function<status(txn&)>& fn, int map_full_retries) {
  for (int attempt = 0;; ++attempt) {
    auto t = begin_write();
    if (!t) return std::move(t).error();
    status st = fn(*t);
    if (st) st = t->commit();
    t->abort();  // no-op after a commit
    if (st) return st;
    if (t->last_error() == MDB_MAP_FULL && attempt < map_full_retries) {
      auto grown = grow_map();
      if (!grown) return grown;
      continue;
    }
    return st;
  }
}

result<dbi> env::open_dbi(std::string_view name, unsigned flags) {
  if (s_ == nullptr) return make_error(errc::unavailable, "open_dbi: environment is not open");
  std::lock_guard<std::mutex> lock(s_->dbi_mu);
  const unsigned shape = flags & ~static_cast<unsigned>(MDB_CREATE);
  if (auto it = s_->dbis.find(name); it != s_->dbis.end()) {
    if (it->second.second != shape) {
      return make_error(errc::invalid_argument,
                        "open_dbi: " + std::string(name) + " already open with other flags");
    }
    return dbi(it->second.first);
  }
  auto t = (flags & MDB_CREATE) != 0 ? begin_write() : begin_read();
  if (!t) return std::move(t).error();
  const std::string n(name);
  MDB_dbi h = 0;
  const int rc = mdb_dbi_open(t->native(), n.empty() ? nullptr : n.c_str(), flags, &h);
  if (rc != 0) return lmdb_error(rc, "mdb_dbi_open " + n);
  auto committed = t->commit();
  if (!committed) return std::move(committed).error();
  s_->dbis.emplace(n, std::make_pair(h, shape));
  return dbi(h);
}

result<int> env::reader_check() {
  if (s_ == nullptr) return make_error(errc::unavailable, "reader_check: environment is not open");
  int dead = 0;
  const int rc = mdb_reader_check(s_->handle, &dead);
  if (rc != 0) return lmdb_error(rc, "mdb_reader_check");
  return dead;
}

status env::grow_map() {
  if (s_ == nullptr) return make_error(errc::unavailable, "grow_map: environment is not open");
  return s_->resize(false);
}

status env::sync() {
  if (s_ == nullptr) return make_error(errc::unavailable, "sync: environment is not open");
  const int rc = mdb_env_sync(s_->handle, 1);
  if (rc != 0) return lmdb_error(rc, "mdb_env_sync");
  return unit{};
}

std::size_t env::map_size() const noexcept {
  if (s_ == nullptr) return 0;
  MDB_envinfo info{};
  if (mdb_env_info(s_->handle, &info) != 0) return 0;
  return info.me_mapsize;
}

std::uint64_t env::map_grows() const noexcept {
  return s_ == nullptr ? 0 : s_->grows.load(std::memory_order_relaxed);
}

std::size_t env::max_key_size() const noexcept { return s_ == nullptr ? 0 : s_->max_key; }

const env_options& env::options() const noexcept {
  static const env_options defaults;
  return s_ == nullptr ? defaults : s_->options;
}

const std::string& env::path() const noexcept {
  static const std::string none;
  return s_ == nullptr ? none : s_->path;
}

MDB_env* env::native() const noexcept { return s_ == nullptr ? nullptr : s_->handle; }

}  // namespace msgcenter::persistence
