#include "msgcenter/core/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace msgcenter {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

struct parsed {
  PhoneNumber number;
  std::string e164;
};

result<parsed> parse_valid(std::string_view raw, std::string_view region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  parsed out;
  // libphonenumber wants upper-case region codes; "us" from a settings form is still the US.
  std::string reg(region);
  for (auto& c : reg)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  // The messages do not echo `raw`: it is untrusted, unbounded and maybe not UTF-8.
  if (util.Parse(std::string(raw), reg, &out.number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return make_error(errc::invalid_phone, "not a phone number");
  if (!util.IsValidNumber(out.number))
    return make_error(errc::invalid_phone, "not a valid phone number for its country");
  util.Format(out.number, PhoneNumberUtil::E164, &out.e164);
  return out;
}

bool can_receive_sms(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::MOBILE:
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
    case PhoneNumberUtil::VOIP:
    case PhoneNumberUtil::PERSONAL_NUMBER:
    case PhoneNumberUtil::UNKNOWN:
      return true;
    case PhoneNumberUtil::FIXED_LINE:
    case PhoneNumberUtil::TOLL_FREE:
    case PhoneNumberUtil::PREMIUM_RATE:
    case PhoneNumberUtil::SHARED_COST:
    case PhoneNumberUtil::PAGER:
    case PhoneNumberUtil::UAN:
    case PhoneNumberUtil::VOICEMAIL:
      return false;
  }
  return false;
}

}  // namespace

result<std::string> normalize_phone(std::string_view raw, std::string_view region) {
  auto p = parse_valid(raw, region);
  if (!p) return std::move(p).error();
  return std::move(p->e164);
}

result<std::string> normalize_mobile(std::string_view raw, std::string_view region) {
  auto p = parse_valid(raw, region);
  if (!p) return std::move(p).error();
  if (!can_receive_sms(PhoneNumberUtil::GetInstance()->GetNumberType(p->number)))
    return make_error(errc::not_mobile, "cannot receive text messages: " + p->e164);
  return std::move(p->e164);
}

std::string phone_digits(std::string_view phone) {
  std::string out;
  out.reserve(phone.size());
  for (char c : phone)
    if (c >= '0' && c <= '9') out.push_back(c);
  return out;
}

}  // namespace msgcenter
