#include "msgcenter/core/search.hpp"

#include "msgcenter/core/text.hpp"

namespace msgcenter {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out.push_back(c);
  return out;
}

bool is_word_char(unsigned char c) {
  // Folded text: ASCII letters/digits or any non-ASCII byte (letters of other scripts).
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

search_query::search_query(std::string_view q) {
  auto t = trim(q);
  folded_ = fold_for_search(t);
  lower_ = ascii_lower(t);
  bool phone_like = true;
  for (char c : t) {
    bool ok = (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '(' || c == ')' ||
              c == '-' || c == '.';
    if (!ok) phone_like = false;
  }
  auto d = digits_of(t);
  if (phone_like && d.size() >= 3) digits_ = std::move(d);
}

bool search_query::matches(const conversation_view& v) const {
  if (!digits_.empty() && digits_of(v.phone).find(digits_) != std::string::npos) return true;
  if (folded_.empty() || !v.contact) return false;
  const auto& c = *v.contact;
  auto name = fold_for_search(c.full_name());
  for (std::size_t i = 0; i < name.size(); ++i) {
    bool word_start = is_word_char(static_cast<unsigned char>(name[i])) &&
                      (i == 0 || !is_word_char(static_cast<unsigned char>(name[i - 1])));
    if (word_start && starts_with(std::string_view(name).substr(i), folded_)) return true;
  }
  return (!c.email.empty() && starts_with(ascii_lower(c.email), lower_)) ||
         (!c.uid.empty() && starts_with(ascii_lower(c.uid), lower_)) ||
         starts_with(ascii_lower(c.id), lower_);
}

}  // namespace msgcenter
