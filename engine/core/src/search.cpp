#include "msgcenter/core/search.hpp"

#include <utf8proc.h>

#include <vector>

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

// A word character is a letter, mark or number of any script. Everything else (spaces,
// ASCII and typographic punctuation such as ’ or –, symbols) separates words, so "brien"
// finds O’Brien as it finds O'Brien.
bool is_word_code_point(utf8proc_int32_t cp) {
  auto cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

// Byte offsets in valid UTF-8 `s` where a word starts.
std::vector<std::size_t> word_starts(std::string_view s) {
  std::vector<std::size_t> out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  std::size_t i = 0;
  bool prev_word = false;
  while (i < s.size()) {
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) break;  // folded text is valid UTF-8; stop rather than misread
    bool word = is_word_code_point(cp);
    if (word && !prev_word) out.push_back(i);
    prev_word = word;
    i += static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace

search_query::search_query(std::string_view q) {
  auto t = trim(q);
  folded_ = fold_for_search(t);
  lower_ = ascii_lower(t);
  bool phone_like = true;
  for (char c : t) {
    bool ok = (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '(' || c == ')' || c == '-' ||
              c == '.';
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
  for (std::size_t i : word_starts(name))
    if (starts_with(std::string_view(name).substr(i), folded_)) return true;
  return (!c.email.empty() && starts_with(ascii_lower(c.email), lower_)) ||
         (!c.uid.empty() && starts_with(ascii_lower(c.uid), lower_)) ||
         starts_with(ascii_lower(c.id), lower_);
}

}  // namespace msgcenter
