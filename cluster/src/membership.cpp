// Invariants: `lease`, `granted_ttl`, `last_renewal_sent` and `lost` are guarded by `mutex`;
// the keepalive thread is the only writer of the renewal fields after join(); `lost` never
// goes back to false (a lost lease means a new join with a new lease).
#include "msgcenter/cluster/membership.hpp"

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace msgcenter::cluster {

struct membership::impl {
  impl(const etcd_client& c, membership_options o) : client(c), options(std::move(o)) {}

  const etcd_client& client;
  membership_options options;

  mutable std::mutex mutex;
  std::condition_variable wake;
  lease_id lease = 0;
  std::chrono::milliseconds granted_ttl{0};
  std::optional<fence_clock::time_point> last_renewal_sent;
  bool lost = false;
  bool keepalive_on = false;
  bool stopping = false;
  std::thread thread;

  std::chrono::milliseconds interval() const {
    if (options.keepalive_interval.count() > 0) return options.keepalive_interval;
    return std::max(std::chrono::milliseconds(100), granted_ttl / 4);
  }

  void keepalive_loop() {
    std::unique_lock<std::mutex> lk(mutex);
    while (!stopping && keepalive_on && !lost) {
      const lease_id id = lease;
      lk.unlock();
      const auto sent = fence_clock::now();
      auto ttl = client.keepalive(id);
      lk.lock();
      if (stopping || !keepalive_on) break;
      if (ttl) {
        last_renewal_sent = sent;  // etcd renewed at or after `sent`
      } else if (ttl.error().code == errc::not_found) {
        lost = true;
        auto cb = options.on_lease_lost;
        lk.unlock();
        if (cb) cb();
        lk.lock();
        break;
      }
      // Another error (etcd unreachable or slow): try again; the fence runs out meanwhile.
      wake.wait_for(lk, interval(), [&] { return stopping || !keepalive_on; });
    }
  }

  void start_thread() {
    std::lock_guard<std::mutex> g(mutex);
    if (keepalive_on || lease == 0) return;
    keepalive_on = true;
    thread = std::thread([this] { keepalive_loop(); });
  }

  void stop_thread() {
    std::thread t;
    {
      std::lock_guard<std::mutex> g(mutex);
      keepalive_on = false;
      t = std::move(thread);
    }
    wake.notify_all();
    if (t.joinable()) t.join();
  }
};

membership::membership(const etcd_client& client, membership_options options)
    : impl_(std::make_shared<impl>(client, std::move(options))) {}

membership::~membership() {
  {
    std::lock_guard<std::mutex> g(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stop_thread();
}

status membership::join() {
  const auto& id = impl_->options.node_id;
  if (id.empty() || id.find('/') != std::string::npos)
    return make_error(errc::invalid_argument, "a node id must be non-empty and without '/'");
  {
    std::lock_guard<std::mutex> g(impl_->mutex);
    if (impl_->lease != 0 && !impl_->lost)
      return make_error(errc::invalid_argument, "node " + id + " has joined already");
  }
  impl_->stop_thread();  // a keepalive that ended on a lost lease
  const auto sent = fence_clock::now();
  auto granted = impl_->client.grant(impl_->options.ttl);
  if (!granted) return granted.error();
  const nlohmann::json value = {
      {"id", id}, {"address", impl_->options.address}, {"lease", granted->id}};
  auto put = impl_->client.put(impl_->options.prefix + id, value.dump(), granted->id);
  if (!put) {
    (void)impl_->client.revoke(granted->id);
    return put.error();
  }
  {
    std::lock_guard<std::mutex> g(impl_->mutex);
    impl_->lease = granted->id;
    impl_->granted_ttl = granted->ttl;
    impl_->last_renewal_sent = sent;
    impl_->lost = false;
  }
  impl_->start_thread();
  return unit{};
}

status membership::leave() {
  impl_->stop_thread();
  lease_id id = 0;
  {
    std::lock_guard<std::mutex> g(impl_->mutex);
    id = impl_->lease;
    impl_->lost = true;  // the fence closes at once, before the revoke's round trip
  }
  if (id == 0) return unit{};
  return impl_->client.revoke(id);
}

void membership::stop_keepalive() { impl_->stop_thread(); }

void membership::start_keepalive() { impl_->start_thread(); }

result<std::vector<member>> membership::members() const {
  auto range = impl_->client.get_prefix(impl_->options.prefix);
  if (!range) return range.error();
  std::vector<member> out;
  for (const auto& kv : range->kvs) {
    member m;
    m.id = kv.key.substr(impl_->options.prefix.size());
    m.lease = kv.lease;
    auto j = nlohmann::json::parse(kv.value, nullptr, false);
    if (j.is_object() && j.contains("address") && j["address"].is_string())
      m.address = j["address"].get<std::string>();
    out.push_back(std::move(m));
  }
  return out;
}

lease_id membership::lease() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->lease;
}

const std::string& membership::node_id() const noexcept { return impl_->options.node_id; }

lease_view membership::lease_state() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return lease_view{impl_->last_renewal_sent, impl_->granted_ttl, impl_->lost};
}

bool membership::lease_lost() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->lost;
}

}  // namespace msgcenter::cluster
