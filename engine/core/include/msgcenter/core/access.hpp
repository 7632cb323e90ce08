// Who may see a conversation, who owns it, and who gets an inbound alert
// (spec "Assignment, visibility and alerts").
#pragma once

#include <string>
#include <vector>

#include "msgcenter/core/directory.hpp"

namespace msgcenter {

/// How much of a conversation a staff member may reach.
enum class access : std::uint8_t {
  none,     ///< invisible: every operation on it answers not_found
  open,     ///< may open and act, and list it with the `assignee` filter (managers in
            ///< `assigned` visibility), but it is not in their inbox, badge or alerts
  visible,  ///< in their inbox: listed, counted in the badge, alerted
};

/// The parts of a conversation that access depends on.
struct access_subject {
  std::string location;             ///< location of the conversation's business number
  std::vector<std::string> owners;  ///< see owners_of
};

/// Owners: the assignee, plus the linked contact's sales_owner / service_owner while the
/// business settings notify_sales / notify_service are on. No duplicates, no empty ids.
[[nodiscard]] std::vector<std::string> owners_of(const std::string& assignee,
                                                 const contact_card* contact,
                                                 const business_settings& settings);

/// Access of `staff` to a conversation under the business's visibility setting.
[[nodiscard]] access access_of(const staff_member& staff, const access_subject& subject,
                               const business_settings& settings);

/// The same rule on the parts, without building an access_subject (hot paths).
[[nodiscard]] access access_of(const staff_member& staff, const std::string& location,
                               const std::vector<std::string>& owners,
                               const business_settings& settings);

/// Staff members to alert for an inbound message (before removing those who muted it, which
/// only their inbox knows): the owners; if none, the last manual sender; if none, everyone
/// who can see it; plus every subscribe_all staff member who can see it; minus whoever
/// cannot see it. Sorted, unique.
[[nodiscard]] std::vector<std::string> inbound_alert_recipients(
    const directory& dir, const access_subject& subject, const std::string& last_manual_sender);

}  // namespace msgcenter
