#include "msgcenter/persistence/kv_store.hpp"

#include <algorithm>
#include <numeric>

#include "msgcenter/persistence/schema.hpp"

namespace msgcenter::persistence {

namespace {

bool has_prefix(std::string_view key, std::string_view prefix) noexcept {
  return key.size() >= prefix.size() && key.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

result<kv_store> kv_store::open(env& e, std::string_view name) {
  auto d = e.open_dbi(name, e.options().read_only ? 0u : static_cast<unsigned>(MDB_CREATE));
  if (!d) return std::move(d).error();
  return kv_store(e, *d, std::string(name));
}

result<std::string> kv_store::get(std::string_view key) const {
  auto t = env_->begin_read();
  if (!t) return std::move(t).error();
  return t->get_copy(dbi_, key);
}

status kv_store::put(std::string_view key, std::string_view value) const {
  return env_->write([&](txn& t) { return t.put(dbi_, key, value); });
}

status kv_store::put_batch(std::vector<std::pair<std::string, std::string>> items) const {
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return env_->write([&](txn& t) -> status {
    for (const auto& [k, v] : items) {
      auto st = t.put(dbi_, k, v);
      if (!st) return st;
    }
    return unit{};
  });
}

status kv_store::del(std::string_view key) const {
  return env_->write([&](txn& t) -> status {
    auto st = t.del(dbi_, key);
    if (!st && st.error().code == errc::not_found) return unit{};
    return st;
  });
}

status kv_store::visit(const scan_options& options,
                       const std::function<bool(std::string_view, std::string_view)>& fn) const {
  if (options.limit == 0) return unit{};
  auto t = env_->begin_read();
  if (!t) return std::move(t).error();
  auto c = t->open_cursor(dbi_);
  if (!c) return std::move(c).error();
  const std::string_view prefix = options.prefix;

  result<entry> r = make_error(errc::not_found, "");
  if (!options.reverse) {
    // Start at max(bound, prefix); keys with the prefix are contiguous from there on.
    if (options.bound && *options.bound >= prefix) {
      r = c->seek(*options.bound);
      if (r && !options.inclusive && r->key == *options.bound) r = c->next();
    } else {
      r = c->seek(prefix);
    }
  } else {
    // Start below min(bound, successor(prefix)).
    std::optional<std::string> hi = options.bound;
    bool hi_inclusive = options.inclusive;
    if (auto succ = prefix_successor(prefix); succ && (!hi || *succ <= *hi)) {
      hi = std::move(succ);
      hi_inclusive = false;
    }
    if (hi) {
      r = c->seek(*hi);
      if (r) {
        if (!(hi_inclusive && r->key == *hi)) r = c->prev();
      } else if (r.error().code == errc::not_found) {
        r = c->last();
      }
    } else {
      r = c->last();
    }
  }

  std::size_t n = 0;
  while (r && n < options.limit) {
    if (!has_prefix(r->key, prefix)) break;  // left the prefix range
    ++n;
    if (!fn(r->key, r->value)) return unit{};
    r = options.reverse ? c->prev() : c->next();
  }
  if (!r && r.error().code != errc::not_found) return std::move(r).error();
  return unit{};
}

result<std::vector<owned_entry>> kv_store::scan(const scan_options& options) const {
  std::vector<owned_entry> out;
  out.reserve(std::min<std::size_t>(options.limit, 1024));
  auto st = visit(options, [&](std::string_view k, std::string_view v) {
    out.push_back(owned_entry{std::string(k), std::string(v)});
    return true;
  });
  if (!st) return std::move(st).error();
  return out;
}

result<std::size_t> kv_store::size() const {
  auto t = env_->begin_read();
  if (!t) return std::move(t).error();
  return t->entries(dbi_);
}

void write_batch::put(const kv_store& db, std::string key, std::string value) {
  bytes_ += key.size() + value.size();
  ops_.push_back(op{db.handle().native(), std::move(key), std::move(value)});
}

void write_batch::del(const kv_store& db, std::string key) {
  bytes_ += key.size();
  ops_.push_back(op{db.handle().native(), std::move(key), std::nullopt});
}

void write_batch::clear() noexcept {
  ops_.clear();
  bytes_ = 0;
}

status commit_batch(env& e, const write_batch& batch) {
  if (batch.empty()) return unit{};
  // Sort an index, not the batch: it stays intact for a retry after the map grew.
  std::vector<std::size_t> order(batch.ops_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = batch.ops_[a];
    const auto& y = batch.ops_[b];
    if (x.db != y.db) return x.db < y.db;
    return x.key < y.key;
  });
  return e.write([&](txn& t) -> status {
    for (std::size_t i : order) {
      const auto& o = batch.ops_[i];
      if (o.value) {
        auto st = t.put(dbi(o.db), o.key, *o.value);
        if (!st) return st;
      } else {
        auto st = t.del(dbi(o.db), o.key);
        if (!st && st.error().code != errc::not_found) return st;
      }
    }
    return unit{};
  });
}

}  // namespace msgcenter::persistence
