// Saved types as lists of numbered fields: one declaration per type serves both the encoder
// and the decoder (LevelDB's version_edit tags, CAF's inspect() field lists), so a new field
// is one line.
//
// A saved struct is written as a msgpack map from tag (a small unsigned integer) to the
// field's value. Its list is a specialization of saved_type<T>:
//
//   template <> struct saved_type<media_item> {
//     static constexpr const char* name = "media_item";
//     static constexpr auto fields() {
//       return std::make_tuple(make_field(1, "url", &media_item::url),
//                              make_field(2, "content_type", &media_item::content_type),
//                              make_field(3, "size", &media_item::size));
//     }
//   };
//
// Rules of the format (docs/decisions.md, "The saved form"):
// - Tags are written to disk: a tag keeps its meaning for ever and is never reused, even
//   after its field is removed (leave a comment "tag N was <field>"). Tags start at 1 and are
//   unique within one list (checked at compile time).
// - The writer writes every field in list order, default values included (so changing a
//   default member initializer never changes what an old record means); only an empty
//   std::optional is left out.
// - The reader skips tags it does not know (written by a newer build), leaves a missing tag
//   at the field's default member initializer (a record older than the field), and refuses
//   a known tag with a value of the wrong type, out of range, or given twice, with
//   invalid_argument and a message naming the path, e.g.
//   "message.dir(3): value 7 out of range 0..1" or
//   "conversation_record.image(2).contact(5).id(1): expected string, found unsigned integer".
//
// Values: bool; unsigned integers (range-checked against the member's type); std::int64_t;
// enums (0..enum_max<E>::value); std::string; std::vector and std::set (arrays);
// std::optional (the field is omitted when empty); std::map (a msgpack map, or, when the
// value type declares `static constexpr auto key = &V::member` in its saved_type, an array
// of values, the key being that member); and saved structs (nested maps).
//
// Decoding here works on an already decoded msgpack object (codec.hpp decode() bounds the
// input); it never throws except std::bad_alloc, and allocates only in proportion to what
// msgpack-c already decoded within its unpack_limit. Thread-safe: everything is pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <msgpack.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "msgcenter/core/error.hpp"

namespace msgcenter::persistence {

/// A msgpack-c write buffer appending to a std::string it does not own (which must outlive
/// the buffer).
class string_buffer {
 public:
  explicit string_buffer(std::string& out) noexcept : out_(&out) {}
  void write(const char* data, std::size_t size) { out_->append(data, size); }

 private:
  std::string* out_;
};

/// The packer every encoder here writes with.
using packer = msgpack::packer<string_buffer>;

/// One saved field: its tag on disk, its name (for error messages only: renaming a field
/// does not change the format) and the member it reads and writes.
template <class Owner, class T>
struct field {
  std::uint32_t tag;
  const char* name;
  T Owner::*member;
};

template <class Owner, class T>
constexpr field<Owner, T> make_field(std::uint32_t tag, const char* name,
                                     T Owner::*member) noexcept {
  return field<Owner, T>{tag, name, member};
}

/// The field list of a saved struct: specialize with `name` and `fields()` (see above).
template <class T>
struct saved_type;

/// The largest value of a saved enum (its values are 0..value): specialize for each one.
template <class E>
struct enum_max;

namespace detail {

/// "unsigned integer", "string", ... for error messages.
[[nodiscard]] const char* msgpack_type_name(msgpack::type::object_type t) noexcept;
/// "expected <expected>, found <type of o>".
[[nodiscard]] error mistyped(const char* expected, const msgpack::object& o);
/// "value <v> out of range 0..<max>".
[[nodiscard]] error out_of_range(std::uint64_t v, std::uint64_t max);
/// Prefixes `inner` with one step of its path (".name(tag)", "[index]" or a type name).
[[nodiscard]] error nest(std::string_view step, error inner);
/// `nest(".<name>(<tag>)", inner)`.
[[nodiscard]] error nest_field(const char* name, std::uint32_t tag, error inner);
/// `nest("[<index>]", inner)`.
[[nodiscard]] error nest_index(std::size_t index, error inner);
/// The error of a known tag that appears twice in one map.
[[nodiscard]] error duplicate_tag(const char* name, std::uint32_t tag);

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_set : std::false_type {};
template <class T>
struct is_set<std::set<T>> : std::true_type {};
template <class T>
struct is_map : std::false_type {};
template <class K, class V>
struct is_map<std::map<K, V>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

/// Whether saved_type<V> names the member that keys a std::map of V.
template <class V, class = void>
struct has_key : std::false_type {};
template <class V>
struct has_key<V, std::void_t<decltype(saved_type<V>::key)>> : std::true_type {};

template <class Fields, std::size_t... I>
constexpr bool tags_valid(const Fields& fs, std::index_sequence<I...>) {
  const std::uint32_t tags[] = {std::get<I>(fs).tag..., 0u};
  constexpr std::size_t n = sizeof...(I);
  for (std::size_t i = 0; i < n; ++i) {
    if (tags[i] == 0) return false;
    for (std::size_t j = i + 1; j < n; ++j)
      if (tags[i] == tags[j]) return false;
  }
  return true;
}

/// The field list of T, checked once per type: tags >= 1 and unique.
template <class T>
constexpr auto checked_fields() {
  constexpr auto fs = saved_type<T>::fields();
  static_assert(
      tags_valid(fs, std::make_index_sequence<std::tuple_size_v<std::decay_t<decltype(fs)>>>{}),
      "a saved type's tags must be >= 1 and unique");
  return fs;
}

}  // namespace detail

template <class T>
void pack_value(packer& pk, const T& v);
template <class T>
[[nodiscard]] status unpack_value(const msgpack::object& o, T& out);

namespace detail {

/// How many map entries a field takes: none for an empty optional, else one.
template <class M>
constexpr std::uint32_t written(const M& m) noexcept {
  if constexpr (is_optional<M>::value)
    return m.has_value() ? 1u : 0u;
  else
    return 1u;
}

template <class T>
void pack_struct(packer& pk, const T& v) {
  constexpr auto fs = checked_fields<T>();
  std::uint32_t present = 0;
  std::apply([&](const auto&... f) { ((present += written(v.*f.member)), ...); }, fs);
  pk.pack_map(present);
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& fld) {
          const auto& value = v.*fld.member;
          if constexpr (is_optional<std::decay_t<decltype(value)>>::value) {
            if (!value) return;
            pk.pack_uint64(fld.tag);
            pack_value(pk, *value);
          } else {
            pk.pack_uint64(fld.tag);
            pack_value(pk, value);
          }
        };
        (one(f), ...);
      },
      fs);
}

template <class T, class Field>
status unpack_field(const Field& f, const msgpack::object& o, T& out, bool& seen) {
  if (seen) return duplicate_tag(f.name, f.tag);
  seen = true;
  auto& member = out.*f.member;
  using M = std::decay_t<decltype(member)>;
  status st = unit{};
  if constexpr (is_optional<M>::value) {
    typename M::value_type value{};
    st = unpack_value(o, value);
    if (st) member = std::move(value);
  } else {
    st = unpack_value(o, member);
  }
  if (!st) return nest_field(f.name, f.tag, std::move(st).error());
  return st;
}

/// Decodes the value of `tag` into its field; unknown tags are skipped.
template <class T, class Fields, std::size_t... I>
status unpack_tag(const Fields& fs, std::uint64_t tag, const msgpack::object& o, T& out, bool* seen,
                  std::index_sequence<I...>) {
  status st = unit{};
  (void)((std::get<I>(fs).tag == tag ? (st = unpack_field(std::get<I>(fs), o, out, seen[I]), true)
                                     : false) ||
         ...);
  return st;
}

template <class T>
status unpack_struct(const msgpack::object& o, T& out) {
  if (o.type != msgpack::type::MAP) return mistyped("map", o);
  constexpr auto fs = checked_fields<T>();
  constexpr std::size_t n = std::tuple_size_v<std::decay_t<decltype(fs)>>;
  std::array<bool, n> seen{};
  for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
    const auto& kv = o.via.map.ptr[i];
    if (kv.key.type != msgpack::type::POSITIVE_INTEGER) {
      return nest_index(i, nest("key", mistyped("unsigned integer (a tag)", kv.key)));
    }
    auto st =
        unpack_tag(fs, kv.key.via.u64, kv.val, out, seen.data(), std::make_index_sequence<n>{});
    if (!st) return st;
  }
  return unit{};
}

template <class T>
status unpack_unsigned(const msgpack::object& o, T& out, std::uint64_t max) {
  if (o.type != msgpack::type::POSITIVE_INTEGER) return mistyped("unsigned integer", o);
  if (o.via.u64 > max) return out_of_range(o.via.u64, max);
  out = static_cast<T>(o.via.u64);
  return unit{};
}

[[nodiscard]] status unpack_int64(const msgpack::object& o, std::int64_t& out);
[[nodiscard]] status unpack_bool(const msgpack::object& o, bool& out);
[[nodiscard]] status unpack_string(const msgpack::object& o, std::string& out);
void pack_string(packer& pk, std::string_view s);

/// Arrays into vectors and sets: `add(element)` per decoded element.
template <class E, class Add>
status unpack_elements(const msgpack::object& o, Add&& add) {
  if (o.type != msgpack::type::ARRAY) return mistyped("array", o);
  for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
    E e{};
    if (auto st = unpack_value(o.via.array.ptr[i], e); !st) {
      return nest_index(i, std::move(st).error());
    }
    add(std::move(e));
  }
  return unit{};
}

template <class K, class V>
status unpack_map(const msgpack::object& o, std::map<K, V>& out) {
  out.clear();
  if constexpr (has_key<V>::value) {
    // An array of values, each keyed by its own member.
    return unpack_elements<V>(o, [&](V&& v) {
      K key = v.*saved_type<V>::key;
      out[std::move(key)] = std::move(v);
    });
  } else {
    if (o.type != msgpack::type::MAP) return mistyped("map", o);
    for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
      K k{};
      V v{};
      auto st = unpack_value(o.via.map.ptr[i].key, k);
      if (st) st = unpack_value(o.via.map.ptr[i].val, v);
      if (!st) return nest_index(i, std::move(st).error());
      out[std::move(k)] = std::move(v);
    }
    return unit{};
  }
}

template <class K, class V>
void pack_map(packer& pk, const std::map<K, V>& m) {
  if constexpr (has_key<V>::value) {
    pk.pack_array(static_cast<std::uint32_t>(m.size()));
    for (const auto& kv : m) pack_value(pk, kv.second);
  } else {
    pk.pack_map(static_cast<std::uint32_t>(m.size()));
    for (const auto& [k, v] : m) {
      pack_value(pk, k);
      pack_value(pk, v);
    }
  }
}

}  // namespace detail

/// Writes `v` as one msgpack value, by the rules above.
template <class T>
void pack_value(packer& pk, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    if (v)
      pk.pack_true();
    else
      pk.pack_false();
  } else if constexpr (std::is_enum_v<T>) {
    static_assert(std::is_unsigned_v<std::underlying_type_t<T>>, "saved enums are unsigned");
    pk.pack_uint64(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    pk.pack_uint64(v);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    pk.pack_int64(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    detail::pack_string(pk, v);
  } else if constexpr (detail::is_vector<T>::value || detail::is_set<T>::value) {
    pk.pack_array(static_cast<std::uint32_t>(v.size()));
    for (const auto& e : v) pack_value(pk, e);
  } else if constexpr (detail::is_map<T>::value) {
    detail::pack_map(pk, v);
  } else {
    detail::pack_struct(pk, v);
  }
}

/// Reads `out` from `o`, by the rules above; on error `out` may be partly written.
/// Errors: invalid_argument (wrong type, out of range, duplicate tag), naming the path.
template <class T>
status unpack_value(const msgpack::object& o, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    return detail::unpack_bool(o, out);
  } else if constexpr (std::is_enum_v<T>) {
    std::uint64_t v = 0;
    auto st = detail::unpack_unsigned(o, v, static_cast<std::uint64_t>(enum_max<T>::value));
    if (st) out = static_cast<T>(static_cast<std::underlying_type_t<T>>(v));
    return st;
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    return detail::unpack_unsigned(o, out, std::numeric_limits<T>::max());
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return detail::unpack_int64(o, out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return detail::unpack_string(o, out);
  } else if constexpr (detail::is_vector<T>::value) {
    out.clear();
    if (o.type == msgpack::type::ARRAY) out.reserve(o.via.array.size);  // decoded already
    return detail::unpack_elements<typename T::value_type>(
        o, [&](typename T::value_type&& e) { out.push_back(std::move(e)); });
  } else if constexpr (detail::is_set<T>::value) {
    out.clear();
    return detail::unpack_elements<typename T::value_type>(
        o, [&](typename T::value_type&& e) { out.insert(std::move(e)); });
  } else if constexpr (detail::is_map<T>::value) {
    return detail::unpack_map(o, out);
  } else {
    return detail::unpack_struct(o, out);
  }
}

/// Reads a whole saved struct; errors start with saved_type<T>::name
/// ("message.dir(3): ..."). Errors: invalid_argument.
template <class T>
[[nodiscard]] result<T> unpack_saved(const msgpack::object& o) {
  T out{};
  if (auto st = unpack_value(o, out); !st) {
    return detail::nest(saved_type<T>::name, std::move(st).error());
  }
  return out;
}

}  // namespace msgcenter::persistence
