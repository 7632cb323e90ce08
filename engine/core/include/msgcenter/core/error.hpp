// Error codes and the result type used by every fallible call in msgcenter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace msgcenter {

/// Stable error codes. The spelling of each (see to_string) is part of the protocol.
enum class errc : std::uint8_t {
  invalid_argument = 1,  ///< malformed input: wrong type, unknown field, bad value
  not_found,             ///< no such object, or it belongs to another business / is invisible
  permission_denied,     ///< the acting staff member lacks a right
  consent_required,      ///< double opt-in business and the phone has not said YES
  opted_out,             ///< the phone said STOP on this number
  invalid_phone,         ///< not a valid phone number for the business region
  not_mobile,            ///< a valid number that cannot receive SMS (e.g. landline)
  body_too_long,         ///< body over 1600 characters
  attachment_too_large,  ///< a media item over 5 MB, or more than 10 items
  unsupported_media,     ///< media content type not accepted
  overloaded,            ///< the engine sheds load; retry later
  unavailable,           ///< the engine cannot accept work (store failed, shutting down)
  conflict,  ///< the request was based on a state that changed (a send's expect_last_message)
};

/// The protocol spelling of a code, e.g. "not_found".
[[nodiscard]] const char* to_string(errc code) noexcept;

/// Parses a protocol spelling; nullopt for an unknown one.
[[nodiscard]] std::optional<errc> parse_errc(std::string_view text) noexcept;

/// A refusal: a stable code and a human-readable message.
struct error {
  errc code = errc::invalid_argument;
  std::string message;

  friend bool operator==(const error& a, const error& b) {
    return a.code == b.code && a.message == b.message;
  }
};

[[nodiscard]] inline error make_error(errc code, std::string message) {
  return error{code, std::move(message)};
}

/// Either a value or an error. A small stand-in for std::expected (C++23).
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : data_(std::in_place_index<0>, std::move(value)) {}
  result(msgcenter::error err) : data_(std::in_place_index<1>, std::move(err)) {}
  result() : data_(std::in_place_index<0>) {}

  [[nodiscard]] bool ok() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const msgcenter::error& error() const& { return std::get<1>(data_); }
  msgcenter::error&& error() && { return std::get<1>(std::move(data_)); }

  std::variant<T, msgcenter::error>& data() { return data_; }

 private:
  std::variant<T, msgcenter::error> data_;
};

/// Result of an operation without a value.
struct unit {};
using status = result<unit>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unit&) {
  return f();
}

}  // namespace msgcenter
