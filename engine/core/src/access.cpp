#include "msgcenter/core/access.hpp"

#include <algorithm>

namespace msgcenter {

std::vector<std::string> owners_of(const std::string& assignee, const contact_card* contact,
                                   const business_settings& settings) {
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  add(assignee);
  if (contact) {
    if (settings.notify_sales) add(contact->sales_owner);
    if (settings.notify_service) add(contact->service_owner);
  }
  return out;
}

access access_of(const staff_member& staff, const std::string& location,
                 const std::vector<std::string>& owners, const business_settings& settings) {
  if (!staff.has(right::view_messages) || !staff.permits_location(location)) return access::none;
  if (settings.visibility == visibility_mode::all || staff.subscribe_all) return access::visible;
  if (std::find(owners.begin(), owners.end(), staff.id) != owners.end()) return access::visible;
  return staff.has(right::manage_messages) ? access::open : access::none;
}

access access_of(const staff_member& staff, const access_subject& subject,
                 const business_settings& settings) {
  return access_of(staff, subject.location, subject.owners, settings);
}

std::vector<std::string> inbound_alert_recipients(const directory& dir,
                                                  const access_subject& subject,
                                                  const std::string& last_manual_sender) {
  auto sees = [&](const std::string& id) {
    auto* s = dir.find_staff(id);
    return s && access_of(*s, subject, dir.settings) == access::visible;
  };
  std::vector<std::string> out;
  for (auto& owner : subject.owners)
    if (dir.find_staff(owner)) out.push_back(owner);
  if (out.empty() && !last_manual_sender.empty() && dir.find_staff(last_manual_sender))
    out.push_back(last_manual_sender);
  if (out.empty()) {
    for (auto& [id, s] : dir.staff)
      if (sees(id)) out.push_back(id);
  }
  for (auto& [id, s] : dir.staff)
    if (s.subscribe_all && sees(id)) out.push_back(id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove_if(out.begin(), out.end(), [&](auto& id) { return !sees(id); }), out.end());
  return out;
}

}  // namespace msgcenter
