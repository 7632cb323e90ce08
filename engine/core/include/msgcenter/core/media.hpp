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
/// Longest attachment URL, in bytes (what browsers and carriers handle everywhere).
inline constexpr std::size_t kMaxMediaUrlBytes = 2048;

/// Which attachment URLs are accepted (security review L8): `https://` only, unless the
/// engine is configured for plain `http://` too (options::allow_http_media: a lab, a
/// gateway on a private network). Never `javascript:`, `data:`, `file:` or a relative URL: the
/// URL ends up in a staff member's browser and in the carrier's fetcher.
struct media_rules {
  bool allow_http = false;
};

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
/// `unsupported_media` for a content type not accepted; `invalid_argument` for a url that
/// validate_media_url refuses.
[[nodiscard]] status validate_media(const std::vector<media_item>& media,
                                    media_rules rules = {});

/// One attachment URL: `https://` (or `http://` with rules.allow_http; the scheme in any
/// case) followed by a host, at most kMaxMediaUrlBytes, printable ASCII only (no spaces or
/// control characters: a URL with others is percent-encoded).
/// Errors: `invalid_argument` with "url must be https" (or "url must be http or https"),
/// "url is longer than 2048 bytes", "url has a space, a control or a non-ASCII character".
[[nodiscard]] status validate_media_url(std::string_view url, media_rules rules = {});

/// True when `content_type` (parameters ignored, any case) is one validate_media accepts.
[[nodiscard]] bool is_supported_media_type(std::string_view content_type);

}  // namespace msgcenter
