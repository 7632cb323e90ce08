// SMS encoding and segment count (spec "Messages": `encoding` and `segments`). Carriers bill
// per segment, so the count must match what the gateway will actually send.
// Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// How a body travels as SMS.
struct segment_info {
  text_encoding encoding = text_encoding::gsm7;
  std::uint32_t segments = 1;  ///< SMS parts the carrier sends (and bills)
  std::uint32_t units = 0;     ///< GSM-7 septets, or UTF-16 code units for UCS-2
};

/// Single-part capacity and per-part capacity of a concatenated message (the 6-byte user data
/// header of each part costs 7 septets or 3 UTF-16 units).
inline constexpr std::uint32_t kGsm7SingleUnits = 160;
inline constexpr std::uint32_t kGsm7PartUnits = 153;
inline constexpr std::uint32_t kUcs2SingleUnits = 70;
inline constexpr std::uint32_t kUcs2PartUnits = 67;

/// Encoding and segment count of `utf8_body`.
///  - GSM-7 when every character is in the GSM 03.38 default alphabet or its extension table
///    (`^ { } \ [ ~ ] | €` and form feed, which cost 2 septets: an escape and the character);
///    one segment up to 160 septets, else parts of at most 153 septets, and an escape pair is
///    never split across two parts (a part ending one septet short starts the next part).
///  - Otherwise UCS-2: UTF-16 code units (a character beyond U+FFFF such as most emoji costs 2);
///    one segment up to 70 units, else parts of at most 67 units, never splitting a surrogate
///    pair.
/// An empty body (an MMS that is only media) is gsm7, 1 segment, 0 units. Bytes that are not
/// valid UTF-8 (validate_body refuses them first) each count as one U+FFFD, which forces UCS-2.
/// Never fails.
[[nodiscard]] segment_info count_segments(std::string_view utf8_body);

}  // namespace msgcenter
