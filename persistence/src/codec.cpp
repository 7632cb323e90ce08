#include "msgcenter/persistence/codec.hpp"

#include <exception>
#include <new>
#include <utility>

#include "saved_types.hpp"

namespace msgcenter::persistence {

namespace {

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
  l.max_array = 64;  // media items
  l.max_map = 64;    // 13 fields, more from a newer build (skipped)
  l.max_bin = 0;
  l.max_ext = 0;
  l.max_depth = 3;  // message -> media list -> media item
  return l;
}

result<msgpack::object_handle> decode(std::string_view bytes, const decode_limits& limits) {
  return decode_impl(bytes, limits, false);
}

void pack_message(packer& pk, const message& m) { pack_value(pk, m); }

std::string encode_message(const message& m) {
  std::string out;
  out.reserve(64 + m.body.size() + m.author.size() + m.provider_id.size() + m.media.size() * 96);
  string_buffer buf(out);
  packer pk(buf);
  pack_message(pk, m);
  return out;
}

result<message> unpack_message(const msgpack::object& o) { return unpack_saved<message>(o); }

result<message> decode_message(std::string_view bytes) {
  auto h = decode_impl(bytes, message_decode_limits(), true);
  if (!h) return std::move(h).error();
  try {
    return unpack_message(h->get());
  } catch (...) {
    // unpack_message throws only std::bad_alloc; never let it escape.
    return make_error(errc::invalid_argument, "message: cannot decode");
  }
}

}  // namespace msgcenter::persistence
