// The body of the codec fuzz target, shared by the libFuzzer binary (fuzz_codec.cpp) and by
// the plain gtest that replays random and mutated inputs in every normal test run.
//
// Properties checked on every input (a violation aborts, which the fuzzer reports):
// - no decoder throws or crashes, whatever the bytes;
// - a message that decodes re-encodes to bytes that decode to the same message;
// - a journal/snapshot record that decodes re-encodes stably (unknown tags dropped, every
//   field list of src/saved_types.hpp reached through the record types);
// - every refusal is invalid_argument;
// - a frame built around any payload decodes back to exactly that payload, and flipping any
//   bit of it is detected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "msgcenter/persistence/codec.hpp"
#include "msgcenter/persistence/journal.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::fuzz {

inline bool same_message(const message& a, const message& b) {
  return a.id == b.id && a.conversation == b.conversation && a.dir == b.dir && a.kind == b.kind &&
         a.author == b.author && a.body == b.body && a.media == b.media && a.status == b.status &&
         a.error_code == b.error_code && a.provider_id == b.provider_id && a.at == b.at &&
         a.encoding == b.encoding && a.segments == b.segments;
}

inline void check(bool ok) {
  if (!ok) std::abort();
}

/// Runs every decoder of untrusted bytes over `data`. Returns 0 (libFuzzer convention).
inline int fuzz_codec_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // 1. The message decoder, and the round trip of whatever it accepts.
  if (auto m = persistence::decode_message(bytes)) {
    const std::string again = persistence::encode_message(*m);
    auto m2 = persistence::decode_message(again);
    check(m2.ok() && same_message(*m, *m2));
  } else {
    check(m.error().code == errc::invalid_argument);
  }

  // 2. The generic bounded decoder.
  if (auto h = persistence::decode(bytes)) {
    (void)persistence::unpack_message(h->get());
  } else {
    check(h.error().code == errc::invalid_argument);
  }

  // 3. The journal frame decoder on raw bytes, then on the payload it yields.
  if (auto p = persistence::decode_frame(bytes)) {
    check(p->size() + persistence::frame_header_size == bytes.size());
    (void)persistence::decode_message(*p);
  } else {
    check(p.error().code == errc::invalid_argument);
  }

  // 4. Framing is exact and detects a flipped bit.
  std::string framed = persistence::encode_frame(bytes);
  auto back = persistence::decode_frame(framed);
  check(back.ok() && *back == bytes);
  const std::size_t bit = size == 0 ? 0 : (data[0] * 131u + size) % (framed.size() * 8);
  framed[bit / 8] = static_cast<char>(framed[bit / 8] ^ (1 << (bit % 8)));
  check(!persistence::decode_frame(framed).ok());
  // 5. The journal/snapshot record decoder: whatever it accepts re-encodes stably.
  if (auto r = persistence::decode_record(bytes)) {
    const std::string once = persistence::encode_record(*r);
    auto r2 = persistence::decode_record(once);
    check(r2.ok());
    check(persistence::encode_record(*r2) == once);
  } else {
    check(r.error().code == errc::invalid_argument);
  }

  return 0;
}

}  // namespace msgcenter::fuzz
