// Invariants: `entries` and `rev` are guarded by `mutex` and change together, so a reader
// never sees a revision the entries do not reflect; `stream` (the open watch, if any) is
// guarded by `mutex` too, so the destructor can cancel it from another thread.
#include "msgcenter/cluster/watch_cache.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace msgcenter::cluster {

struct watch_cache::impl {
  impl(const etcd_client& c, watch_cache_options o) : client(c), options(std::move(o)) {}

  const etcd_client& client;
  watch_cache_options options;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::map<std::string, std::string, std::less<>> entries;  ///< name (key minus prefix) -> value
  revision rev = 0;
  bool stopping = false;
  watch_stream* stream = nullptr;
  std::thread thread;

  /// One load-then-watch cycle; returns when the stream ends.
  void cycle() {
    auto loaded = client.get_prefix(options.prefix);
    if (!loaded) return;
    {
      std::lock_guard<std::mutex> g(mutex);
      entries.clear();
      for (auto& kv : loaded->kvs)
        entries[kv.key.substr(options.prefix.size())] = std::move(kv.value);
      rev = loaded->header_revision;
    }
    changed.notify_all();
    auto w =
        client.watch(options.prefix, prefix_range_end(options.prefix), loaded->header_revision + 1);
    {
      std::lock_guard<std::mutex> g(mutex);
      if (stopping) return;
      stream = w.get();
    }
    (void)w->run([this](watch_response msg) { apply(msg); });
    std::lock_guard<std::mutex> g(mutex);
    stream = nullptr;
  }

  void apply(const watch_response& msg) {
    {
      std::lock_guard<std::mutex> g(mutex);
      for (const auto& ev : msg.events) {
        if (ev.kv.key.size() < options.prefix.size()) continue;
        auto name = ev.kv.key.substr(options.prefix.size());
        if (ev.what == watch_event::kind::put)
          entries[name] = ev.kv.value;
        else
          entries.erase(name);
      }
      if (msg.header_revision > rev) rev = msg.header_revision;
    }
    changed.notify_all();
  }

  void loop() {
    std::unique_lock<std::mutex> lk(mutex);
    while (!stopping) {
      lk.unlock();
      cycle();
      lk.lock();
      changed.wait_for(lk, options.retry_delay, [&] { return stopping; });
    }
  }
};

watch_cache::watch_cache(const etcd_client& client, watch_cache_options options)
    : impl_(std::make_shared<impl>(client, std::move(options))) {
  impl_->thread = std::thread([p = impl_.get()] { p->loop(); });
}

watch_cache::~watch_cache() {
  {
    std::lock_guard<std::mutex> g(impl_->mutex);
    impl_->stopping = true;
    if (impl_->stream) impl_->stream->cancel();
  }
  impl_->changed.notify_all();
  impl_->thread.join();
}

std::optional<std::string> watch_cache::find(std::string_view name) const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  auto it = impl_->entries.find(name);
  if (it == impl_->entries.end()) return std::nullopt;
  return it->second;
}

std::size_t watch_cache::size() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->entries.size();
}

revision watch_cache::current_revision() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->rev;
}

bool watch_cache::wait_for(revision rev, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lk(impl_->mutex);
  return impl_->changed.wait_for(lk, timeout, [&] { return impl_->rev >= rev; });
}

}  // namespace msgcenter::cluster
