// Who is alerted for an inbound message, mutes included (spec "Assignment, visibility and
// alerts": "Remove whoever muted it or cannot see it"). access.hpp's three-argument
// inbound_alert_recipients leaves mutes out because only each staff member's inbox knows
// them; this one takes them as a predicate so the whole rule is one call.
// Stateless and thread-safe (as long as `muted` is).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/directory.hpp"

namespace msgcenter {

/// Answers whether a staff member (by id) muted the conversation in question.
using muted_predicate = std::function<bool(const std::string& staff)>;

/// The staff members an inbound message alerts: inbound_alert_recipients(dir, subject,
/// last_manual_sender) (owners; else the last manual sender; else everyone who can see it;
/// plus subscribe_all staff who can see it; minus who cannot see it), then minus every staff
/// member for whom `muted` answers true. Muting is applied last: when the only owner muted
/// the conversation nobody is alerted, the fallback to the last sender or to everyone does
/// not kick in. An empty `muted` means nobody muted it. Sorted, unique. Never fails.
[[nodiscard]] std::vector<std::string> inbound_alert_recipients(
    const directory& dir, const access_subject& subject, const std::string& last_manual_sender,
    const muted_predicate& muted);

/// The same rule (without mutes, which each inbox applies when it raises the alert) on a
/// business's dense staff numbers, for the per-message path: `sees[i]` says staff member i
/// can see the conversation (access visible), `subscribe_all[i]` is their setting, `owners`
/// and `last_sender` are the owners and the last manual sender who are staff members, by
/// number. Writes the recipients to `out`, ascending. No allocation when `out` has room.
void inbound_alert_recipients(const std::vector<std::uint16_t>& owners,
                              std::optional<std::uint16_t> last_sender,
                              const std::vector<bool>& sees, const std::vector<bool>& subscribe_all,
                              std::vector<std::uint16_t>& out);

}  // namespace msgcenter
