// UTF-8 helpers: validation, length in characters, search folding, previews.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace msgcenter {

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

/// Number of Unicode code points in valid UTF-8 `s` ("characters" of spec.md).
[[nodiscard]] std::size_t count_code_points(std::string_view s) noexcept;

/// Case- and accent-insensitive form for search: NFKD, marks stripped, case folded
/// (utf8proc). "Zoë" and "ZOE" both fold to "zoe". Invalid UTF-8 folds to "".
[[nodiscard]] std::string fold_for_search(std::string_view s);

/// The first `max_code_points` code points of valid UTF-8 `s`.
[[nodiscard]] std::string utf8_prefix(std::string_view s, std::size_t max_code_points);

/// `s` without leading and trailing ASCII whitespace.
[[nodiscard]] std::string_view trim(std::string_view s) noexcept;

/// ASCII lower case (ids, emails, uids).
[[nodiscard]] std::string ascii_lower(std::string_view s);

}  // namespace msgcenter
