#include "msgcenter/persistence/records.hpp"

#include <exception>
#include <utility>

#include "msgcenter/persistence/codec.hpp"
#include "saved_types.hpp"

namespace msgcenter::persistence {
namespace {

template <std::size_t... I>
constexpr bool record_tags_unique(std::index_sequence<I...>) {
  const std::uint32_t tags[] = {saved_type<std::variant_alternative_t<I, record>>::record_tag...};
  for (std::size_t i = 0; i < sizeof...(I); ++i)
    for (std::size_t j = i + 1; j < sizeof...(I); ++j)
      if (tags[i] == tags[j]) return false;
  return true;
}
static_assert(record_tags_unique(std::make_index_sequence<std::variant_size_v<record>>{}),
              "record tags must be unique");

/// Reads the fields of the alternative whose record tag is `tag`.
template <std::size_t... I>
result<record> unpack_alternative(std::uint64_t tag, const msgpack::object& fields,
                                  std::index_sequence<I...>) {
  std::optional<result<record>> out;
  (void)((saved_type<std::variant_alternative_t<I, record>>::record_tag == tag
              ? (out.emplace([&]() -> result<record> {
                  auto r = unpack_saved<std::variant_alternative_t<I, record>>(fields);
                  if (!r) return std::move(r).error();
                  return record(std::move(r).value());
                }()),
                 true)
              : false) ||
         ...);
  if (!out) {
    return make_error(errc::invalid_argument, "record: unknown type " + std::to_string(tag));
  }
  return std::move(*out);
}

result<record> unpack_record(const msgpack::object& o) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 2 ||
      o.via.array.ptr[0].type != msgpack::type::POSITIVE_INTEGER) {
    return make_error(errc::invalid_argument, "record: expected [type, {fields}]");
  }
  return unpack_alternative(o.via.array.ptr[0].via.u64, o.via.array.ptr[1],
                            std::make_index_sequence<std::variant_size_v<record>>{});
}

}  // namespace

std::string encode_record(const record& r) {
  std::string out;
  string_buffer buf(out);
  packer pk(buf);
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        pk.pack_array(2);
        pk.pack_uint64(saved_type<T>::record_tag);
        pack_value(pk, x);
      },
      r);
  return out;
}

result<record> decode_record(std::string_view bytes) {
  decode_limits limits;
  limits.max_bytes = std::size_t{64} << 20;  // a conversation record of a large batch
  limits.max_array = std::size_t{1} << 20;
  limits.max_map = std::size_t{1} << 20;  // a conversation's staff_read, one per staff member
  limits.max_depth = 8;                   // record, fields, messages, message, media, item
  auto handle = decode(bytes, limits);
  if (!handle) return handle.error();
  try {
    return unpack_record(handle.value().get());
  } catch (const std::exception& e) {
    return make_error(errc::invalid_argument, std::string("record: ") + e.what());
  }
}

}  // namespace msgcenter::persistence
