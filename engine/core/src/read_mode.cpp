#include "msgcenter/core/read_mode.hpp"

namespace msgcenter {

void apply_read_mode(directory& dir, read_status_mode mode) noexcept {
  if (dir.settings.read_status == mode) return;
  dir.settings.read_status = mode;
  ++dir.read_mode_epoch;
}

}  // namespace msgcenter
