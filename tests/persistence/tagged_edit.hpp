// Test helper: re-packs an encoded record or message with some of its tagged fields dropped,
// replaced or added, to build what an older or newer writer (or a corrupt one) would write.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "msgcenter/persistence/codec.hpp"

namespace msgcenter::persistence::testing {

/// What to change in one map of tag -> value.
struct map_edit {
  std::set<std::uint64_t> drop;                                   ///< tags left out
  std::map<std::uint64_t, std::function<void(packer&)>> replace;  ///< tag -> new value
  std::vector<std::function<void(packer&)>> extra;  ///< each packs one more key and value
};

namespace detail {
inline void pack_edited(packer& pk, const msgpack::object& o,
                        const std::vector<std::uint64_t>& path, std::size_t depth,
                        const map_edit& e) {
  const bool here = depth == path.size();
  if (o.type == msgpack::type::ARRAY && !here) {
    pk.pack_array(o.via.array.size);
    for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
      if (i == path[depth])
        pack_edited(pk, o.via.array.ptr[i], path, depth + 1, e);
      else
        pk.pack(o.via.array.ptr[i]);
    }
    return;
  }
  if (o.type != msgpack::type::MAP) {
    pk.pack(o);
    return;
  }
  std::uint32_t n = 0;
  for (std::uint32_t i = 0; i < o.via.map.size; ++i)
    if (!here || e.drop.count(o.via.map.ptr[i].key.via.u64) == 0) ++n;
  if (here) n += static_cast<std::uint32_t>(e.extra.size());
  pk.pack_map(n);
  for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
    const auto& kv = o.via.map.ptr[i];
    const std::uint64_t tag = kv.key.via.u64;
    if (here && e.drop.count(tag) != 0) continue;
    pk.pack(kv.key);
    if (!here && tag == path[depth]) {
      pack_edited(pk, kv.val, path, depth + 1, e);
    } else if (auto it = e.replace.find(tag); here && it != e.replace.end()) {
      it->second(pk);
    } else {
      pk.pack(kv.val);
    }
  }
  if (here)
    for (const auto& x : e.extra) x(pk);
}
}  // namespace detail

/// `bytes` (one encoded value) with the map at `path` edited; the path steps through maps by
/// tag and arrays by index, e.g. {1, 2, 5}: a record's field map, its tag 2, then tag 5.
inline std::string edit(std::string_view bytes, const std::vector<std::uint64_t>& path,
                        const map_edit& e) {
  decode_limits roomy;
  roomy.max_bytes = std::size_t{64} << 20;
  auto h = decode(bytes, roomy);
  if (!h) return {};
  std::string out;
  string_buffer buf(out);
  packer pk(buf);
  detail::pack_edited(pk, h->get(), path, 0, e);
  return out;
}

/// Packs a string value.
inline void pack_str(packer& pk, std::string_view s) {
  pk.pack_str(static_cast<std::uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
}

}  // namespace msgcenter::persistence::testing
