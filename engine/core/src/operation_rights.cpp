#include "msgcenter/core/operation_rights.hpp"

namespace msgcenter {

using namespace std::string_literals;

result<const staff_member*> acting_staff(const directory& dir, const std::string& staff_id,
                                         right needed) {
  const auto* s = dir.find_staff(staff_id);
  if (!s) return make_error(errc::permission_denied, "unknown staff member `" + staff_id + "`");
  if (!s->has(needed))
    return make_error(errc::permission_denied, "missing right `"s + to_string(needed) + "`");
  return s;
}

std::optional<right> right_for(staff_lookup op) noexcept {
  switch (op) {
    case staff_lookup::me:
      return std::nullopt;
    case staff_lookup::template_list:
      return right::send_sms;
    case staff_lookup::staff_list:
    case staff_lookup::counts:
    case staff_lookup::presence:
      return right::view_messages;
  }
  return right::admin;  // unreachable: the strictest right
}

result<const staff_member*> acting_staff(const directory& dir, const std::string& staff_id,
                                         staff_lookup op) {
  if (auto needed = right_for(op)) return acting_staff(dir, staff_id, *needed);
  const auto* s = dir.find_staff(staff_id);
  if (!s) return make_error(errc::permission_denied, "unknown staff member `" + staff_id + "`");
  return s;
}

status may_send(const std::string& staff_id, const staff_member* staff, message_kind kind) {
  if (staff_id.empty()) {
    if (kind == message_kind::manual)
      return make_error(errc::permission_denied, "a manual send needs a staff member");
    return unit{};
  }
  if (!staff) return make_error(errc::permission_denied, "unknown staff member `" + staff_id + "`");
  if (!staff->has(right::send_sms))
    return make_error(errc::permission_denied, "missing right `send_sms`");
  return unit{};
}

status may_use_number(const staff_member& staff, const number_info& number) {
  if (staff.permits_location(number.location)) return unit{};
  return make_error(errc::permission_denied, "number " + number.number + " is in location `" +
                                                 number.location + "`, not one of yours");
}

status may_send_into(access acc) {
  if (acc == access::none) return make_error(errc::not_found, "no such conversation");
  return unit{};
}

right right_for(consent_operation op) noexcept {
  return op == consent_operation::request ? right::send_sms : right::view_messages;
}

bool in_contact_history(const staff_member& staff, const std::string& location) noexcept {
  return staff.has(right::view_messages) && staff.permits_location(location);
}

status may_export_conversation(access acc) {
  if (acc == access::none) return make_error(errc::not_found, "no such conversation");
  return unit{};
}

status may_administer(const directory& dir, const std::string& staff_id) {
  if (staff_id.empty()) return unit{};
  auto who = acting_staff(dir, staff_id, right::admin);
  if (!who) return who.error();
  return unit{};
}

}  // namespace msgcenter
