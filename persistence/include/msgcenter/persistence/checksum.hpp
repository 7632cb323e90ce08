// CRC-32C (Castagnoli), the checksum of journal frames.
#pragma once

#include <cstdint>
#include <string_view>

namespace msgcenter::persistence {

/// CRC-32C (polynomial 0x1EDC6F41, reflected, init and final xor 0xFFFFFFFF) of `data`,
/// continuing from `crc` (pass the previous result to checksum data in pieces).
/// crc32c("123456789") == 0xE3069283. Pure; thread-safe.
[[nodiscard]] std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0) noexcept;

}  // namespace msgcenter::persistence
