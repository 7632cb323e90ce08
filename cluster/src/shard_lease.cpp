#include "msgcenter/cluster/shard_lease.hpp"

#include <nlohmann/json.hpp>

namespace msgcenter::cluster {

namespace {

std::optional<shard_owner> to_owner(const key_value& kv) {
  shard_owner o;
  o.lease = kv.lease;
  o.epoch = kv.mod_revision;
  auto j = nlohmann::json::parse(kv.value, nullptr, false);
  if (j.is_object() && j.contains("owner") && j["owner"].is_string())
    o.node_id = j["owner"].get<std::string>();
  return o;
}

}  // namespace

shard_lease::shard_lease(const etcd_client& client, const membership& self,
                         shard_lease_options options)
    : client_(client), self_(self), options_(std::move(options)) {}

std::string shard_lease::key(std::uint32_t shard) const {
  return options_.prefix + std::to_string(shard);
}

result<revision> shard_lease::claim(std::uint32_t shard) {
  const lease_id lease = self_.lease();
  if (lease == 0 || self_.lease_lost())
    return make_error(errc::unavailable,
                      "cannot claim shard " + std::to_string(shard) + ": no live lease");
  const std::string k = key(shard);
  const nlohmann::json record = {{"owner", self_.node_id()}, {"lease", lease}};
  txn_request txn;
  // Absent: never claimed, released, or deleted by etcd when its owner's lease expired.
  txn.compares.push_back(compare{k, compare::target::create, compare::op::equal, 0, {}});
  txn.success.push_back(txn_op{txn_op::kind::put, k, record.dump(), lease, {}});
  txn.failure.push_back(txn_op{txn_op::kind::range, k, {}, 0, {}});
  auto answer = client_.txn(txn);
  if (!answer) return answer.error();
  revision epoch = 0;
  if (answer->succeeded) {
    epoch = answer->header_revision;  // the put's revision is the record's mod_revision
  } else {
    if (answer->ranges.empty() || answer->ranges.front().kvs.empty())
      return make_error(errc::conflict,
                        "shard " + std::to_string(shard) + " changed during the claim");
    const auto& kv = answer->ranges.front().kvs.front();
    if (kv.lease != lease) {
      auto o = to_owner(kv);
      return make_error(errc::conflict, "shard " + std::to_string(shard) + " is owned by node " +
                                            o->node_id + " (epoch " +
                                            std::to_string(kv.mod_revision) + ")");
    }
    epoch = kv.mod_revision;  // ours already
  }
  std::lock_guard<std::mutex> g(mutex_);
  held_[shard] = epoch;
  return epoch;
}

status shard_lease::release(std::uint32_t shard) {
  revision epoch = 0;
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto it = held_.find(shard);
    if (it == held_.end()) return unit{};
    epoch = it->second;
    held_.erase(it);  // stop acknowledging first
  }
  const std::string k = key(shard);
  txn_request txn;
  txn.compares.push_back(compare{k, compare::target::mod, compare::op::equal, epoch, {}});
  txn.success.push_back(txn_op{txn_op::kind::erase, k, {}, 0, {}});
  auto answer = client_.txn(txn);
  if (!answer) return answer.error();
  return unit{};  // not succeeded: someone else's record now; nothing of ours to delete
}

result<std::optional<shard_owner>> shard_lease::owner(std::uint32_t shard) const {
  auto range = client_.get(key(shard));
  if (!range) return range.error();
  if (range->kvs.empty()) return std::optional<shard_owner>{};
  return to_owner(range->kvs.front());
}

status shard_lease::confirm(std::uint32_t shard, revision epoch) const {
  const std::string k = key(shard);
  txn_request txn;
  txn.compares.push_back(compare{k, compare::target::mod, compare::op::equal, epoch, {}});
  txn.compares.push_back(compare{k, compare::target::lease, compare::op::equal, self_.lease(), {}});
  auto answer = client_.txn(txn);
  if (!answer) return answer.error();
  if (!answer->succeeded)
    return make_error(errc::conflict, "epoch " + std::to_string(epoch) + " of shard " +
                                          std::to_string(shard) + " is no longer this node's");
  return unit{};
}

revision shard_lease::epoch(std::uint32_t shard) const {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = held_.find(shard);
  return it == held_.end() ? 0 : it->second;
}

fence_verdict shard_lease::may_acknowledge(std::uint32_t shard, revision write_epoch,
                                           fence_clock::time_point now) const {
  return may_owner_still_acknowledge(self_.lease_state(), epoch(shard), write_epoch, now,
                                     options_.safety_margin);
}

}  // namespace msgcenter::cluster
