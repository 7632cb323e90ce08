// One staff member's view of the inbox (spec "Folders", "Pin, mute, archive, hide",
// "Listing and search", badge and alert parts of "Assignment, visibility and alerts").
//
// Holds, for every conversation the staff member can reach, the latest conversation_view
// with their own read point, plus their pins, mutes, badge and alerts. Keeps an index in
// list order (last activity descending, id descending) so the first page costs O(limit).
// Not thread-safe: owned by one inbox actor.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/conversation.hpp"
#include "msgcenter/core/error.hpp"

namespace msgcenter {

/// Unread conversations and unread inbound messages among those the staff member can see
/// that are not archived, hidden or muted by them.
struct badge {
  std::uint64_t unread_conversations = 0;
  std::uint64_t unread_messages = 0;
  friend bool operator==(const badge& a, const badge& b) {
    return a.unread_conversations == b.unread_conversations &&
           a.unread_messages == b.unread_messages;
  }
  friend bool operator!=(const badge& a, const badge& b) { return !(a == b); }
};

/// A row of inbox.list as this viewer sees it.
struct inbox_row {
  conversation_view view;
  folder current_folder = folder::read;
  std::uint64_t unread_count = 0;
  bool pinned = false;
  bool muted = false;
};

/// `contact_kind` filter of inbox.list.
enum class contact_filter : std::uint8_t { clients_and_leads, resources };

/// Arguments of inbox.list; every filter optional, combined with AND.
struct inbox_query {
  folder_filter folder = folder_filter::inbox;
  std::uint8_t types = 0;  ///< type_flag bits; 0 = no filter
  std::optional<millis> from;
  std::optional<millis> to;
  std::optional<std::string> client_type;
  std::optional<std::string> group;
  std::optional<std::string> location;
  std::optional<contact_filter> contact_kind;
  std::optional<std::string> assignee;  ///< staff id, or "none" for unassigned
  std::optional<direction> last_direction;
  std::string q;
  std::size_t limit = 50;  ///< 1..500
  std::string cursor;      ///< opaque, from a previous page

  /// True when any filter is set (`q` is a search, not a filter).
  [[nodiscard]] bool filtered() const noexcept;
};

struct inbox_page {
  std::vector<inbox_row> rows;
  std::string cursor;  ///< empty when there is no next page
};

/// inbox.counts: per folder, the number of rows inbox.list would list over all its pages
/// with the same filters and search (pinned rows only where that folder lists them).
struct folder_counts {
  std::uint64_t inbox = 0;
  std::uint64_t unread = 0;
  std::uint64_t read = 0;
  std::uint64_t replied = 0;
  std::uint64_t archived = 0;
  std::uint64_t all = 0;
  friend bool operator==(const folder_counts& a, const folder_counts& b) {
    return a.inbox == b.inbox && a.unread == b.unread && a.read == b.read &&
           a.replied == b.replied && a.archived == b.archived && a.all == b.all;
  }
};

constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kMaxPageSize = 500;
constexpr std::size_t kMaxAlertsKept = 10000;

class inbox_view {
 public:
  explicit inbox_view(std::string staff_id);

  [[nodiscard]] const std::string& staff_id() const noexcept { return staff_id_; }

  /// Stores the latest view of a conversation and the viewer's access to it; access::none
  /// takes it out of reach. A view older (by version) than the one held is ignored.
  /// Returns true when this viewer's row changed (for change events).
  bool apply(conversation_view v, access acc);

  /// Pin state is kept even while the conversation is out of reach. Returns true on change.
  bool set_pinned(conversation_id id, bool on);
  bool set_muted(conversation_id id, bool on);
  [[nodiscard]] bool pinned(conversation_id id) const { return pins_.count(id) != 0; }
  [[nodiscard]] bool muted(conversation_id id) const { return mutes_.count(id) != 0; }

  /// The viewer's access to a conversation (none when unknown).
  [[nodiscard]] access access_to(conversation_id id) const;
  /// The viewer's row, when the conversation is within reach.
  [[nodiscard]] std::optional<inbox_row> row(conversation_id id) const;
  [[nodiscard]] const badge& current_badge() const noexcept { return badge_; }
  /// Conversations within reach.
  [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }

  /// inbox.list. Errors: invalid_argument (limit out of range, bad cursor),
  /// permission_denied (`assignee` naming someone else without manage_messages).
  [[nodiscard]] result<inbox_page> list(const inbox_query& q, bool may_manage) const;

  /// Raises an alert unless the viewer muted the conversation; returns it when raised.
  std::optional<alert> raise_alert(alert_kind kind, conversation_id conversation,
                                   message_id message, millis at);
  /// Newest first.
  [[nodiscard]] std::vector<alert> alerts(std::size_t limit) const;
  /// Errors: not_found.
  [[nodiscard]] status ack_alert(alert_id id);

  /// The staff member's own state (what the store saves): pins, mutes, alerts.
  [[nodiscard]] std::vector<conversation_id> pins() const;
  [[nodiscard]] std::vector<conversation_id> mutes() const;
  [[nodiscard]] const std::deque<alert>& all_alerts() const noexcept { return alerts_; }
  /// Restores a saved alert (recovery). Alerts must come in id order.
  void restore_alert(const alert& a);

 private:
  struct order_key {
    millis activity;
    conversation_id id;
    bool operator<(const order_key& o) const {  // list order: newest first
      return activity != o.activity ? activity > o.activity : id > o.id;
    }
  };
  struct entry {
    conversation_view view;
    access acc = access::none;
  };

  [[nodiscard]] inbox_row make_row(const entry& e) const;
  [[nodiscard]] badge contribution(const entry& e) const;
  void add_to_badge(const badge& b);
  void remove_from_badge(const badge& b);

  std::string staff_id_;
  std::unordered_map<conversation_id, entry> entries_;
  std::set<order_key> order_;         ///< every entry
  std::set<order_key> pinned_order_;  ///< entries that are pinned
  std::unordered_set<conversation_id> pins_;
  std::unordered_set<conversation_id> mutes_;
  badge badge_;
  std::deque<alert> alerts_;  ///< oldest first, at most kMaxAlertsKept
  alert_id next_alert_ = 1;
};

}  // namespace msgcenter
