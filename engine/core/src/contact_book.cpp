#include "msgcenter/core/contact_book.hpp"

#include <algorithm>

namespace msgcenter {

std::vector<std::string> contact_book::upsert(contact c) {
  std::vector<std::string> touched;
  auto it = contacts_.find(c.id);
  if (it != contacts_.end()) {
    for (auto& phone : it->second.phones) {
      auto& ids = by_phone_[phone];
      ids.erase(std::remove(ids.begin(), ids.end(), c.id), ids.end());
      touched.push_back(phone);
      if (ids.empty()) by_phone_.erase(phone);
    }
  }
  // A contact listing the same phone twice still counts once.
  std::sort(c.phones.begin(), c.phones.end());
  c.phones.erase(std::unique(c.phones.begin(), c.phones.end()), c.phones.end());
  for (auto& phone : c.phones) {
    by_phone_[phone].push_back(c.id);
    touched.push_back(phone);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  auto id = c.id;
  contacts_[id] = std::move(c);
  return touched;
}

const contact* contact_book::find(const std::string& id) const {
  auto it = contacts_.find(id);
  return it == contacts_.end() ? nullptr : &it->second;
}

const contact* contact_book::single_match(const std::string& phone) const {
  auto it = by_phone_.find(phone);
  if (it == by_phone_.end() || it->second.size() != 1) return nullptr;
  return find(it->second.front());
}

const std::vector<std::string>& contact_book::with_phone(const std::string& phone) const {
  static const std::vector<std::string> none;
  auto it = by_phone_.find(phone);
  return it == by_phone_.end() ? none : it->second;
}

}  // namespace msgcenter
