#include "msgcenter/server/token_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string token_id_of(const std::string& hash) { return hash.substr(0, 12); }

const char* kind_name(credential_kind k) {
  return k == credential_kind::automation ? "automation" : "staff";
}

/// Writes all of `data` to `fd`. False on error (errno set).
bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

result<std::unique_ptr<token_store>> token_store::open(std::string path) {
  auto store = std::make_unique<token_store>();
  store->path_ = std::move(path);
  std::ifstream in(store->path_);
  if (!in) {
    if (errno == ENOENT) return store;  // created on first issue
    return make_error(errc::unavailable,
                      "cannot read " + store->path_ + ": " + std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("tokens") || !j["tokens"].is_array())
    return make_error(errc::unavailable, store->path_ + " is not a token file");
  try {
    for (const auto& t : j["tokens"]) {
      entry e;
      e.owner.business = t.at("business").get<std::string>();
      e.owner.staff = t.at("staff").get<std::string>();
      const auto kind = t.value("kind", std::string("staff"));
      if (kind == "automation")
        e.owner.kind = credential_kind::automation;
      else if (kind != "staff")
        return make_error(errc::unavailable,
                          store->path_ + " is not a token file: unknown kind `" + kind + "`");
      e.name = t.value("name", std::string());
      e.created_ms = t.value("created_ms", std::int64_t{0});
      e.order = t.value("order", std::uint64_t{0});
      store->last_order_ = std::max(store->last_order_, e.order);
      store->by_hash_.emplace(t.at("hash").get<std::string>(), std::move(e));
    }
  } catch (const json::exception& e) {
    return make_error(errc::unavailable, store->path_ + " is not a token file: " + e.what());
  }
  return store;
}

status token_store::save(const table& next) const {
  if (save_hook_) save_hook_();
  if (path_.empty()) return unit{};
  json list = json::array();
  // Sorted, so the file is stable and diffable.
  std::vector<const table::value_type*> rows;
  for (const auto& row : next) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* row : rows)
    list.push_back({{"hash", row->first},
                    {"kind", kind_name(row->second.owner.kind)},
                    {"business", row->second.owner.business},
                    {"staff", row->second.owner.staff},
                    {"name", row->second.name},
                    {"created_ms", row->second.created_ms},
                    {"order", row->second.order}});
  const std::string text =
      json{{"version", 1}, {"hash", "sha256"}, {"tokens", list}}.dump(1) + "\n";
  const std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(errc::unavailable, "cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return make_error(errc::unavailable, "cannot write " + path_ + ": " + std::strerror(err));
  }
  // The rename is durable only once the directory is synced.
  int dir = ::open(directory_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return unit{};
}

result<std::string> token_store::issue(const std::string& business, const std::string& staff) {
  const std::string token = "mcs_" + crypto::base64url(crypto::random_bytes(32));
  const std::string hash = crypto::sha256_hex(token);
  std::vector<std::string> dropped;
  {
    std::lock_guard<std::mutex> writing(write_mutex_);  // one writer; readers go on
    table next = by_hash_;
    next.emplace(hash,
                 entry{{business, staff, credential_kind::staff}, {}, now_ms(), last_order_ + 1});
    // Keep at most kMaxTokensPerStaff: drop the oldest.
    std::vector<std::pair<std::uint64_t, std::string>> mine;
    for (const auto& [h, e] : next)
      if (e.owner.kind == credential_kind::staff && e.owner.business == business &&
          e.owner.staff == staff && h != hash)
        mine.emplace_back(e.order, h);
    std::sort(mine.begin(), mine.end());
    for (std::size_t i = 0; i + kMaxTokensPerStaff <= mine.size(); ++i) {
      next.erase(mine[i].second);
      dropped.push_back(mine[i].second);
    }
    if (auto saved = save(next); !saved) return saved.error();
    publish(next);
    ++last_order_;
  }
  if (!dropped.empty()) notify(dropped);
  return token;
}

result<std::pair<std::string, std::string>> token_store::issue_key(const std::string& business,
                                                                   const std::string& name) {
  if (name.size() > kMaxKeyName)
    return make_error(errc::invalid_argument, "a key's `name` is at most 64 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c > 0x7e)
      return make_error(errc::invalid_argument, "a key's `name` is printable ASCII");
  const std::string key = "mck_" + crypto::base64url(crypto::random_bytes(32));
  const std::string hash = crypto::sha256_hex(key);
  std::lock_guard<std::mutex> writing(write_mutex_);  // one writer; readers go on
  std::size_t keys = 0;
  for (const auto& [h, e] : by_hash_)
    keys += e.owner.kind == credential_kind::automation && e.owner.business == business;
  if (keys >= kMaxKeysPerBusiness)
    return make_error(errc::invalid_argument, "the business has " +
                                                  std::to_string(kMaxKeysPerBusiness) +
                                                  " keys already: revoke one first");
  table next = by_hash_;
  next.emplace(hash,
               entry{{business, "", credential_kind::automation}, name, now_ms(), last_order_ + 1});
  if (auto saved = save(next); !saved) return saved.error();
  publish(next);
  ++last_order_;
  return std::make_pair(key, token_id_of(hash));
}

std::vector<token_info> token_store::list_keys(const std::string& business) const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<std::uint64_t, token_info>> mine;
  for (const auto& [h, e] : by_hash_)
    if (e.owner.kind == credential_kind::automation && e.owner.business == business)
      mine.push_back({e.order, {token_id_of(h), e.created_ms, e.name}});
  std::sort(mine.begin(), mine.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<token_info> out;
  for (auto& m : mine) out.push_back(std::move(m.second));
  return out;
}

result<std::size_t> token_store::revoke_key(const std::string& business,
                                            const std::string& key_id) {
  return remove_where([&](const std::string& hash, const entry& e) {
    return e.owner.kind == credential_kind::automation && e.owner.business == business &&
           (key_id.empty() || token_id_of(hash) == key_id);
  });
}

bool token_store::valid_hash(const std::string& hash) const {
  std::shared_lock lock(mutex_);
  return by_hash_.count(hash) > 0;
}

void token_store::publish(table& next) {
  std::unique_lock lock(mutex_);  // only for the swap: lookups never wait for a file write
  by_hash_.swap(next);
}

void token_store::set_save_hook(std::function<void()> hook) {
  std::lock_guard<std::mutex> writing(write_mutex_);
  save_hook_ = std::move(hook);
}

void token_store::on_revoked(revocation_listener listener) {
  std::lock_guard<std::mutex> guard(listener_mutex_);
  listener_ = std::move(listener);
}

void token_store::notify(const std::vector<std::string>& hashes) const {
  std::lock_guard<std::mutex> guard(listener_mutex_);
  if (listener_) listener_(hashes);
}

template <class Match>
result<std::size_t> token_store::remove_where(Match match) {
  std::vector<std::string> removed;
  {
    std::lock_guard<std::mutex> writing(write_mutex_);  // one writer; readers go on
    table next = by_hash_;
    for (auto it = next.begin(); it != next.end();) {
      if (match(it->first, it->second)) {
        removed.push_back(it->first);
        it = next.erase(it);
      } else {
        ++it;
      }
    }
    if (removed.empty()) return std::size_t{0};
    if (auto saved = save(next); !saved) return saved.error();
    publish(next);
  }
  notify(removed);
  return removed.size();
}

std::optional<token_owner> token_store::find(std::string_view token) const {
  if (token.size() < 8 || token.size() > 256) return std::nullopt;
  return find_hash(crypto::sha256_hex(token));
}

std::optional<token_owner> token_store::find_hash(const std::string& hash) const {
  std::shared_lock lock(mutex_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  return it->second.owner;
}

std::vector<token_info> token_store::list(const std::string& business,
                                          const std::string& staff) const {
  std::vector<token_info> out;
  std::shared_lock lock(mutex_);
  std::vector<std::pair<std::uint64_t, token_info>> mine;
  for (const auto& [h, e] : by_hash_)
    if (e.owner.kind == credential_kind::staff && e.owner.business == business &&
        e.owner.staff == staff)
      mine.push_back({e.order, {token_id_of(h), e.created_ms, {}}});
  std::sort(mine.begin(), mine.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& m : mine) out.push_back(std::move(m.second));
  return out;
}

result<std::size_t> token_store::revoke(const std::string& business, const std::string& staff,
                                        const std::string& token_id) {
  return remove_where([&](const std::string& hash, const entry& e) {
    return e.owner.kind == credential_kind::staff && e.owner.business == business &&
           e.owner.staff == staff && (token_id.empty() || token_id_of(hash) == token_id);
  });
}

std::size_t token_store::size() const {
  std::shared_lock lock(mutex_);
  return by_hash_.size();
}

}  // namespace msgcenter::server
