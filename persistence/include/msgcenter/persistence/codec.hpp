// msgpack encodings of stored messages, and a bounded decoder for untrusted bytes.
//
// A message is a msgpack map from tag to field (field_list.hpp has the rules: unknown tags
// skipped, missing ones defaulted, a mistyped one refused; src/saved_types.hpp the tags).
// The store as a whole records its format version (schema.hpp, store_format_version), so
// records carry none. Decoding never throws and never trusts sizes in the input:
// msgpack-c's unpack_limit caps arrays, maps, strings, binaries, extensions and nesting, and
// the whole input is capped, before any allocation they would cause.
//
// message: {1: id u64, 2: conversation u64, 3: dir u8, 4: kind u8, 5: author str,
//           6: body str, 7: media [{1: url str, 2: content_type str, 3: size u64}...],
//           8: status u8, 9: error_code str, 10: provider_id str, 11: at i64,
//           12: encoding u8, 13: segments u32}
#pragma once

#include <cstddef>
#include <cstdint>
#include <msgpack.hpp>
#include <string>
#include <string_view>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"
#include "msgcenter/persistence/field_list.hpp"

namespace msgcenter::persistence {

/// Bounds applied while decoding untrusted bytes.
struct decode_limits {
  std::size_t max_bytes = std::size_t{1} << 20;  ///< whole input
  std::size_t max_array = 4096;                  ///< elements of one array
  std::size_t max_map = 4096;                    ///< pairs of one map
  std::size_t max_str = std::size_t{1} << 20;    ///< bytes of one string
  std::size_t max_bin = std::size_t{1} << 20;    ///< bytes of one binary
  std::size_t max_ext = 0;                       ///< bytes of one extension (none used)
  std::size_t max_depth = 16;                    ///< nesting of arrays and maps
};

/// Limits for one message: a few dozen fields and media items, depth 3.
[[nodiscard]] decode_limits message_decode_limits() noexcept;

/// Decodes one msgpack value from exactly `bytes` (trailing bytes are an error) within
/// `limits`. The handle owns copies of all strings, so `bytes` may die afterwards.
/// Pure; thread-safe. Errors: invalid_argument (too large, truncated, malformed, over a
/// limit, trailing bytes).
[[nodiscard]] result<msgpack::object_handle> decode(std::string_view bytes,
                                                    const decode_limits& limits = {});

/// Writes `m` as one msgpack value (the map above). Thread-safe.
void pack_message(packer& pk, const message& m);

/// Encodes `m` into a fresh string. Thread-safe.
[[nodiscard]] std::string encode_message(const message& m);

/// Reads a message from an already decoded msgpack value (for records that embed one).
/// Errors: invalid_argument (not a map, a known tag mistyped, out of range or given twice;
/// the message names the field, e.g. "message.dir(3): value 7 out of range 0..1").
[[nodiscard]] result<message> unpack_message(const msgpack::object& o);

/// Decodes bytes produced by encode_message(), within message_decode_limits(). Never
/// throws, whatever the input. Errors: invalid_argument (as decode() and unpack_message()).
[[nodiscard]] result<message> decode_message(std::string_view bytes);

}  // namespace msgcenter::persistence
