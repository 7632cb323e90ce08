#include "msgcenter/core/directory.hpp"

#include <algorithm>

namespace msgcenter {

bool staff_member::permits_location(const std::string& location) const {
  return locations.empty() ||
         std::find(locations.begin(), locations.end(), location) != locations.end();
}

const staff_member* directory::find_staff(const std::string& id) const {
  auto it = staff.find(id);
  return it == staff.end() ? nullptr : &it->second;
}

const number_info* directory::find_number(const std::string& e164) const {
  auto it = numbers.find(e164);
  return it == numbers.end() ? nullptr : &it->second;
}

std::string directory::sending_number() const {
  if (!default_number.empty()) return default_number;
  return numbers.empty() ? std::string{} : numbers.begin()->first;
}

}  // namespace msgcenter
