// Limits on what a message may carry (spec "Messages": body and media). Checked before a
// message is stored or handed to a gateway, so a refused send changes nothing.
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// Longest body, in Unicode code points (the spec's "characters").
inline constexpr std::size_t kMaxBodyChars = 1600;
/// Most attachments on one message.
inline constexpr std::size_t kMaxMediaItems = 10;
/// Largest attachment, in bytes (5 MiB).
inline constexpr std::uint64_t kMaxMediaBytes = 5242880;

/// Checks a message body. Empty is fine (an MMS may be only media).
/// Errors: `invalid_argument` when `body` is not well-formed UTF-8; `body_too_long` when it
/// has more than kMaxBodyChars code points.
[[nodiscard]] status validate_body(std::string_view body);

/// Checks a message's attachments, the count first, then each item in order (the first
/// offending item decides the error).
/// Accepted content types: image/jpeg, image/png, image/gif, image/webp, video/mp4, audio/mpeg,
/// text/vcard, application/pdf, compared case-insensitively and ignoring parameters
/// ("Image/JPEG; name=a.jpg" is image/jpeg). Aliases such as image/jpg are not accepted.
/// Errors: `attachment_too_large` for more than kMaxMediaItems items (the errc documents
/// "more than 10 items" under this code: both limits protect the carrier's MMS size) or an
/// item larger than kMaxMediaBytes; `invalid_argument` for an item with an empty url;
/// `unsupported_media` for a content type not accepted.
[[nodiscard]] status validate_media(const std::vector<media_item>& media);

/// True when `content_type` (parameters ignored, any case) is one validate_media accepts.
[[nodiscard]] bool is_supported_media_type(std::string_view content_type);

}  // namespace msgcenter
