// A staff member's send that must not go out twice or over a changed thread (issue 13):
// `client_ref` (a retry returns the first send's answer) and `expect_last_message` (the
// send guard: refused if the thread moved on since the draft began).
// Stateless functions are thread-safe; client_ref_book is not (owned by one business).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// Longest client reference a send may carry.
inline constexpr std::size_t kMaxClientRefLength = 64;

/// A client reference is 1 to 64 printable ASCII characters (0x20..0x7E): short enough to
/// keep thousands per business, and nothing a log or a header could misread.
/// Errors: `invalid_argument` "`client_ref` must be 1-64 printable ASCII characters".
[[nodiscard]] status validate_client_ref(std::string_view ref);

/// The id of the last message of a thread (not a system message: staff never see those, so
/// a consent text does not invalidate a draft); nullopt when the thread has none.
[[nodiscard]] std::optional<message_id> last_thread_message(const std::vector<message>& messages);

/// The send guard: a send made with `expected` (the last message the sender saw when the
/// draft began) goes out only if that is still the thread's last message. No expectation:
/// always allowed.
/// Errors: `conflict` "the conversation has a newer message (<id>)" or "... has no message"
/// when the thread is empty.
[[nodiscard]] status check_send_guard(std::optional<message_id> expected,
                                      std::optional<message_id> last);

/// The client references of one business's recent sends, for deduplicating retries. Holds
/// at most `capacity` references; beyond that the oldest is forgotten (a retry that late
/// sends again). Memory only: not kept across a restart (docs/decisions.md).
/// Not thread-safe: owned by one business partition.
class client_ref_book {
 public:
  /// What a reference is bound to: the first send's conversation, message and sender.
  struct entry {
    conversation_id conversation = 0;
    message_id message = 0;
    std::string sender;  ///< op_context::as of the first send (empty: automation)
    bool done = false;   ///< the first send has been answered
  };

  explicit client_ref_book(std::size_t capacity = 10'000) : capacity_(capacity) {}

  /// The entry of `ref`, or null.
  [[nodiscard]] entry* find(const std::string& ref);
  /// Binds `ref` to a send (a ref bound already keeps its first send); forgets the oldest
  /// beyond the capacity.
  void bind(const std::string& ref, entry e);
  /// Forgets `ref` (its send was not stored after all).
  void forget(const std::string& ref);
  [[nodiscard]] std::size_t size() const noexcept { return by_ref_.size(); }

 private:
  std::size_t capacity_;
  absl::flat_hash_map<std::string, entry> by_ref_;
  std::deque<std::string> order_;  ///< the bound refs, oldest first
};

/// Whether a send carrying `ref` that found `bound` may take the first send's answer: only
/// the same sender (a reference is the sender's own; another staff member's would reveal a
/// message they may not see).
/// Errors: `conflict` "`client_ref` was used by another sender".
[[nodiscard]] status may_reuse_client_ref(const client_ref_book::entry& bound,
                                          const std::string& sender);

}  // namespace msgcenter
