#include "msgcenter/core/event_resume.hpp"

namespace msgcenter {

resume_plan plan_resume(std::uint64_t after_seq, const event_window& w) noexcept {
  if (after_seq == 0) return resume_plan::fresh;
  if (after_seq > w.last_seq) return resume_plan::reset;    // not an id handed out yet
  if (after_seq < w.first_seq) return resume_plan::reset;   // an id of an earlier run
  if (after_seq == w.last_seq) return resume_plan::replay;  // nothing missed
  // Events after_seq+1 .. last_seq were handed out: all must still be kept.
  if (w.oldest_kept == 0 || w.oldest_kept > after_seq + 1) return resume_plan::reset;
  return resume_plan::replay;
}

}  // namespace msgcenter
