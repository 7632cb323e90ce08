// msgpack encodings of stored records, and a bounded decoder for untrusted bytes.
//
// Every record is a msgpack array whose first element is its format version, followed by
// the fields in a fixed order. Readers accept a record with more trailing fields than they
// know (written by a newer minor version) and refuse an unknown version, a missing field or
// a field of the wrong type. Decoding never throws and never trusts sizes in the input:
// msgpack-c's unpack_limit caps arrays, maps, strings, binaries, extensions and nesting, and
// the whole input is capped, before any allocation they would cause.
//
// message, format version 1:
//   [1, id u64, conversation u64, dir u8, kind u8, author str, body str,
//    media [[url str, content_type str, size u64]...], status u8, error_code str,
//    provider_id str, at i64, encoding u8, segments u32]
#pragma once

#include <cstddef>
#include <cstdint>
#include <msgpack.hpp>
#include <string>
#include <string_view>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter::persistence {

/// Current format version of encoded messages.
inline constexpr std::uint64_t message_format_version = 1;

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

/// Limits for one message: a handful of fields, at most a few dozen media items, depth 3.
[[nodiscard]] decode_limits message_decode_limits() noexcept;

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

/// Decodes one msgpack value from exactly `bytes` (trailing bytes are an error) within
/// `limits`. The handle owns copies of all strings, so `bytes` may die afterwards.
/// Pure; thread-safe. Errors: invalid_argument (too large, truncated, malformed, over a
/// limit, trailing bytes).
[[nodiscard]] result<msgpack::object_handle> decode(std::string_view bytes,
                                                    const decode_limits& limits = {});

/// Writes `m` as one msgpack value (the version-1 array above). Thread-safe.
void pack_message(packer& pk, const message& m);

/// Encodes `m` into a fresh string. Thread-safe.
[[nodiscard]] std::string encode_message(const message& m);

/// Reads a message from an already decoded msgpack value (for records that embed one).
/// Errors: invalid_argument (not a message array, unknown version, missing or mistyped
/// field, enum value out of range).
[[nodiscard]] result<message> unpack_message(const msgpack::object& o);

/// Decodes bytes produced by encode_message(), within message_decode_limits(). Never
/// throws, whatever the input. Errors: invalid_argument (as decode() and unpack_message()).
[[nodiscard]] result<message> decode_message(std::string_view bytes);

/// Reads the elements of a msgpack array one by one with type checks, producing
/// "<what>: field N: expected <type>" errors. Helper for record decoders.
/// Not thread-safe; views into the decoded object, which must outlive the reader.
class array_reader {
 public:
  /// Errors: invalid_argument (`o` is not an array).
  [[nodiscard]] static result<array_reader> open(const msgpack::object& o, std::string_view what);

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return size_ - pos_; }

  /// Each reads the next element. Errors: invalid_argument (missing, wrong type, out of
  /// range).
  [[nodiscard]] result<std::uint64_t> u64();
  [[nodiscard]] result<std::uint64_t> u64_max(std::uint64_t max);
  [[nodiscard]] result<std::int64_t> i64();
  [[nodiscard]] result<bool> boolean();
  [[nodiscard]] result<std::string> str();
  [[nodiscard]] result<std::string_view> str_view();
  [[nodiscard]] result<const msgpack::object*> any();
  [[nodiscard]] result<array_reader> array();

 private:
  array_reader(const msgpack::object* items, std::size_t size, std::string what)
      : items_(items), size_(size), what_(std::move(what)) {}
  [[nodiscard]] result<const msgpack::object*> next(const char* expected);
  [[nodiscard]] error mistyped(const char* expected) const;

  const msgpack::object* items_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::string what_;
};

}  // namespace msgcenter::persistence
