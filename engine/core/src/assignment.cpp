#include "msgcenter/core/assignment.hpp"

namespace msgcenter {

std::optional<std::string> assigned_alert_target(const std::string& before,
                                                 const std::string& after) {
  if (after.empty() || after == before) return std::nullopt;
  return after;
}

status check_assignee(const directory& dir, const std::string& target) {
  if (!target.empty() && !dir.find_staff(target))
    return make_error(errc::not_found, "no such staff member");
  return unit{};
}

}  // namespace msgcenter
