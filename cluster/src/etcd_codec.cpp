// etcd 3.4 gateway JSON <-> etcd_types. Field names are rpc.proto's (the gateway marshals
// with OrigName), int64s are JSON strings, enums are their names, and zero values are omitted.
#include "msgcenter/cluster/etcd_codec.hpp"

#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "msgcenter/cluster/base64.hpp"
#include "msgcenter/protocol.hpp"

namespace msgcenter::cluster {

using json = nlohmann::json;

std::string prefix_range_end(std::string prefix) {
  // The prefix with its last byte below 0xff incremented and the rest dropped; "\0" (every
  // key) when the prefix is empty or all 0xff.
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last < 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(1, '\0');
}

namespace {

error malformed(const std::string& what) {
  return make_error(errc::unavailable, "etcd: malformed response: " + what);
}

/// A thrown refusal inside the parsers, caught at each entry point (never escapes).
struct bad_shape {
  std::string what;
};

std::int64_t int64_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_unsigned()) {
    if (it->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
      throw bad_shape{std::string("`") + name + "` out of range"};
    return static_cast<std::int64_t>(it->get<std::uint64_t>());
  }
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (s.empty() || s.size() > 20) throw bad_shape{std::string("`") + name + "` is not an int64"};
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end != s.c_str() + s.size())
      throw bad_shape{std::string("`") + name + "` is not an int64"};
    return v;
  }
  throw bad_shape{std::string("`") + name + "` is not an int64"};
}

bool bool_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw bad_shape{std::string("`") + name + "` is not a boolean"};
  return it->get<bool>();
}

std::string string_field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw bad_shape{std::string("`") + name + "` is not a string"};
  return it->get<std::string>();
}

std::string bytes_field(const json& obj, const char* name) {
  auto decoded = base64_decode(string_field(obj, name));
  if (!decoded) throw bad_shape{std::string("`") + name + "` is not base64"};
  return std::move(*decoded);
}

const json& object_field(const json& obj, const char* name) {
  static const json empty = json::object();
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return empty;
  if (!it->is_object()) throw bad_shape{std::string("`") + name + "` is not an object"};
  return *it;
}

const json& array_field(const json& obj, const char* name) {
  static const json empty = json::array();
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return empty;
  if (!it->is_array()) throw bad_shape{std::string("`") + name + "` is not an array"};
  return *it;
}

revision header_revision(const json& obj) {
  return int64_field(object_field(obj, "header"), "revision");
}

key_value to_key_value(const json& kv) {
  if (!kv.is_object()) throw bad_shape{"a key-value is not an object"};
  key_value out;
  out.key = bytes_field(kv, "key");
  out.value = bytes_field(kv, "value");
  out.create_revision = int64_field(kv, "create_revision");
  out.mod_revision = int64_field(kv, "mod_revision");
  out.version = int64_field(kv, "version");
  out.lease = int64_field(kv, "lease");
  return out;
}

range_result to_range(const json& obj) {
  range_result out;
  out.header_revision = header_revision(obj);
  for (const auto& kv : array_field(obj, "kvs")) out.kvs.push_back(to_key_value(kv));
  out.count = int64_field(obj, "count");
  out.more = bool_field(obj, "more");
  return out;
}

/// The gateway's error body: {"error": text, "message": text, "code": grpc code}.
error gateway_error(const json& obj) {
  std::string message;
  if (auto it = obj.find("message"); it != obj.end() && it->is_string())
    message = it->get<std::string>();
  else if (auto e = obj.find("error"); e != obj.end() && e->is_string())
    message = e->get<std::string>();
  std::int64_t code = 2;
  if (auto it = obj.find("code"); it != obj.end() && it->is_number_integer())
    code = it->get<std::int64_t>();
  errc mapped = errc::unavailable;
  switch (code) {
    case 5:
      mapped = errc::not_found;
      break;
    case 3:
    case 11:
      mapped = errc::invalid_argument;
      break;
    case 9:
      mapped = errc::conflict;
      break;
    default:
      break;
  }
  return make_error(mapped, "etcd: " + (message.empty() ? std::string("error") : message) +
                                " (gRPC code " + std::to_string(code) + ")");
}

bool is_gateway_error(const json& obj) {
  auto it = obj.find("error");
  return it != obj.end() && it->is_string() && obj.contains("code");
}

/// Parses a body and hands its object to `fn`; every failure becomes an error value.
template <class T, class Fn>
result<T> parse_with(std::string_view body, std::size_t max_bytes, Fn fn) {
  if (body.size() > max_bytes)
    return make_error(errc::unavailable, "etcd: response too large (" +
                                             std::to_string(body.size()) + " bytes, limit " +
                                             std::to_string(max_bytes) + ")");
  auto parsed = parse_json_limited(body, max_bytes);
  if (!parsed) return malformed(parsed.error().message);
  const json& obj = parsed.value();
  if (!obj.is_object()) return malformed("not a JSON object");
  if (is_gateway_error(obj)) return gateway_error(obj);
  try {
    return fn(obj);
  } catch (const bad_shape& e) {
    return malformed(e.what);
  } catch (const std::exception& e) {  // nlohmann type errors: none expected, never thrown out
    return malformed(e.what());
  }
}

std::string b64(std::string_view s) { return base64_encode(s); }

json range_json(std::string_view key, std::string_view range_end) {
  json j = {{"key", b64(key)}};
  if (!range_end.empty()) j["range_end"] = b64(range_end);
  return j;
}

json put_json(std::string_view key, std::string_view value, lease_id lease) {
  json j = {{"key", b64(key)}, {"value", b64(value)}};
  if (lease != 0) j["lease"] = std::to_string(lease);
  return j;
}

json op_json(const txn_op& op) {
  switch (op.what) {
    case txn_op::kind::put:
      return {{"request_put", put_json(op.key, op.value, op.lease)}};
    case txn_op::kind::range:
      return {{"request_range", range_json(op.key, op.range_end)}};
    case txn_op::kind::erase:
      return {{"request_delete_range", range_json(op.key, op.range_end)}};
  }
  return json::object();
}

const char* target_name(compare::target t) {
  switch (t) {
    case compare::target::version:
      return "VERSION";
    case compare::target::create:
      return "CREATE";
    case compare::target::mod:
      return "MOD";
    case compare::target::value:
      return "VALUE";
    case compare::target::lease:
      return "LEASE";
  }
  return "VERSION";
}

const char* op_name(compare::op o) {
  switch (o) {
    case compare::op::equal:
      return "EQUAL";
    case compare::op::greater:
      return "GREATER";
    case compare::op::less:
      return "LESS";
    case compare::op::not_equal:
      return "NOT_EQUAL";
  }
  return "EQUAL";
}

/// The field of Compare's target_union that goes with each target.
const char* target_field(compare::target t) {
  switch (t) {
    case compare::target::version:
      return "version";
    case compare::target::create:
      return "create_revision";
    case compare::target::mod:
      return "mod_revision";
    case compare::target::value:
      return "value";
    case compare::target::lease:
      return "lease";
  }
  return "version";
}

}  // namespace

std::string range_body(std::string_view key, std::string_view range_end) {
  return range_json(key, range_end).dump();
}

std::string put_body(std::string_view key, std::string_view value, lease_id lease) {
  return put_json(key, value, lease).dump();
}

std::string delete_body(std::string_view key, std::string_view range_end) {
  return range_json(key, range_end).dump();
}

std::string txn_body(const txn_request& txn) {
  json compares = json::array();
  for (const auto& c : txn.compares) {
    json j = {
        {"key", b64(c.key)}, {"target", target_name(c.what)}, {"result", op_name(c.relation)}};
    if (c.what == compare::target::value)
      j["value"] = b64(c.value);
    else
      j[target_field(c.what)] = std::to_string(c.number);
    compares.push_back(std::move(j));
  }
  json success = json::array(), failure = json::array();
  for (const auto& op : txn.success) success.push_back(op_json(op));
  for (const auto& op : txn.failure) failure.push_back(op_json(op));
  return json{{"compare", compares}, {"success", success}, {"failure", failure}}.dump();
}

std::string lease_grant_body(std::chrono::seconds ttl) {
  return json{{"TTL", std::to_string(ttl.count())}}.dump();
}

std::string lease_id_body(lease_id id) { return json{{"ID", std::to_string(id)}}.dump(); }

std::string watch_create_body(std::string_view key, std::string_view range_end,
                              revision start_revision) {
  json create = range_json(key, range_end);
  if (start_revision > 0) create["start_revision"] = std::to_string(start_revision);
  return json{{"create_request", create}}.dump();
}

result<range_result> parse_range_response(std::string_view body, std::size_t max_bytes) {
  return parse_with<range_result>(body, max_bytes, [](const json& obj) { return to_range(obj); });
}

result<write_result> parse_write_response(std::string_view body, std::size_t max_bytes) {
  return parse_with<write_result>(body, max_bytes, [](const json& obj) {
    write_result out;
    out.header_revision = header_revision(obj);
    out.deleted = int64_field(obj, "deleted");
    return out;
  });
}

result<txn_result> parse_txn_response(std::string_view body, std::size_t max_bytes) {
  return parse_with<txn_result>(body, max_bytes, [](const json& obj) {
    txn_result out;
    out.header_revision = header_revision(obj);
    out.succeeded = bool_field(obj, "succeeded");
    for (const auto& r : array_field(obj, "responses")) {
      if (!r.is_object()) throw bad_shape{"a txn response is not an object"};
      if (r.contains("response_range"))
        out.ranges.push_back(to_range(object_field(r, "response_range")));
    }
    return out;
  });
}

result<lease_grant> parse_lease_grant_response(std::string_view body, std::size_t max_bytes) {
  return parse_with<lease_grant>(body, max_bytes, [](const json& obj) -> result<lease_grant> {
    if (auto e = string_field(obj, "error"); !e.empty())
      return make_error(errc::unavailable, "etcd: lease grant refused: " + e);
    lease_grant out;
    out.id = int64_field(obj, "ID");
    out.ttl = std::chrono::seconds(int64_field(obj, "TTL"));
    if (out.id == 0 || out.ttl.count() <= 0) throw bad_shape{"a lease grant without ID or TTL"};
    return out;
  });
}

result<std::chrono::seconds> parse_keepalive_response(std::string_view body,
                                                      std::size_t max_bytes) {
  // A stream: take the first line (the gateway ends each message with a newline).
  const auto nl = body.find('\n');
  if (nl != std::string_view::npos) body = body.substr(0, nl);
  return parse_with<std::chrono::seconds>(
      body, max_bytes, [](const json& obj) -> result<std::chrono::seconds> {
        if (auto it = obj.find("error"); it != obj.end() && it->is_object())
          return gateway_error(*it);
        auto it = obj.find("result");
        if (it == obj.end() || !it->is_object())
          throw bad_shape{"a keepalive answer without `result`"};
        return std::chrono::seconds(int64_field(*it, "TTL"));
      });
}

status parse_revoke_response(std::string_view body, std::size_t max_bytes) {
  return parse_with<unit>(body, max_bytes, [](const json&) { return unit{}; });
}

result<watch_response> parse_watch_message(std::string_view line, std::size_t max_bytes) {
  return parse_with<watch_response>(line, max_bytes, [](const json& obj) -> result<watch_response> {
    if (auto it = obj.find("error"); it != obj.end() && it->is_object()) return gateway_error(*it);
    auto it = obj.find("result");
    if (it == obj.end() || !it->is_object()) throw bad_shape{"a watch message without `result`"};
    const json& r = *it;
    watch_response out;
    out.header_revision = header_revision(r);
    out.created = bool_field(r, "created");
    out.canceled = bool_field(r, "canceled");
    out.compact_revision = int64_field(r, "compact_revision");
    out.cancel_reason = string_field(r, "cancel_reason");
    for (const auto& ev : array_field(r, "events")) {
      if (!ev.is_object()) throw bad_shape{"a watch event is not an object"};
      watch_event e;
      const std::string type = string_field(ev, "type");
      if (type.empty() || type == "PUT")
        e.what = watch_event::kind::put;
      else if (type == "DELETE")
        e.what = watch_event::kind::erase;
      else
        throw bad_shape{"an unknown watch event type"};
      e.kv = to_key_value(object_field(ev, "kv"));
      out.events.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace msgcenter::cluster
