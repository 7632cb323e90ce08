#include "msgcenter/persistence/journal.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "msgcenter/persistence/checksum.hpp"
#include "msgcenter/persistence/schema.hpp"

namespace msgcenter::persistence {

namespace {

void write_u32_be(char* dst, std::uint32_t v) noexcept {
  dst[0] = static_cast<char>((v >> 24) & 0xFFu);
  dst[1] = static_cast<char>((v >> 16) & 0xFFu);
  dst[2] = static_cast<char>((v >> 8) & 0xFFu);
  dst[3] = static_cast<char>(v & 0xFFu);
}

std::uint32_t read_u32_be(const char* src) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}

// Writes a frame of `payload` into `dst`, which has frame_header_size + payload.size() bytes.
void write_frame(char* dst, std::string_view payload) noexcept {
  write_u32_be(dst, crc32c(payload));
  if (!payload.empty()) std::memcpy(dst + frame_header_size, payload.data(), payload.size());
}

error corrupt(std::uint64_t seq, std::string_view why) {
  return make_error(errc::invalid_argument, "corrupt journal record at seq " + std::to_string(seq) +
                                                ": " + std::string(why));
}

std::size_t histogram_bucket(std::uint64_t n) noexcept {
  std::size_t b = 0;
  while (n > 1 && b < 15) {
    n >>= 1;
    ++b;
  }
  return b;
}

// The journal database for reading; nullopt when a read-only env has none yet.
result<std::optional<dbi>> journal_dbi_for_reading(env& e) {
  const bool read_only = e.options().read_only;
  auto db = e.open_dbi(db_names::journal, read_only ? 0u : static_cast<unsigned>(MDB_CREATE));
  if (!db) {
    if (read_only && db.error().code == errc::not_found) return std::optional<dbi>{};
    return std::move(db).error();
  }
  return std::optional<dbi>(*db);
}

result<std::uint64_t> edge_sequence(env& e, bool newest) {
  auto db = journal_dbi_for_reading(e);
  if (!db) return std::move(db).error();
  if (!*db) return std::uint64_t{0};
  auto t = e.begin_read();
  if (!t) return std::move(t).error();
  auto c = t->open_cursor(**db);
  if (!c) return std::move(c).error();
  auto r = newest ? c->last() : c->first();
  if (!r) {
    if (r.error().code == errc::not_found) return std::uint64_t{0};
    return std::move(r).error();
  }
  auto seq = decode_u64_be(r->key);
  if (!seq || r->key.size() != 8) {
    return make_error(errc::invalid_argument, "corrupt journal: malformed key of " +
                                                  std::to_string(r->key.size()) + " bytes");
  }
  return *seq;
}

}  // namespace

std::string encode_frame(std::string_view payload) {
  std::string out(frame_header_size + payload.size(), '\0');
  write_frame(out.data(), payload);
  return out;
}

result<std::string_view> decode_frame(std::string_view frame) {
  if (frame.size() < frame_header_size) {
    return make_error(errc::invalid_argument,
                      "journal frame of " + std::to_string(frame.size()) + " bytes is truncated");
  }
  const std::string_view payload = frame.substr(frame_header_size);
  const std::uint32_t stored = read_u32_be(frame.data());
  const std::uint32_t actual = crc32c(payload);
  if (stored != actual) {
    return make_error(errc::invalid_argument, "journal frame checksum mismatch");
  }
  return payload;
}

// ---------------------------------------------------------------------------------------
// journal_writer

result<std::unique_ptr<journal_writer>> journal_writer::open(env& e, journal_options options) {
  if (!e.is_open()) return make_error(errc::unavailable, "journal: environment is not open");
  if (e.options().read_only) {
    return make_error(errc::invalid_argument, "journal: environment is read-only");
  }
  if (e.options().no_sync && !options.allow_no_sync) {
    return make_error(errc::invalid_argument,
                      "journal: environment opened with no_sync cannot make records durable");
  }
  if (options.max_group_records == 0 || options.max_group_bytes == 0 ||
      options.max_queued_records == 0 || options.max_queued_bytes == 0) {
    return make_error(errc::invalid_argument, "journal: group and queue limits must be > 0");
  }
  auto db = e.open_dbi(db_names::journal, MDB_CREATE);
  if (!db) return std::move(db).error();
  auto last = last_sequence(e);
  if (!last) return std::move(last).error();
  std::unique_ptr<journal_writer> w(new journal_writer(e, *db, std::move(options), *last + 1));
  w->thread_ = std::thread([raw = w.get()] { raw->run(); });
  w->writer_id_ = w->thread_.get_id();
  return result<std::unique_ptr<journal_writer>>(std::move(w));
}

journal_writer::journal_writer(env& e, dbi db, journal_options options, std::uint64_t next_seq)
    : env_(e), db_(db), options_(std::move(options)), next_seq_(next_seq) {
  stats_.last_sequence = next_seq - 1;
}

journal_writer::~journal_writer() { (void)close(); }

void journal_writer::invoke(durable_callback& cb, result<std::uint64_t> r) noexcept {
  if (!cb) return;
  try {
    cb(std::move(r));
  } catch (...) {
    // A callback must not throw; swallowing keeps the writer (and every other caller's
    // acknowledgement) alive.
  }
}

void journal_writer::append(std::string payload, durable_callback on_durable) {
  if (payload.size() > options_.max_record_bytes) {
    invoke(on_durable,
           make_error(errc::invalid_argument,
                      "journal: record of " + std::to_string(payload.size()) + " bytes exceeds " +
                          std::to_string(options_.max_record_bytes)));
    return;
  }
  pending p;
  p.bytes = payload.size();
  p.one = std::move(payload);
  p.records = 1;
  p.callback = std::move(on_durable);
  enqueue(std::move(p));
}

void journal_writer::append_batch(std::vector<std::string> payloads, durable_callback on_durable) {
  if (payloads.empty()) {
    invoke(on_durable, make_error(errc::invalid_argument, "journal: empty batch"));
    return;
  }
  std::size_t bytes = 0;
  for (const auto& s : payloads) {
    if (s.size() > options_.max_record_bytes) {
      invoke(on_durable,
             make_error(errc::invalid_argument, "journal: record of " + std::to_string(s.size()) +
                                                    " bytes exceeds " +
                                                    std::to_string(options_.max_record_bytes)));
      return;
    }
    bytes += s.size();
  }
  if (payloads.size() > options_.max_queued_records || bytes > options_.max_queued_bytes) {
    invoke(on_durable,
           make_error(errc::invalid_argument, "journal: batch larger than the queue bounds"));
    return;
  }
  pending p;
  p.records = payloads.size();
  p.bytes = bytes;
  p.many = std::move(payloads);
  p.batch = true;
  p.callback = std::move(on_durable);
  enqueue(std::move(p));
}

void journal_writer::enqueue(pending p) {
  std::unique_lock<std::mutex> lock(mu_);
  if (failed_ || stopping_) {
    error e = failed_ ? *failed_ : make_error(errc::unavailable, "journal: writer is closed");
    lock.unlock();
    invoke(p.callback, std::move(e));
    return;
  }
  if (queued_records_ + p.records > options_.max_queued_records ||
      queued_bytes_ + p.bytes > options_.max_queued_bytes) {
    ++stats_.refused_overloaded;
    lock.unlock();
    invoke(p.callback, make_error(errc::overloaded, "journal: queue full"));
    return;
  }
  queued_records_ += p.records;
  queued_bytes_ += p.bytes;
  update_admission_locked();
  ++enqueued_entries_;
  queue_.push_back(std::move(p));
  const bool wake = writer_waiting_;
  lock.unlock();
  if (wake) work_cv_.notify_one();
}

void journal_writer::run() {
  std::vector<pending> group;
  std::vector<pending> drained;
  for (;;) {
    group.clear();
    drained.clear();
    std::uint64_t first = 0;
    std::size_t records = 0;
    std::size_t bytes = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (queue_.empty() && !stopping_) {
        writer_waiting_ = true;
        work_cv_.wait(lock);
        writer_waiting_ = false;
      }
      if (queue_.empty()) break;  // stopping and drained
      // Group commit: take everything waiting, up to the group caps. No artificial delay:
      // whatever arrives during one fsync forms the next group.
      while (!queue_.empty()) {
        pending& f = queue_.front();
        if (!group.empty() && (records + f.records > options_.max_group_records ||
                               bytes + f.bytes > options_.max_group_bytes)) {
          break;
        }
        records += f.records;
        bytes += f.bytes;
        group.push_back(std::move(f));
        queue_.pop_front();
      }
      queued_records_ -= records;
      queued_bytes_ -= bytes;
      update_admission_locked();
      first = next_seq_;
    }

    std::uint64_t grows = 0;
    const auto started = std::chrono::steady_clock::now();
    status st = commit_group(group, first, grows);
    const auto nanos =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count());

    error failure;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.map_grows += grows;
      if (st) {
        next_seq_ = first + records;
        stats_.commits += 1;
        stats_.records += records;
        stats_.bytes += bytes;
        stats_.last_group_size = records;
        stats_.max_group_size = std::max<std::uint64_t>(stats_.max_group_size, records);
        stats_.group_size_histogram[histogram_bucket(records)] += 1;
        stats_.commit_nanos_total += nanos;
        stats_.commit_nanos_max = std::max(stats_.commit_nanos_max, nanos);
        stats_.last_sequence = next_seq_ - 1;
      } else {
        // Stop acknowledging for good: this group, everything queued, everything later.
        failed_ = make_error(errc::unavailable,
                             "journal: commit failed, writer stopped: " + st.error().message);
        stats_.failed = true;
        failure = *failed_;
        for (auto& p : queue_) drained.push_back(std::move(p));
        queue_.clear();
        queued_records_ = 0;
        queued_bytes_ = 0;
        update_admission_locked();
      }
    }

    if (st) {
      std::uint64_t seq = first;
      for (auto& p : group) {
        invoke(p.callback, seq);
        seq += p.records;
      }
    } else {
      for (auto& p : group) invoke(p.callback, failure);
      for (auto& p : drained) invoke(p.callback, failure);
    }

    {
      std::lock_guard<std::mutex> lock(mu_);
      completed_entries_ += group.size() + drained.size();
    }
    done_cv_.notify_all();
  }
}

status journal_writer::commit_group(const std::vector<pending>& group, std::uint64_t first_seq,
                                    std::uint64_t& grows) {
  std::string key;
  key.reserve(8);
  for (int attempt = 0;; ++attempt) {
    auto t = env_.begin_write();
    if (!t) return std::move(t).error();
    std::uint64_t seq = first_seq;
    auto put_one = [&](std::string_view payload) -> status {
      key.clear();
      append_u64_be(key, seq);
      auto slot = t->reserve(db_, key, frame_header_size + payload.size(), MDB_APPEND);
      if (!slot) return std::move(slot).error();
      write_frame(*slot, payload);
      ++seq;
      return unit{};
    };
    status st = unit{};
    for (const auto& p : group) {
      if (p.batch) {
        for (const auto& s : p.many) {
          st = put_one(s);
          if (!st) break;
        }
      } else {
        st = put_one(p.one);
      }
      if (!st) break;
    }
    int rc = 0;
    if (st) {
      if (options_.commit_hook) rc = options_.commit_hook();
      if (rc != 0) {
        t->abort();
        st = lmdb_error(rc, "mdb_txn_commit (injected)");
      } else {
        st = t->commit();
        rc = t->last_error();
      }
    } else {
      rc = t->last_error();
      t->abort();
    }
    if (st) return st;
    if (rc == MDB_MAP_FULL && attempt < options_.map_full_retries) {
      auto grown = env_.grow_map();
      if (!grown) return grown;
      ++grows;
      continue;
    }
    return st;
  }
}

status journal_writer::flush() {
  if (std::this_thread::get_id() == writer_id_) {
    return make_error(errc::invalid_argument, "journal: flush() called from a callback");
  }
  std::unique_lock<std::mutex> lock(mu_);
  const std::uint64_t target = enqueued_entries_;
  done_cv_.wait(lock, [&] { return completed_entries_ >= target; });
  if (failed_) return *failed_;
  return unit{};
}

status journal_writer::close() {
  if (std::this_thread::get_id() == writer_id_) {
    return make_error(errc::invalid_argument, "journal: close() called from a callback");
  }
  std::lock_guard<std::mutex> closing(close_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  if (failed_) return *failed_;
  return unit{};
}

void journal_writer::update_admission_locked() noexcept {
  journal_admission a = journal_admission::open;
  if (failed_)
    a = journal_admission::failed;
  else if (queued_records_ * 2 >= options_.max_queued_records ||
           queued_bytes_ * 2 >= options_.max_queued_bytes)
    a = journal_admission::busy;
  admission_.store(static_cast<std::uint8_t>(a), std::memory_order_relaxed);
}

std::optional<error> journal_writer::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

journal_stats journal_writer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  journal_stats s = stats_;
  s.queued_records = queued_records_;
  s.queued_bytes = queued_bytes_;
  s.failed = failed_.has_value();
  return s;
}

std::uint64_t journal_writer::next_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_seq_;
}

// ---------------------------------------------------------------------------------------
// reading and trimming

status read_journal(env& e, std::uint64_t from_seq,
                    const std::function<status(std::uint64_t, std::string_view)>& fn,
                    std::size_t chunk) {
  if (chunk == 0) chunk = 1;
  auto db = journal_dbi_for_reading(e);
  if (!db) return std::move(db).error();
  if (!*db) return unit{};
  std::uint64_t next = from_seq;
  bool have_prev = false;  // a record was delivered: the following must be next
  for (;;) {
    auto t = e.begin_read();
    if (!t) return std::move(t).error();
    auto c = t->open_cursor(**db);
    if (!c) return std::move(c).error();
    auto r = c->seek(journal_key(next));
    std::size_t n = 0;
    bool first_of_chunk = true;
    for (; r; r = c->next()) {
      auto seq = decode_u64_be(r->key);
      if (!seq || r->key.size() != 8) {
        return make_error(errc::invalid_argument,
                          "corrupt journal: malformed key after seq " + std::to_string(next));
      }
      if (*seq != next) {
        if (have_prev) {
          return corrupt(*seq, "gap in the journal, expected seq " + std::to_string(next));
        }
        if (first_of_chunk) {
          // Starting past from_seq is fine when from_seq was trimmed away, but not when an
          // older record exists: then the records in between are lost.
          auto before = c->prev();
          if (before) {
            auto prev_seq = decode_u64_be(before->key);
            if (!prev_seq || *prev_seq + 1 != *seq) {
              return corrupt(*seq, "gap in the journal before it");
            }
          } else if (before.error().code != errc::not_found) {
            return std::move(before).error();
          }
          r = c->seek(journal_key(*seq));
          if (!r) return std::move(r).error();
        }
      }
      first_of_chunk = false;
      auto payload = decode_frame(r->value);
      if (!payload) return corrupt(*seq, payload.error().message);
      status st = fn(*seq, *payload);
      if (!st) return st;
      have_prev = true;
      next = *seq + 1;
      if (++n == chunk) break;
    }
    if (!r) {
      if (r.error().code == errc::not_found) return unit{};
      return std::move(r).error();
    }
    // Chunk full: end this read txn and continue in a fresh one.
  }
}

result<std::uint64_t> trim_journal(env& e, std::uint64_t up_to_seq, std::size_t chunk) {
  if (chunk == 0) chunk = 1;
  auto db = e.open_dbi(db_names::journal, MDB_CREATE);
  if (!db) return std::move(db).error();
  auto last = last_sequence(e);
  if (!last) return std::move(last).error();
  if (*last == 0) return std::uint64_t{0};
  const std::uint64_t limit = std::min(up_to_seq, *last - 1);  // keep the newest record
  std::uint64_t total = 0;
  for (;;) {
    std::uint64_t deleted = 0;
    status st = e.write([&](txn& t) -> status {
      deleted = 0;
      auto c = t.open_cursor(*db);
      if (!c) return std::move(c).error();
      auto r = c->first();
      while (r && deleted < chunk) {
        auto seq = decode_u64_be(r->key);
        if (!seq || r->key.size() != 8) {
          return make_error(errc::invalid_argument, "corrupt journal: malformed key");
        }
        if (*seq > limit) break;
        auto d = c->del();
        if (!d) return d;
        ++deleted;
        r = c->first();
      }
      if (!r && r.error().code != errc::not_found) return std::move(r).error();
      return unit{};
    });
    if (!st) return std::move(st).error();
    total += deleted;
    if (deleted < chunk) return total;
  }
}

result<std::uint64_t> last_sequence(env& e) { return edge_sequence(e, true); }
result<std::uint64_t> first_sequence(env& e) { return edge_sequence(e, false); }

}  // namespace msgcenter::persistence
