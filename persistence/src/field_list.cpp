#include "msgcenter/persistence/field_list.hpp"

namespace msgcenter::persistence::detail {

const char* msgpack_type_name(msgpack::type::object_type t) noexcept {
  switch (t) {
    case msgpack::type::NIL:
      return "nil";
    case msgpack::type::BOOLEAN:
      return "boolean";
    case msgpack::type::POSITIVE_INTEGER:
      return "unsigned integer";
    case msgpack::type::NEGATIVE_INTEGER:
      return "negative integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return "float";
    case msgpack::type::STR:
      return "string";
    case msgpack::type::BIN:
      return "binary";
    case msgpack::type::ARRAY:
      return "array";
    case msgpack::type::MAP:
      return "map";
    case msgpack::type::EXT:
      return "extension";
  }
  return "unknown";
}

error mistyped(const char* expected, const msgpack::object& o) {
  return make_error(errc::invalid_argument,
                    std::string("expected ") + expected + ", found " + msgpack_type_name(o.type));
}

error out_of_range(std::uint64_t v, std::uint64_t max) {
  return make_error(errc::invalid_argument,
                    "value " + std::to_string(v) + " out of range 0.." + std::to_string(max));
}

error nest(std::string_view step, error inner) {
  std::string m(step);
  const bool path = !inner.message.empty() && (inner.message[0] == '.' || inner.message[0] == '[');
  if (!path) m += ": ";
  m += inner.message;
  inner.message = std::move(m);
  return inner;
}

error nest_field(const char* name, std::uint32_t tag, error inner) {
  return nest("." + std::string(name) + "(" + std::to_string(tag) + ")", std::move(inner));
}

error nest_index(std::size_t index, error inner) {
  return nest("[" + std::to_string(index) + "]", std::move(inner));
}

error duplicate_tag(const char* name, std::uint32_t tag) {
  return nest_field(name, tag, make_error(errc::invalid_argument, "tag given twice"));
}

status unpack_int64(const msgpack::object& o, std::int64_t& out) {
  if (o.type == msgpack::type::NEGATIVE_INTEGER) {
    out = o.via.i64;
    return unit{};
  }
  if (o.type != msgpack::type::POSITIVE_INTEGER) return mistyped("integer", o);
  if (o.via.u64 > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return make_error(errc::invalid_argument,
                      "value " + std::to_string(o.via.u64) + " out of range of a signed integer");
  }
  out = static_cast<std::int64_t>(o.via.u64);
  return unit{};
}

status unpack_bool(const msgpack::object& o, bool& out) {
  if (o.type != msgpack::type::BOOLEAN) return mistyped("boolean", o);
  out = o.via.boolean;
  return unit{};
}

status unpack_string(const msgpack::object& o, std::string& out) {
  if (o.type != msgpack::type::STR) return mistyped("string", o);
  out.assign(o.via.str.ptr, o.via.str.size);
  return unit{};
}

void pack_string(packer& pk, std::string_view s) {
  pk.pack_str(static_cast<std::uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
}

}  // namespace msgcenter::persistence::detail
