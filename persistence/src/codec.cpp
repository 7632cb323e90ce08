#include "msgcenter/persistence/codec.hpp"

#include <exception>
#include <limits>
#include <new>
#include <utility>

namespace msgcenter::persistence {

namespace {

// Reads the next field into `dst` or returns the error from the enclosing function.
#define MSGCENTER_READ(dst, expr)             \
  do {                                        \
    auto read_result_ = (expr);               \
    if (!read_result_) {                      \
      return std::move(read_result_).error(); \
    }                                         \
    dst = std::move(*read_result_);           \
  } while (false)

template <class Enum>
Enum to_enum(std::uint64_t v) noexcept {
  return static_cast<Enum>(static_cast<std::underlying_type_t<Enum>>(v));
}

template <class Enum>
std::uint64_t from_enum(Enum v) noexcept {
  return static_cast<std::uint64_t>(static_cast<std::underlying_type_t<Enum>>(v));
}

void pack_string(packer& pk, std::string_view s) {
  pk.pack_str(static_cast<std::uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
}

const char* type_name(msgpack::type::object_type t) noexcept {
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

result<msgpack::object_handle> decode_impl(std::string_view bytes, const decode_limits& limits,
                                           bool reference) {
  if (bytes.size() > limits.max_bytes) {
    return make_error(errc::invalid_argument, "record of " + std::to_string(bytes.size()) +
                                                  " bytes exceeds the limit of " +
                                                  std::to_string(limits.max_bytes));
  }
  if (bytes.empty()) return make_error(errc::invalid_argument, "empty record");
  try {
    const msgpack::unpack_limit limit(limits.max_array, limits.max_map, limits.max_str,
                                      limits.max_bin, limits.max_ext, limits.max_depth);
    // Referencing the input avoids a copy when the caller converts before `bytes` dies.
    msgpack::unpack_reference_func ref = nullptr;
    if (reference) ref = [](msgpack::type::object_type, std::size_t, void*) { return true; };
    std::size_t offset = 0;
    msgpack::object_handle h =
        msgpack::unpack(bytes.data(), bytes.size(), offset, ref, nullptr, limit);
    if (offset != bytes.size()) {
      return make_error(errc::invalid_argument,
                        std::to_string(bytes.size() - offset) + " trailing bytes after the record");
    }
    return result<msgpack::object_handle>(std::move(h));
  } catch (const msgpack::insufficient_bytes&) {
    return make_error(errc::invalid_argument, "truncated record");
  } catch (const std::bad_alloc&) {
    return make_error(errc::invalid_argument, "record needs too much memory to decode");
  } catch (const std::exception& e) {
    return make_error(errc::invalid_argument, std::string("malformed record: ") + e.what());
  } catch (...) {
    return make_error(errc::invalid_argument, "malformed record");
  }
}

}  // namespace

decode_limits message_decode_limits() noexcept {
  decode_limits l;
  l.max_array = 64;  // 14 fields (more in later versions) or media items
  l.max_map = 0;
  l.max_bin = 0;
  l.max_ext = 0;
  l.max_depth = 3;  // message -> media list -> media item
  return l;
}

result<msgpack::object_handle> decode(std::string_view bytes, const decode_limits& limits) {
  return decode_impl(bytes, limits, false);
}

// ---------------------------------------------------------------------------------------
// array_reader

result<array_reader> array_reader::open(const msgpack::object& o, std::string_view what) {
  if (o.type != msgpack::type::ARRAY) {
    return make_error(errc::invalid_argument,
                      std::string(what) + ": expected array, found " + type_name(o.type));
  }
  return array_reader(o.via.array.ptr, o.via.array.size, std::string(what));
}

error array_reader::mistyped(const char* expected) const {
  return make_error(errc::invalid_argument, what_ + ": field " + std::to_string(pos_) +
                                                ": expected " + expected + ", found " +
                                                type_name(items_[pos_].type));
}

result<const msgpack::object*> array_reader::next(const char* expected) {
  if (pos_ >= size_) {
    return make_error(errc::invalid_argument,
                      what_ + ": field " + std::to_string(pos_) + " (" + expected + ") is missing");
  }
  return &items_[pos_++];
}

result<std::uint64_t> array_reader::u64() {
  if (pos_ < size_ && items_[pos_].type != msgpack::type::POSITIVE_INTEGER) {
    return mistyped("unsigned integer");
  }
  auto o = next("unsigned integer");
  if (!o) return std::move(o).error();
  return (*o)->via.u64;
}

result<std::uint64_t> array_reader::u64_max(std::uint64_t max) {
  const std::size_t at = pos_;
  auto v = u64();
  if (!v) return v;
  if (*v > max) {
    return make_error(errc::invalid_argument, what_ + ": field " + std::to_string(at) + ": value " +
                                                  std::to_string(*v) + " out of range 0.." +
                                                  std::to_string(max));
  }
  return v;
}

result<std::int64_t> array_reader::i64() {
  if (pos_ < size_) {
    const auto& o = items_[pos_];
    if (o.type == msgpack::type::NEGATIVE_INTEGER) {
      ++pos_;
      return o.via.i64;
    }
    if (o.type != msgpack::type::POSITIVE_INTEGER) return mistyped("integer");
    if (o.via.u64 > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return make_error(errc::invalid_argument,
                        what_ + ": field " + std::to_string(pos_) + ": integer out of range");
    }
  }
  auto o = next("integer");
  if (!o) return std::move(o).error();
  return static_cast<std::int64_t>((*o)->via.u64);
}

result<bool> array_reader::boolean() {
  if (pos_ < size_ && items_[pos_].type != msgpack::type::BOOLEAN) return mistyped("boolean");
  auto o = next("boolean");
  if (!o) return std::move(o).error();
  return (*o)->via.boolean;
}

result<std::string_view> array_reader::str_view() {
  if (pos_ < size_ && items_[pos_].type != msgpack::type::STR) return mistyped("string");
  auto o = next("string");
  if (!o) return std::move(o).error();
  const auto& s = (*o)->via.str;
  return std::string_view(s.ptr, s.size);
}

result<std::string> array_reader::str() {
  auto v = str_view();
  if (!v) return std::move(v).error();
  return std::string(*v);
}

result<const msgpack::object*> array_reader::any() { return next("value"); }

result<array_reader> array_reader::array() {
  if (pos_ < size_ && items_[pos_].type != msgpack::type::ARRAY) return mistyped("array");
  const std::size_t at = pos_;
  auto o = next("array");
  if (!o) return std::move(o).error();
  return open(**o, what_ + "[" + std::to_string(at) + "]");
}

// ---------------------------------------------------------------------------------------
// message

void pack_message(packer& pk, const message& m) {
  pk.pack_array(14);
  pk.pack_uint64(message_format_version);
  pk.pack_uint64(m.id);
  pk.pack_uint64(m.conversation);
  pk.pack_uint64(from_enum(m.dir));
  pk.pack_uint64(from_enum(m.kind));
  pack_string(pk, m.author);
  pack_string(pk, m.body);
  pk.pack_array(static_cast<std::uint32_t>(m.media.size()));
  for (const auto& item : m.media) {
    pk.pack_array(3);
    pack_string(pk, item.url);
    pack_string(pk, item.content_type);
    pk.pack_uint64(item.size);
  }
  pk.pack_uint64(from_enum(m.status));
  pack_string(pk, m.error_code);
  pack_string(pk, m.provider_id);
  pk.pack_int64(m.at);
  pk.pack_uint64(from_enum(m.encoding));
  pk.pack_uint64(m.segments);
}

std::string encode_message(const message& m) {
  std::string out;
  out.reserve(64 + m.body.size() + m.author.size() + m.provider_id.size() + m.media.size() * 96);
  string_buffer buf(out);
  packer pk(buf);
  pack_message(pk, m);
  return out;
}

result<message> unpack_message(const msgpack::object& o) {
  auto opened = array_reader::open(o, "message");
  if (!opened) return std::move(opened).error();
  array_reader& rd = *opened;
  std::uint64_t version = 0;
  MSGCENTER_READ(version, rd.u64());
  if (version == 0 || version > message_format_version) {
    return make_error(errc::invalid_argument,
                      "message: unsupported format version " + std::to_string(version));
  }
  message m;
  std::uint64_t v = 0;
  MSGCENTER_READ(m.id, rd.u64());
  MSGCENTER_READ(m.conversation, rd.u64());
  MSGCENTER_READ(v, rd.u64_max(from_enum(direction::out)));
  m.dir = to_enum<direction>(v);
  MSGCENTER_READ(v, rd.u64_max(from_enum(message_kind::system)));
  m.kind = to_enum<message_kind>(v);
  MSGCENTER_READ(m.author, rd.str());
  MSGCENTER_READ(m.body, rd.str());
  {
    auto media = rd.array();
    if (!media) return std::move(media).error();
    m.media.reserve(media->size());
    while (media->remaining() > 0) {
      auto item = media->array();
      if (!item) return std::move(item).error();
      media_item mi;
      MSGCENTER_READ(mi.url, item->str());
      MSGCENTER_READ(mi.content_type, item->str());
      MSGCENTER_READ(mi.size, item->u64());
      m.media.push_back(std::move(mi));
    }
  }
  MSGCENTER_READ(v, rd.u64_max(from_enum(message_status::failed)));
  m.status = to_enum<message_status>(v);
  MSGCENTER_READ(m.error_code, rd.str());
  MSGCENTER_READ(m.provider_id, rd.str());
  MSGCENTER_READ(m.at, rd.i64());
  MSGCENTER_READ(v, rd.u64_max(from_enum(text_encoding::ucs2)));
  m.encoding = to_enum<text_encoding>(v);
  MSGCENTER_READ(v, rd.u64_max(std::numeric_limits<std::uint32_t>::max()));
  m.segments = static_cast<std::uint32_t>(v);
  // Trailing fields of a newer minor version are ignored on purpose.
  return m;
}

result<message> decode_message(std::string_view bytes) {
  auto h = decode_impl(bytes, message_decode_limits(), true);
  if (!h) return std::move(h).error();
  try {
    return unpack_message(h->get());
  } catch (...) {
    // unpack_message does not throw except on allocation failure; never let it escape.
    return make_error(errc::invalid_argument, "message: cannot decode");
  }
}

#undef MSGCENTER_READ

}  // namespace msgcenter::persistence
