// Small OpenSSL helpers (private to the server library).
#pragma once

#include <string>
#include <string_view>

namespace msgcenter::server::crypto {

/// Standard base64 with padding (RFC 4648 section 4).
[[nodiscard]] std::string base64(std::string_view bytes);
/// base64url without padding (RFC 4648 section 5), for tokens.
[[nodiscard]] std::string base64url(std::string_view bytes);
/// Raw 20-byte HMAC-SHA1.
[[nodiscard]] std::string hmac_sha1(std::string_view key, std::string_view data);
/// Lower-case hex of SHA-256.
[[nodiscard]] std::string sha256_hex(std::string_view data);
/// `n` bytes from the OpenSSL CSPRNG; throws std::runtime_error if it fails (it does not
/// on a seeded Linux system).
[[nodiscard]] std::string random_bytes(std::size_t n);
/// Equal length and equal bytes, in time independent of where they differ.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace msgcenter::server::crypto
