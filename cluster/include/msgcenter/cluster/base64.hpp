// Standard base64 (RFC 4648 section 4, with padding): etcd's JSON gateway carries every key
// and value as base64 of its bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace msgcenter::cluster {

/// Encodes bytes as padded base64.
[[nodiscard]] std::string base64_encode(std::string_view bytes);

/// Decodes padded base64 strictly (the alphabet, length a multiple of 4, padding only at the
/// end); nullopt for anything else. Untrusted input is fine.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace msgcenter::cluster
