// Every staff member's inbox of one business, computed from shared state (spec "Folders",
// "Pin, mute, archive, hide", "Listing and search", badge and alerts of "Assignment,
// visibility and alerts").
//
// One conversation_state per conversation is shared by every viewer; each staff member
// keeps only what differs (staff_inbox: pins, mutes, badge, alerts). A listing walks the
// shared list order (or the viewer's owned list under `assigned` visibility) and computes
// each row from the conversation and the viewer's own state, so nothing is copied per
// (conversation x staff member) and the first page costs O(limit).
//
// inbox_view (inbox.hpp) keeps a copy per viewer; it is the reference model this one is
// tested against (tests/core/test_shared_inbox.cpp).
// Not thread-safe: owned by one shard.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/inbox.hpp"

namespace msgcenter {

/// One staff member's own inbox state: pins, mutes, badge and alerts.
class staff_inbox {
 public:
  explicit staff_inbox(std::string staff_id) : staff_id_(std::move(staff_id)) {}

  [[nodiscard]] const std::string& staff_id() const noexcept { return staff_id_; }

  /// Pins and mutes are kept even while the conversation is out of reach. True on change.
  bool set_pinned(conversation_id id, bool on);
  bool set_muted(conversation_id id, bool on);
  [[nodiscard]] bool pinned(conversation_id id) const { return pins_.contains(id); }
  [[nodiscard]] bool muted(conversation_id id) const { return mutes_.contains(id); }
  [[nodiscard]] bool any_muted() const noexcept { return !mutes_.empty(); }
  [[nodiscard]] const absl::flat_hash_set<conversation_id>& pin_set() const noexcept {
    return pins_;
  }

  [[nodiscard]] const badge& current_badge() const noexcept { return badge_; }
  /// Moves one conversation's contribution from `before` to `after`.
  void adjust_badge(const badge& before, const badge& after) noexcept;

  /// Raises an alert unless the viewer muted the conversation; returns it when raised.
  std::optional<alert> raise_alert(alert_kind kind, conversation_id conversation,
                                   message_id message, millis at);
  /// Newest first.
  [[nodiscard]] std::vector<alert> alerts(std::size_t limit) const;
  /// Errors: not_found.
  [[nodiscard]] status ack_alert(alert_id id);
  [[nodiscard]] std::size_t alert_count() const noexcept { return ring_.size(); }
  /// Restores a saved alert (recovery). Alerts must come in id order.
  void restore_alert(const alert& a);

  /// Sorted, for the store.
  [[nodiscard]] std::vector<conversation_id> pins() const;
  [[nodiscard]] std::vector<conversation_id> mutes() const;

 private:
  std::string staff_id_;
  absl::flat_hash_set<conversation_id> pins_;
  absl::flat_hash_set<conversation_id> mutes_;
  /// An alert as the ring keeps it: 32 bytes (two per cache line), kind and acked in the
  /// top bits of the id. Raising alerts for many staff writes one slot per ring.
  struct slot {
    std::uint64_t id_and_flags = 0;
    conversation_id conversation = 0;
    message_id message = 0;
    millis at = 0;
  };
  static constexpr int kFlagShift = 56;
  static slot pack(const alert& a) noexcept;
  static alert unpack(const slot& s) noexcept;
  /// The i-th alert, oldest first.
  [[nodiscard]] const slot& at(std::size_t i) const {
    auto k = head_ + i;
    return ring_[k >= ring_.size() ? k - ring_.size() : k];
  }
  [[nodiscard]] slot& at(std::size_t i) {
    auto k = head_ + i;
    return ring_[k >= ring_.size() ? k - ring_.size() : k];
  }
  void push(const alert& a);

  badge badge_;
  /// The last kMaxAlertsKept alerts as a ring: no allocation per alert once full.
  std::vector<slot> ring_;
  std::size_t head_ = 0;  ///< the oldest, once the ring is full
  alert_id next_alert_ = 1;
};

/// What a conversation adds to one viewer's badge: unread for them (at read point `p`), not
/// archived, hidden or muted by them, and in their inbox (access visible).
[[nodiscard]] badge badge_contribution(access acc, const conversation_state& c, const read_point& p,
                                       bool muted) noexcept;

/// The list order of one business's conversations, shared by every viewer: all of them in
/// list order (last activity descending, id descending), and per owner the conversations
/// they own (for `assigned` visibility, where a staff member sees only those).
class conversation_index {
 public:
  /// Adds or moves a conversation after a change (its activity or owners may have changed).
  /// `owners` is owners_of() under the current settings.
  void place(const conversation_state& c, std::vector<std::string> owners);

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  /// The owners recorded at the last place(), or null when unknown.
  [[nodiscard]] const std::vector<std::string>* owners(conversation_id id) const;
  [[nodiscard]] const conversation_state* find(conversation_id id) const;

  /// The viewer's access under the recorded owners.
  [[nodiscard]] access access_for(const staff_member& viewer, conversation_id id,
                                  const directory& dir) const;

  /// The viewer's row (null when out of reach).
  [[nodiscard]] std::optional<inbox_row> row(const staff_member& viewer, const staff_inbox& own,
                                             conversation_id id, const directory& dir) const;

  /// What the conversation adds to the viewer's badge: unread, not archived, hidden or muted
  /// by them, and in their inbox (access visible).
  [[nodiscard]] badge contribution(const staff_member& viewer, const staff_inbox& own,
                                   const conversation_state& c, const directory& dir) const;

  /// inbox.list for `viewer`. Errors: invalid_argument (limit out of range, bad cursor,
  /// from after to), permission_denied (`assignee` naming someone else without may_manage).
  [[nodiscard]] result<inbox_page> list(const inbox_query& q, const staff_member& viewer,
                                        const staff_inbox& own, const directory& dir,
                                        bool may_manage) const;

  /// inbox.counts for `viewer`: one pass over the conversations the viewer may be shown
  /// (O(conversations), no allocation per conversation); the query's folder, limit and
  /// cursor are ignored. Errors: as list() (`from` after `to`, a foreign `assignee`).
  [[nodiscard]] result<folder_counts> counts(const inbox_query& q, const staff_member& viewer,
                                             const staff_inbox& own, const directory& dir,
                                             bool may_manage) const;

 private:
  struct order_key {
    millis activity;
    conversation_id id;
    bool operator<(const order_key& o) const {  // list order: newest first
      return activity != o.activity ? activity > o.activity : id > o.id;
    }
  };
  struct entry {
    const conversation_state* conv = nullptr;
    millis activity = 0;
    std::vector<std::string> owners;
  };
  using order = std::map<order_key, const conversation_state*>;

  /// The list a query walks: everything, or what one staff member owns.
  [[nodiscard]] const order& source_for(const inbox_query& q, const staff_member& viewer,
                                        const directory& dir, bool foreign_assignee) const;
  [[nodiscard]] inbox_row make_row(const staff_member& viewer, const staff_inbox& own,
                                   const conversation_state& c, const directory& dir) const;

  absl::flat_hash_map<conversation_id, entry> entries_;
  order all_;
  absl::flat_hash_map<std::string, order> owned_;  ///< owner -> what they own
};

}  // namespace msgcenter
