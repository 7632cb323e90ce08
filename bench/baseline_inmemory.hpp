// The in-memory upper bound: the bookkeeping of an inbound burst written as plain,
// single-threaded C++ with no actors, no messages between threads and no copies of views.
//
// It does what the engine does for an inbound message in a business with `visibility = all`,
// minus what a baseline would not need to do at all (consent keywords, media checks):
//   - find or create the conversation of (number, phone) and give it a dense id;
//   - refuse a duplicate provider id (hash map of provider ids);
//   - append the message (a full msgcenter::message, as the engine stores it);
//   - update the conversation: last activity (never backwards), preview (100 characters),
//     counts, unarchive/unhide;
//   - for every staff member: the unread counts of their badge (skipping muted, archived and
//     hidden conversations), their ordered inbox index, and alerts (owners, else everyone;
//     plus subscribe_all; minus who muted it; at most kMaxAlertsKept per staff member).
//
// The inbox index is an intrusive doubly linked list per staff member ordered by (last
// activity, id) descending, its nodes stored conversation-major: a new message moves its
// conversation to (or near) the front in O(1) when times arrive in order, which is what a burst
// looks like. A message with an older time walks from the front to its place. Listing the first
// page walks the list.
//
// Optionally (normalize = true) `from` and `to` go through libphonenumber as in the engine,
// so the cost of normalization can be told apart from the bookkeeping.
//
// Not thread-safe: one thread owns an instance. Ownership: plain values only.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/operations.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter::bench {

class baseline_inbox_store {
 public:
  /// A store with `staff` staff members (indices 0..staff-1), shared or per-staff read points.
  baseline_inbox_store(std::size_t staff, read_status_mode mode, bool normalize);

  /// Adds a business number (E.164 when normalize is off).
  void add_number(const std::string& number);
  /// Staff member `s` is alerted of every conversation they can see.
  void set_subscribe_all(std::size_t s, bool on);
  /// Assigns conversation `c` to staff member `s` (who then owns its alerts).
  void assign(std::uint32_t c, std::size_t s);
  /// Staff member `s` mutes conversation `c` (no badge, no alerts).
  void mute(std::size_t s, std::uint32_t c);

  /// Ingests one message; returns the stored message's conversation (or -1 when refused:
  /// unknown number, invalid phone, duplicate provider id).
  std::int64_t ingest(const inbound_request& r, millis at);
  /// Ingests a batch in order; `acks` receives one conversation id (or -1) per message.
  void ingest_batch(const std::vector<inbound_request>& batch, millis at,
                    std::vector<std::int64_t>& acks);

  /// Marks conversation `c` read for staff member `s` (shared mode: for everyone).
  void mark_read(std::size_t s, std::uint32_t c);

  [[nodiscard]] badge badge_of(std::size_t s) const { return staff_[s].badge_value; }
  /// The first `limit` rows of staff member `s`'s inbox (folder inbox), optionally only the
  /// conversations assigned to `assignee` (>= 0) or only unread ones.
  [[nodiscard]] std::vector<inbox_row> list(std::size_t s, std::size_t limit, int assignee = -1,
                                            bool unread_only = false) const;
  [[nodiscard]] std::size_t conversations() const noexcept { return convs_.size(); }
  [[nodiscard]] std::size_t alerts_of(std::size_t s) const { return staff_[s].alerts.size(); }

 private:
  static constexpr std::uint32_t nil = UINT32_MAX;

  struct conversation {
    std::uint32_t number = 0;
    std::string phone;
    int assignee = -1;
    millis last_activity = 0;
    std::uint64_t inbound_count = 0;
    std::uint64_t message_count = 0;
    std::uint64_t shared_seen = 0;
    bool archived = false;
    bool hidden = false;
    std::string preview;
    std::vector<message>
        messages;  // append-only: a vector, not a deque (a deque costs ~600 B at its first element)
  };
  // One per (conversation, staff member), stored conversation-major (index c * staff + s)
  // so that a message touches one contiguous run of nodes, not one cache line per staff.
  struct node {
    std::uint32_t prev = nil, next = nil;
    std::uint64_t seen = 0;  ///< per-staff read point
    std::uint8_t flags = 0;  ///< bit 0 listed, bit 1 muted
  };
  struct staff_state {
    std::uint32_t head = nil;
    bool subscribe_all = false;
    badge badge_value;
    std::deque<alert> alerts;
    alert_id next_alert = 1;
  };

  [[nodiscard]] node& at(std::uint32_t c, std::size_t s) { return nodes_[c * staff_.size() + s]; }
  [[nodiscard]] const node& at(std::uint32_t c, std::size_t s) const {
    return nodes_[c * staff_.size() + s];
  }
  [[nodiscard]] std::uint64_t unread_of(std::size_t s, std::uint32_t c) const;
  [[nodiscard]] bool counts_in_badge(std::size_t s, std::uint32_t c) const;
  void unlink(std::size_t s, std::uint32_t c);
  void link_in_order(std::size_t s, std::uint32_t c);

  std::vector<std::string> numbers_;
  std::unordered_map<std::string, std::uint32_t> number_index_;
  std::unordered_map<std::string, std::uint32_t> conv_index_;  // number index + phone
  std::unordered_map<std::string, std::pair<std::uint32_t, message_id>> providers_;
  std::vector<conversation> convs_;
  std::vector<staff_state> staff_;
  std::vector<node> nodes_;
  read_status_mode mode_;
  bool normalize_;
  message_id next_message_ = 1;
};

}  // namespace msgcenter::bench
