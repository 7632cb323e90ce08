// The full message history on disk, read by cursor in pages so memory only holds a recent
// window per conversation.
//
// Layout: database db_names::messages; key = message_record_key(conversation, id)
// (u64 BE, u64 BE); value = encode_message(). Paging assumes message ids grow with time
// inside a conversation, so "newest first" is "largest id first".
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"
#include "msgcenter/persistence/kv_store.hpp"

namespace msgcenter::persistence {

/// Stores and pages messages. A small copyable handle; the env must outlive it.
/// Thread-safe: every call runs in its own transaction.
class message_history {
 public:
  /// Opens db_names::messages, creating it unless the env is read-only.
  /// Errors: not_found (read-only env without it), unavailable.
  [[nodiscard]] static result<message_history> open(env& e);

  /// Stores (or replaces) `messages` in one transaction, in key order.
  /// Errors: unavailable.
  [[nodiscard]] status put(const std::vector<message>& messages) const;

  /// Adds the put of `m` to `batch`, to commit it together with other state.
  void stage(write_batch& batch, const message& m) const;

  /// One message. Errors: not_found, invalid_argument (stored record corrupt), unavailable.
  [[nodiscard]] result<message> get(conversation_id conversation, message_id id) const;

  /// Up to `limit` messages of `conversation` with id < `before` (all when unset), newest
  /// first. Errors: invalid_argument (a stored record is corrupt), unavailable.
  [[nodiscard]] result<std::vector<message>> page_before(conversation_id conversation,
                                                         std::optional<message_id> before,
                                                         std::size_t limit) const;

  /// Up to `limit` messages of `conversation` with id > `after` (all when unset), oldest
  /// first. Errors: invalid_argument (a stored record is corrupt), unavailable.
  [[nodiscard]] result<std::vector<message>> page_after(conversation_id conversation,
                                                        std::optional<message_id> after,
                                                        std::size_t limit) const;

  [[nodiscard]] const kv_store& store() const noexcept { return store_; }

 private:
  explicit message_history(kv_store store) : store_(std::move(store)) {}
  [[nodiscard]] result<std::vector<message>> page(const scan_options& options) const;
  kv_store store_;
};

}  // namespace msgcenter::persistence
