#include "msgcenter/core/alert_recipients.hpp"

#include <algorithm>

namespace msgcenter {

std::vector<std::string> inbound_alert_recipients(const directory& dir,
                                                  const access_subject& subject,
                                                  const std::string& last_manual_sender,
                                                  const muted_predicate& muted) {
  auto out = inbound_alert_recipients(dir, subject, last_manual_sender);
  if (muted)
    out.erase(
        std::remove_if(out.begin(), out.end(), [&](const std::string& id) { return muted(id); }),
        out.end());
  return out;
}

}  // namespace msgcenter
