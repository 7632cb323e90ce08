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

void inbound_alert_recipients(const std::vector<std::uint16_t>& owners,
                              std::optional<std::uint16_t> last_sender,
                              const std::vector<bool>& sees, const std::vector<bool>& subscribe_all,
                              std::vector<std::uint16_t>& out) {
  out.clear();
  const auto n = static_cast<std::uint16_t>(sees.size());
  auto visible = [&](std::uint16_t i) { return i < n && sees[i]; };
  // Owners; else the last manual sender; else everyone who sees it. Then subscribe_all.
  std::vector<bool> chosen(n, false);
  bool any = false;
  for (auto o : owners)
    if (o < n) chosen[o] = any = true;
  if (!any && last_sender && *last_sender < n) chosen[*last_sender] = any = true;
  for (std::uint16_t i = 0; i < n; ++i)
    if ((!any || (i < subscribe_all.size() && subscribe_all[i]) || chosen[i]) && visible(i))
      out.push_back(i);
}

}  // namespace msgcenter
