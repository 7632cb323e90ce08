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
  if (path_.empty()) return unit{};
  json list = json::array();
  // Sorted, so the file is stable and diffable.
  std::vector<const table::value_type*> rows;
  for (const auto& row : next) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* row : rows)
    list.push_back({{"hash", row->first},
                    {"business", row->second.owner.business},
                    {"staff", row->second.owner.staff},
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
  std::unique_lock lock(mutex_);
  table next = by_hash_;
  next.emplace(hash, entry{{business, staff}, now_ms(), last_order_ + 1});
  // Keep at most kMaxTokensPerStaff: drop the oldest.
  std::vector<std::pair<std::uint64_t, std::string>> mine;
  for (const auto& [h, e] : next)
    if (e.owner.business == business && e.owner.staff == staff && h != hash)
      mine.emplace_back(e.order, h);
  std::sort(mine.begin(), mine.end());
  for (std::size_t i = 0; i + kMaxTokensPerStaff <= mine.size(); ++i) next.erase(mine[i].second);
  if (auto saved = save(next); !saved) return saved.error();
  by_hash_.swap(next);
  ++last_order_;
  return token;
}

std::optional<token_owner> token_store::find(std::string_view token) const {
  if (token.size() < 8 || token.size() > 256) return std::nullopt;
  const std::string hash = crypto::sha256_hex(token);
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
    if (e.owner.business == business && e.owner.staff == staff)
      mine.push_back({e.order, {token_id_of(h), e.created_ms}});
  std::sort(mine.begin(), mine.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& m : mine) out.push_back(std::move(m.second));
  return out;
}

result<std::size_t> token_store::revoke(const std::string& business, const std::string& staff,
                                        const std::string& token_id) {
  std::unique_lock lock(mutex_);
  table next = by_hash_;
  std::size_t removed = 0;
  for (auto it = next.begin(); it != next.end();) {
    const auto& e = it->second;
    bool match = e.owner.business == business && e.owner.staff == staff &&
                 (token_id.empty() || token_id_of(it->first) == token_id);
    if (match) {
      it = next.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  if (removed == 0) return std::size_t{0};
  if (auto saved = save(next); !saved) return saved.error();
  by_hash_.swap(next);
  return removed;
}

std::size_t token_store::size() const {
  std::shared_lock lock(mutex_);
  return by_hash_.size();
}

}  // namespace msgcenter::server
