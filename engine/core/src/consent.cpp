#include "msgcenter/core/consent.hpp"

#include "msgcenter/core/text.hpp"

namespace msgcenter {
namespace {

struct keyword_spelling {
  std::string_view word;
  consent_keyword keyword;
};

constexpr keyword_spelling kKeywords[] = {
    {"stop", consent_keyword::stop},        {"stopall", consent_keyword::stop},
    {"unsubscribe", consent_keyword::stop}, {"cancel", consent_keyword::stop},
    {"end", consent_keyword::stop},         {"quit", consent_keyword::stop},
    {"revoke", consent_keyword::stop},      {"optout", consent_keyword::stop},
    {"start", consent_keyword::start},      {"unstop", consent_keyword::unstop},
    {"yes", consent_keyword::yes},          {"help", consent_keyword::help},
    {"info", consent_keyword::help},
};

// Longer than any keyword: such a body is never lowered (bodies are up to 1600 characters).
constexpr std::size_t kLongestKeyword = 11;

}  // namespace

consent_keyword classify_keyword(std::string_view body) {
  body = trim(body);
  if (body.empty() || body.size() > kLongestKeyword) return consent_keyword::none;
  const std::string word = ascii_lower(body);
  for (const auto& k : kKeywords)
    if (word == k.word) return k.keyword;
  return consent_keyword::none;
}

consent_outcome apply_keyword(consent_state current, consent_keyword k) {
  using reply = consent_reply;
  switch (k) {
    case consent_keyword::stop:
      if (current == consent_state::no) return {current, reply::none};
      return {consent_state::no, reply::opt_out_confirmation};
    case consent_keyword::start:
    case consent_keyword::unstop:
      if (current == consent_state::no) return {consent_state::yes, reply::opt_in_confirmation};
      return {current, reply::none};
    case consent_keyword::yes:
      if (current == consent_state::no || current == consent_state::pending)
        return {consent_state::yes, reply::opt_in_confirmation};
      return {current, reply::none};
    case consent_keyword::help:
      return {current, reply::help};
    case consent_keyword::none:
      break;
  }
  return {current, reply::none};
}

status check_send_consent(consent_state s, consent_mode mode) {
  if (s == consent_state::no)
    return make_error(errc::opted_out, "the recipient opted out of messages from this number");
  if (mode == consent_mode::double_opt_in && s != consent_state::yes)
    return make_error(errc::consent_required,
                      "the recipient has not confirmed opt-in (double opt-in business)");
  return unit{};
}

consent_state consent_book::get(std::string_view phone, std::string_view number) const {
  auto it = states_.find(key{std::string(phone), std::string(number)});
  return it == states_.end() ? consent_state::unknown : it->second;
}

void consent_book::set(std::string_view phone, std::string_view number, consent_state state) {
  key k{std::string(phone), std::string(number)};
  if (state == consent_state::unknown)
    states_.erase(k);
  else
    states_[std::move(k)] = state;
}

}  // namespace msgcenter
