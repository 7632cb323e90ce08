// How a resuming event subscriber is served (spec "Real time"; issue 10, security review L1):
// with the events it missed, or with an explicit `reset` telling it to refetch, never with
// silently fewer events.
//
// Event ids (seq) are per staff inbox, consecutive within one run of the engine and larger
// than every id of an earlier run: an inbox's first id is the microsecond clock when the
// inbox was created in this run (2^53 is not reached before the year 2255, so JavaScript
// numbers hold them exactly). Stateless and thread-safe.
#pragma once

#include <cstdint>

namespace msgcenter {

/// What a subscriber resuming after `after_seq` gets.
enum class resume_plan : std::uint8_t {
  fresh,   ///< after_seq 0: a new subscription, nothing to replay
  replay,  ///< every event after after_seq is still kept: replay them
  reset,   ///< some are gone, or after_seq is not of this run: send `reset`
};

/// The inbox's ids this run: `first_seq` is the first id it hands out, `last_seq` the
/// latest handed out (first_seq - 1 before any), `oldest_kept` the oldest event still kept
/// for replay (0 when none is kept).
struct event_window {
  std::uint64_t first_seq = 1;
  std::uint64_t last_seq = 0;
  std::uint64_t oldest_kept = 0;
};

/// replay when after_seq is of this run and no event after it was dropped; reset when it
/// is from an earlier run (below first_seq) or from nowhere (above last_seq), or when
/// events after it are no longer kept. Never fails.
[[nodiscard]] resume_plan plan_resume(std::uint64_t after_seq, const event_window& w) noexcept;

}  // namespace msgcenter
