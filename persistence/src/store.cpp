#include "msgcenter/persistence/store.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "msgcenter/core/inbox.hpp"
#include "msgcenter/persistence/codec.hpp"
#include "msgcenter/persistence/directory_lock.hpp"
#include "msgcenter/persistence/kv_store.hpp"
#include "msgcenter/persistence/message_history.hpp"
#include "msgcenter/persistence/schema.hpp"

namespace msgcenter::persistence {
namespace {

error other_version(const std::string& dir, std::uint64_t found, std::string_view note = {}) {
  return make_error(errc::invalid_argument, "store format version " + std::to_string(found) +
                                                " in " + dir + std::string(note) +
                                                ", this build reads version " +
                                                std::to_string(store_format_version));
}

/// Refuses a store of another format version (older or newer: never misread), and stamps
/// a fresh one with this build's. Runs with the directory lock held, before the journal.
status check_format(env& e, const kv_store& meta, const std::string& dir) {
  auto v = meta.get(meta_keys::format_version);
  if (v) {
    auto n = decode_u64_be(*v);
    if (!n || v->size() != 8) {
      return make_error(errc::invalid_argument, "store format version in " + dir +
                                                    " is unreadable (" + std::to_string(v->size()) +
                                                    " bytes)");
    }
    if (*n != store_format_version) return other_version(dir, *n);
    return unit{};
  }
  if (v.error().code != errc::not_found) return v.error();
  // No version: a fresh store, or one of format 1, which did not record its version.
  for (auto name :
       {db_names::journal, db_names::messages, db_names::conversations, db_names::inboxes,
        db_names::contacts, db_names::consent, db_names::directory, db_names::meta}) {
    auto db = kv_store::open(e, name);
    if (!db) return db.error();
    auto n = db->size();
    if (!n) return n.error();
    if (*n > 0) {
      return other_version(dir, 1,
                           " (written before stores recorded their version; it is not "
                           "migrated: move it aside to start a new store)");
    }
  }
  return meta.put(meta_keys::format_version, encode_u64_be(store_format_version));
}

/// Messages of all businesses share one database: a conversation's storage key puts the
/// business's number in the top 24 bits of the id.
conversation_id storage_conversation(std::uint32_t business_no, conversation_id id) {
  return (static_cast<std::uint64_t>(business_no) << 40) | id;
}

std::string key_of(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts) {
    if (!k.empty()) k.push_back('\0');
    k.append(p);
  }
  return k;
}

std::string conversation_key_of(const std::string& business, conversation_id id) {
  std::string k = business;
  k.push_back('\0');
  append_u64_be(k, id);
  return k;
}

/// What changed since the snapshot, to write back by compaction.
struct touched {
  std::set<std::string> directories;
  std::set<std::pair<std::string, std::string>> contacts;
  std::set<std::tuple<std::string, std::string, std::string>> consent;
  std::set<std::pair<std::string, conversation_id>> conversations;
  std::set<std::tuple<std::string, conversation_id, message_id>> messages;
  std::set<std::pair<std::string, std::string>> inboxes;
};

void fold(recovered_state& st, record r, touched* t) {
  std::visit(
      [&](auto&& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, directory_record>) {
          auto& b = st.businesses[x.dir.business];
          if (t) t->directories.insert(x.dir.business);
          b.business_no = x.business_no;
          b.dir = std::move(x.dir);
        } else if constexpr (std::is_same_v<T, contact_record>) {
          if (t) t->contacts.insert({x.business, x.value.id});
          auto id = x.value.id;
          st.businesses[x.business].contacts[id] = std::move(x.value);
        } else if constexpr (std::is_same_v<T, consent_record>) {
          if (t) t->consent.insert({x.business, x.phone, x.number});
          st.businesses[x.business].consent[{x.phone, x.number}] = x.state;
        } else if constexpr (std::is_same_v<T, conversation_record>) {
          auto& c = st.businesses[x.business].conversations[x.image.id];
          if (t) t->conversations.insert({x.business, x.image.id});
          for (auto& m : x.messages) {
            if (t) t->messages.insert({x.business, x.image.id, m.id});
            auto id = m.id;
            c.messages[id] = std::move(m);
          }
          c.image = std::move(x.image);
        } else if constexpr (std::is_same_v<T, inbox_record>) {
          auto& in = st.businesses[x.business].inboxes[x.staff];
          if (t) t->inboxes.insert({x.business, x.staff});
          using change = inbox_record::change;
          switch (x.what) {
            case change::pin:
              in.pins.insert(x.conversation);
              break;
            case change::unpin:
              in.pins.erase(x.conversation);
              break;
            case change::mute:
              in.mutes.insert(x.conversation);
              break;
            case change::unmute:
              in.mutes.erase(x.conversation);
              break;
            case change::alert_raised:
              for (auto& a : x.alerts) in.alerts[a.id] = a;
              // Keep what the inbox keeps: the newest alerts only.
              while (in.alerts.size() > kMaxAlertsKept) in.alerts.erase(in.alerts.begin());
              break;
            case change::alert_acked:
              for (auto& a : x.alerts)
                if (auto it = in.alerts.find(a.id); it != in.alerts.end()) it->second.acked = true;
              break;
          }
        } else if constexpr (std::is_same_v<T, inbox_image>) {
          auto& in = st.businesses[x.business].inboxes[x.staff];
          if (t) t->inboxes.insert({x.business, x.staff});
          in.pins = std::move(x.pins);
          in.mutes = std::move(x.mutes);
          in.alerts.clear();
          for (auto& a : x.alerts) in.alerts[a.id] = a;
        }
      },
      std::move(r));
}

template <class T>
result<T> decode_as(std::string_view bytes, std::string_view where) {
  auto r = decode_record(bytes);
  if (!r) return make_error(errc::invalid_argument, std::string(where) + ": " + r.error().message);
  if (!std::holds_alternative<T>(r.value()))
    return make_error(errc::invalid_argument, std::string(where) + ": unexpected record type");
  return std::get<T>(std::move(r.value()));
}

}  // namespace

void fold_record(recovered_state& state, record r) { fold(state, std::move(r), nullptr); }

struct store::impl {
  directory_lock lock;  ///< first in, last out: held while anything else is open
  std::unique_ptr<env> environment;
  std::unique_ptr<journal_writer> journal;
  std::optional<kv_store> directory_db, contacts_db, consent_db, conversations_db, inboxes_db,
      meta_db;
  std::optional<message_history> messages_db;
  std::atomic<std::uint64_t> snapshot_seq{0};
  /// One fold at a time: compact() and the background checkpoints.
  std::mutex compact_mutex;
  // The background checkpointer (start_checkpoints).
  std::thread checkpointer;
  std::mutex checkpoint_mutex;
  std::condition_variable checkpoint_cv;
  bool checkpoint_stop = false;
  std::atomic<std::uint64_t> checkpoints{0};
  std::atomic<std::uint64_t> checkpoint_failures{0};

  /// Folds what the journal has committed past the snapshot into it (compact_mutex held).
  status fold_journal() {
    touched t;
    auto st = recover(&t);
    if (!st) return st.error();
    if (st->replayed_records == 0) return unit{};
    return write_snapshot(st.value(), t, st->last_seq);
  }

  void run_checkpoints(checkpoint_options o) {
    std::unique_lock<std::mutex> lock(checkpoint_mutex);
    while (!checkpoint_stop) {
      checkpoint_cv.wait_for(lock, o.poll, [&] { return checkpoint_stop; });
      if (checkpoint_stop) break;
      const auto last = journal->stats().last_sequence;
      if (last < snapshot_seq.load() + o.every_records) continue;
      lock.unlock();
      {
        std::lock_guard<std::mutex> folding(compact_mutex);
        if (fold_journal())
          ++checkpoints;
        else
          ++checkpoint_failures;
      }
      lock.lock();
    }
  }

  void stop_checkpoints() {
    {
      std::lock_guard<std::mutex> guard(checkpoint_mutex);
      checkpoint_stop = true;
    }
    checkpoint_cv.notify_all();
    if (checkpointer.joinable()) checkpointer.join();
  }

  result<std::uint64_t> read_snapshot_seq() {
    auto v = meta_db->get(meta_keys::snapshot_seq);
    if (!v) return v.error().code == errc::not_found ? result<std::uint64_t>(0) : v.error();
    auto n = decode_u64_be(v.value());
    if (!n) return make_error(errc::invalid_argument, "corrupt snapshot sequence");
    return *n;
  }

  // Loads every snapshot database.
  status load_snapshot(recovered_state& st) {
    std::optional<error> failure;
    auto each = [&](kv_store& db, auto&& fn) -> status {
      scan_options all;
      all.limit = SIZE_MAX;
      auto s = db.visit(all, [&](std::string_view, std::string_view value) {
        if (auto e = fn(value)) {
          failure = *e;
          return false;
        }
        return true;
      });
      if (failure) return *failure;
      return s;
    };
    auto fold_typed = [&](std::string_view where) {
      return [&st, where](std::string_view value) -> std::optional<error> {
        auto r = decode_record(value);
        if (!r)
          return make_error(errc::invalid_argument, std::string(where) + ": " + r.error().message);
        fold(st, std::move(r.value()), nullptr);
        return std::nullopt;
      };
    };
    if (auto s = each(*directory_db, fold_typed("directory snapshot")); !s) return s;
    if (auto s = each(*contacts_db, fold_typed("contact snapshot")); !s) return s;
    if (auto s = each(*consent_db, fold_typed("consent snapshot")); !s) return s;
    if (auto s = each(*conversations_db, fold_typed("conversation snapshot")); !s) return s;
    if (auto s = each(*inboxes_db, fold_typed("inbox snapshot")); !s) return s;
    // Messages, grouped back by business through the business numbers.
    std::map<std::uint32_t, recovered_business*> by_no;
    for (auto& [id, b] : st.businesses) by_no[b.business_no] = &b;
    kv_store raw = *kv_store::open(*environment, db_names::messages);
    scan_options all;
    all.limit = SIZE_MAX;
    auto s = raw.visit(all, [&](std::string_view key, std::string_view value) {
      auto m = decode_message(value);
      auto conv = decode_u64_be(key.substr(0, 8));
      if (!m || !conv) {
        failure = make_error(errc::invalid_argument, "corrupt message record in snapshot");
        return false;
      }
      auto it = by_no.find(static_cast<std::uint32_t>(*conv >> 40));
      if (it == by_no.end()) {
        failure = make_error(errc::invalid_argument, "message of an unknown business in snapshot");
        return false;
      }
      auto local = *conv & ((std::uint64_t{1} << 40) - 1);
      auto id = m.value().id;
      m.value().conversation = local;  // stored under the storage key; ids are per business
      it->second->conversations[local].messages[id] = std::move(m.value());
      return true;
    });
    if (failure) return *failure;
    return s;
  }

  // Writes what `t` names from `st` into the snapshot databases, with the new sequence.
  status write_snapshot(const recovered_state& st, const touched& t, std::uint64_t seq) {
    write_batch batch;
    for (auto& b : t.directories) {
      auto& rb = st.businesses.at(b);
      batch.put(*directory_db, b, encode_record(directory_record{rb.business_no, rb.dir}));
    }
    for (auto& [b, id] : t.contacts)
      batch.put(*contacts_db, key_of({b, id}),
                encode_record(contact_record{b, st.businesses.at(b).contacts.at(id)}));
    for (auto& [b, phone, number] : t.consent) {
      auto state = st.businesses.at(b).consent.at({phone, number});
      auto key = key_of({b, phone, number});
      if (state == consent_state::unknown)
        batch.del(*consent_db, key);
      else
        batch.put(*consent_db, key, encode_record(consent_record{b, phone, number, state}));
    }
    for (auto& [b, id] : t.conversations) {
      auto& c = st.businesses.at(b).conversations.at(id);
      batch.put(*conversations_db, conversation_key_of(b, id),
                encode_record(conversation_record{b, c.image, {}}));
    }
    for (auto& [b, id, mid] : t.messages) {
      auto& rb = st.businesses.at(b);
      // Stored under the storage conversation key (business number + id).
      message copy = rb.conversations.at(id).messages.at(mid);
      copy.conversation = storage_conversation(rb.business_no, id);
      messages_db->stage(batch, copy);
    }
    for (auto& [b, staff] : t.inboxes) {
      auto& in = st.businesses.at(b).inboxes.at(staff);
      inbox_image im{b, staff, in.pins, in.mutes, {}};
      for (auto& [id, a] : in.alerts) im.alerts.push_back(a);
      batch.put(*inboxes_db, key_of({b, staff}), encode_record(im));
    }
    batch.put(*meta_db, std::string(meta_keys::snapshot_seq), encode_u64_be(seq));
    if (auto s = commit_batch(*environment, batch); !s) return s;
    snapshot_seq = seq;
    auto trimmed = trim_journal(*environment, seq);
    if (!trimmed) return trimmed.error();
    return unit{};
  }

  // Recovery: snapshot, then the journal after it. Records what the journal touched.
  result<recovered_state> recover(touched* t) {
    recovered_state st;
    auto seq = read_snapshot_seq();
    if (!seq) return seq.error();
    st.snapshot_seq = *seq;
    if (auto s = load_snapshot(st); !s) return s.error();
    std::optional<error> failure;
    auto s = read_journal(*environment, st.snapshot_seq + 1,
                          [&](std::uint64_t n, std::string_view payload) -> status {
                            auto r = decode_record(payload);
                            if (!r)
                              return make_error(errc::invalid_argument,
                                                "corrupt journal record at seq " +
                                                    std::to_string(n) + ": " + r.error().message);
                            fold(st, std::move(r.value()), t);
                            ++st.replayed_records;
                            st.last_seq = n;
                            return unit{};
                          });
    if (!s) return s.error();
    if (st.last_seq == 0) st.last_seq = st.snapshot_seq;
    return st;
  }
};

store::~store() {
  if (impl_ && impl_->journal) (void)close();
}

result<std::unique_ptr<store>> store::open(const std::string& dir, const store_options& options) {
  env_options eo;
  eo.map_size = options.map_size;
  auto e = env::open(dir, eo);  // creates `dir`; LMDB allows a second process here
  if (!e) return e.error();
  auto lock = directory_lock::acquire(dir);
  if (!lock) return lock.error();
  std::unique_ptr<store> s(new store());
  s->impl_ = std::make_unique<impl>();
  auto& p = *s->impl_;
  p.lock = std::move(lock.value());
  p.environment = std::make_unique<env>(std::move(e.value()));
  auto open_db = [&](std::optional<kv_store>& slot, std::string_view name) -> status {
    auto db = kv_store::open(*p.environment, name);
    if (!db) return db.error();
    slot.emplace(std::move(db.value()));
    return unit{};
  };
  for (auto [slot, name] : {std::make_pair(&p.directory_db, db_names::directory),
                            std::make_pair(&p.contacts_db, db_names::contacts),
                            std::make_pair(&p.consent_db, db_names::consent),
                            std::make_pair(&p.conversations_db, db_names::conversations),
                            std::make_pair(&p.inboxes_db, db_names::inboxes),
                            std::make_pair(&p.meta_db, db_names::meta)}) {
    if (auto st = open_db(*slot, name); !st) return st.error();
  }
  if (auto st = check_format(*p.environment, *p.meta_db, dir); !st) return st.error();
  auto history = message_history::open(*p.environment);
  if (!history) return history.error();
  p.messages_db.emplace(std::move(history.value()));
  journal_options jo;
  jo.commit_hook = options.commit_hook;
  auto journal = journal_writer::open(*p.environment, jo);
  if (!journal) return journal.error();
  p.journal = std::move(journal.value());
  auto seq = p.read_snapshot_seq();
  if (!seq) return seq.error();
  p.snapshot_seq = *seq;
  return s;
}

result<recovered_state> store::recover() { return impl_->recover(nullptr); }

status store::compact() {
  if (auto s = impl_->journal->flush(); !s) return s;
  std::lock_guard<std::mutex> folding(impl_->compact_mutex);
  return impl_->fold_journal();
}

status store::start_checkpoints(checkpoint_options options) {
  if (impl_->checkpointer.joinable() || !impl_->journal)
    return make_error(errc::invalid_argument, "checkpoints are running already");
  impl_->checkpointer = std::thread([p = impl_.get(), options] { p->run_checkpoints(options); });
  return unit{};
}

void store::append(std::string record, std::function<void(status)> done) {
  impl_->journal->append(std::move(record), [done = std::move(done)](result<std::uint64_t> seq) {
    if (seq)
      done(unit{});
    else
      done(seq.error());
  });
}

status store::flush() { return impl_->journal->flush(); }

journal_admission store::admission() const noexcept {
  return impl_->journal ? impl_->journal->admission() : journal_admission::failed;
}

store_stats store::stats() const {
  return store_stats{impl_->journal->stats(), impl_->snapshot_seq.load(), impl_->checkpoints.load(),
                     impl_->checkpoint_failures.load()};
}

status store::close() {
  impl_->stop_checkpoints();  // before the journal goes: it folds what the journal holds
  if (!impl_->journal) return unit{};
  auto s = impl_->journal->close();
  impl_->journal.reset();
  impl_->lock = directory_lock{};  // no more writes: another process may open the directory
  return s;
}

}  // namespace msgcenter::persistence
