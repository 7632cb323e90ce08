// Switching the business's read status mode (spec "Read status mode": switching at runtime
// keeps working, `per_staff` points start from the shared point).
// Not thread-safe: mutates a directory the caller owns (a copy, before publishing it).
#pragma once

#include "msgcenter/core/directory.hpp"

namespace msgcenter {

/// Sets `dir.settings.read_status` to `mode` and, only when that changes it, increments
/// `dir.read_mode_epoch`: per-staff read points taken under an older epoch then fall back to
/// the shared point (conversation_state::read_point_for), so a switch to per_staff starts
/// everyone from where the shared point was, and switching back and forth never revives
/// stale personal points. Setting the current mode again changes nothing, so a business.put
/// repeating its settings does not reset anyone's personal read points. Never fails.
void apply_read_mode(directory& dir, read_status_mode mode) noexcept;

}  // namespace msgcenter
