#include "msgcenter/core/send_guard.hpp"

namespace msgcenter {

status validate_client_ref(std::string_view ref) {
  bool ok = !ref.empty() && ref.size() <= kMaxClientRefLength;
  for (char ch : ref)
    if (ch < 0x20 || ch > 0x7E) ok = false;
  if (!ok)
    return make_error(errc::invalid_argument,
                      "`client_ref` must be 1-64 printable ASCII characters");
  return unit{};
}

std::optional<message_id> last_thread_message(const std::vector<message>& messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it)
    if (it->visible()) return it->id;
  return std::nullopt;
}

status check_send_guard(std::optional<message_id> expected, std::optional<message_id> last) {
  if (!expected || last == expected) return unit{};
  if (!last) return make_error(errc::conflict, "the conversation has no message");
  return make_error(errc::conflict,
                    "the conversation has a newer message (" + message_key(*last) + ")");
}

client_ref_book::entry* client_ref_book::find(const std::string& ref) {
  auto it = by_ref_.find(ref);
  return it == by_ref_.end() ? nullptr : &it->second;
}

void client_ref_book::bind(const std::string& ref, entry e) {
  if (!by_ref_.emplace(ref, std::move(e)).second) return;  // bound already: the first wins
  order_.push_back(ref);
  while (order_.size() > capacity_) {
    by_ref_.erase(order_.front());
    order_.pop_front();
  }
}

// Rare (a send whose record could not be written): a linear scan keeps order_ exact.
void client_ref_book::forget(const std::string& ref) {
  if (by_ref_.erase(ref) == 0) return;
  for (auto it = order_.begin(); it != order_.end(); ++it)
    if (*it == ref) {
      order_.erase(it);
      break;
    }
}

status may_reuse_client_ref(const client_ref_book::entry& bound, const std::string& sender) {
  if (bound.sender != sender)
    return make_error(errc::conflict, "`client_ref` was used by another sender");
  return unit{};
}

}  // namespace msgcenter
