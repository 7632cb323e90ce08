// Assigning a conversation (spec "Assignment, visibility and alerts": at most one assignee,
// and assigning sends the assignee an alert of kind `assigned`).
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>

#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter {

/// Who gets the `assigned` alert when the assignee goes from `before` to `after` (empty:
/// unassigned): `after`, only when it differs from `before` and is not empty, so assigning
/// the current assignee again or unassigning alerts nobody. Never fails.
[[nodiscard]] std::optional<std::string> assigned_alert_target(const std::string& before,
                                                               const std::string& after);

/// Checks the staff member a conversation is about to be assigned to. `target` empty means
/// unassign, which is always fine.
/// Errors: `not_found` "no such staff member" when `target` is not staff of `dir`.
[[nodiscard]] status check_assignee(const directory& dir, const std::string& target);

}  // namespace msgcenter
