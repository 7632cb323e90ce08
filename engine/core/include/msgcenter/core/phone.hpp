// Phone number normalization (spec "Contacts and linking"): every phone the engine stores or
// compares is E.164, so one person typed three ways is still one conversation.
// Stateless and thread-safe: libphonenumber's PhoneNumberUtil singleton is immutable.
#pragma once

#include <string>
#include <string_view>

#include "msgcenter/core/error.hpp"

namespace msgcenter {

/// Parses `raw` as typed by a person or sent by a carrier, with `region` (ISO 3166-1 alpha-2,
/// the business's default region, e.g. "US", "GB") used for numbers written without a country
/// code, and returns it in E.164 ("+16502530000"). An extension ("x12") is dropped: E.164
/// has none and SMS cannot reach one.
/// Errors: `invalid_phone` when `raw` cannot be parsed, or `region` is unknown and `raw` has no
/// "+country" prefix, or the number is not valid for its country (wrong length, unassigned
/// range).
[[nodiscard]] result<std::string> normalize_phone(std::string_view raw, std::string_view region);

/// As normalize_phone, and also requires a number that can receive SMS. libphonenumber's
/// number type decides:
///  - accepted: MOBILE; FIXED_LINE_OR_MOBILE (all of +1 NANP, where landlines and mobiles
///    share ranges: the spec's "may be mobile"); VOIP and PERSONAL_NUMBER (commonly
///    SMS-capable, e.g. UK 070); UNKNOWN on a valid number (the metadata cannot rule SMS out);
///  - refused: FIXED_LINE, TOLL_FREE, PREMIUM_RATE, SHARED_COST, PAGER, UAN, VOICEMAIL.
/// Errors: `invalid_phone` as normalize_phone; `not_mobile` for a refused type.
[[nodiscard]] result<std::string> normalize_mobile(std::string_view raw, std::string_view region);

/// The ASCII digits of `phone`, in order ("+1 (650) 253-0000" -> "16502530000"); used by search,
/// which matches digits typed by staff as a substring of a phone's digits.
[[nodiscard]] std::string phone_digits(std::string_view phone);

}  // namespace msgcenter
