// The values of etcd v3's KV and lease API, as msgcenter uses them (a subset of rpc.proto).
// Keys and values are raw bytes here; the codec base64s them for the gateway.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace msgcenter::cluster {

/// etcd's store revision: a cluster-wide counter bumped by every write. A key's
/// mod_revision is the revision of its last write, so it only grows.
using revision = std::int64_t;
/// A lease id as etcd grants it (never 0; 0 means "no lease").
using lease_id = std::int64_t;

/// One key as etcd returns it (mvccpb.KeyValue).
struct key_value {
  std::string key;
  std::string value;
  revision create_revision = 0;  ///< revision that created the key (0: absent)
  revision mod_revision = 0;     ///< revision of the last write to the key
  std::int64_t version = 0;      ///< writes since creation
  lease_id lease = 0;            ///< the lease the key is bound to, 0 for none
};

/// The answer to a range (get) request.
struct range_result {
  revision header_revision = 0;  ///< the store's revision when it answered
  std::vector<key_value> kvs;
  std::int64_t count = 0;  ///< keys in the range (may exceed kvs.size() with a limit)
  bool more = false;       ///< a limit cut the answer
};

/// The answer to a put or a delete.
struct write_result {
  revision header_revision = 0;  ///< for a put: the key's new mod_revision
  std::int64_t deleted = 0;      ///< for a delete: keys removed
};

/// One comparison of a transaction (etcdserverpb.Compare).
struct compare {
  enum class target { version, create, mod, value, lease };
  enum class op { equal, greater, less, not_equal };
  std::string key;
  target what = target::create;
  op relation = op::equal;
  std::int64_t number = 0;  ///< for version, create, mod and lease
  std::string value;        ///< for value
};

/// One operation of a transaction branch.
struct txn_op {
  enum class kind { put, range, erase };
  kind what = kind::range;
  std::string key;
  std::string value;      ///< put only
  lease_id lease = 0;     ///< put only
  std::string range_end;  ///< range and erase: empty for the single key
};

/// A transaction: if every compare holds, `success` runs, else `failure`, atomically.
struct txn_request {
  std::vector<compare> compares;
  std::vector<txn_op> success;
  std::vector<txn_op> failure;
};

/// The answer to a transaction. `ranges` holds, in order, the answers of the branch's range
/// operations (puts and deletes add none).
struct txn_result {
  revision header_revision = 0;
  bool succeeded = false;
  std::vector<range_result> ranges;
};

/// A granted lease.
struct lease_grant {
  lease_id id = 0;
  std::chrono::seconds ttl{0};  ///< what etcd granted: at least its minimum (2 s by default)
};

/// One change seen by a watch.
struct watch_event {
  enum class kind { put, erase };
  kind what = kind::put;
  key_value kv;  ///< for erase: the key and its mod_revision only
};

/// One message of a watch stream.
struct watch_response {
  revision header_revision = 0;
  bool created = false;           ///< the watch is set up
  bool canceled = false;          ///< the server ended the watch
  revision compact_revision = 0;  ///< canceled because the start revision was compacted
  std::string cancel_reason;
  std::vector<watch_event> events;  ///< in revision order
};

/// The key just after every key that starts with `prefix` (etcd's range_end for a prefix).
[[nodiscard]] std::string prefix_range_end(std::string prefix);

}  // namespace msgcenter::cluster
