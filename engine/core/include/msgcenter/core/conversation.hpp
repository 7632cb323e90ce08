// A conversation's shared state and the rules of spec.md "Messages", "Folders",
// "Read status mode" and the shared half of "Pin, mute, archive, hide" and "Assignment".
//
// Invariants:
//  - `inbound_count_` counts visible (non-system) inbound messages; a read point says how many
//    of them a reader has seen, so unread_count = inbound_count_ - seen.
//  - system messages are stored but change no folder, unread count, ordering or hidden flag.
//  - message times never go backwards: an earlier `at` is raised to the latest time seen.
// Not thread-safe: owned by one conversation actor.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "msgcenter/core/access.hpp"
#include "msgcenter/core/directory.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// How far a reader has read.
struct read_point {
  std::uint64_t seen = 0;      ///< visible inbound messages read
  bool marked_unread = false;  ///< mark_unread keeps the folder `unread` even at count 0
  std::uint32_t epoch = 0;     ///< the directory's read_mode_epoch when set
  std::uint64_t stamp = 0;     ///< order of reads within the conversation (latest wins)
  friend bool operator==(const read_point& a, const read_point& b) {
    return a.seen == b.seen && a.marked_unread == b.marked_unread;
  }
};

/// Bits of the `types` filter a conversation matches.
enum type_flag : std::uint8_t {
  type_manual = 1,
  type_campaign = 2,
  type_notification = 4,
  type_failed = 8,
};

/// Everything an inbox needs about a conversation, with one viewer's read point.
/// A plain value: sent from conversation actors to inbox actors.
struct conversation_view {
  conversation_id id = 0;
  /// Increases with every change the conversation propagates: an inbox ignores a view older
  /// than the one it holds (updates reach it by more than one path). 0: unversioned.
  std::uint64_t version = 0;
  std::string number;
  std::string phone;
  std::string location;
  std::optional<contact_card> contact;
  millis last_activity = 0;
  direction last_direction = direction::in;
  bool has_messages = false;  ///< holds a visible message (else it is not listed)
  std::string preview;        ///< first 100 characters of the last visible message
  bool archived = false;
  bool hidden = false;
  std::string assignee;
  std::uint64_t message_count = 0;  ///< visible messages
  std::uint8_t types = 0;           ///< type_flag bits
  std::uint64_t inbound_count = 0;
  read_point read;  ///< the viewer's effective read point

  [[nodiscard]] folder current_folder() const noexcept;
  [[nodiscard]] std::uint64_t unread_count() const noexcept;
  /// Unread for badge purposes: folder unread.
  [[nodiscard]] bool unread() const noexcept { return current_folder() == folder::unread; }
};

/// Everything conversation_state holds except its messages: what the store saves and
/// recovery restores. A plain value.
struct conversation_image {
  conversation_id id = 0;
  std::string number;
  std::string phone;
  std::string location;
  std::optional<contact_card> contact;
  millis created_at = 0;
  millis last_time = 0;
  millis last_activity = 0;
  direction last_direction = direction::in;
  std::string preview;
  bool archived = false;
  bool hidden = false;
  std::string assignee;
  std::string last_manual_sender;
  std::uint64_t message_count = 0;
  std::uint64_t inbound_count = 0;
  std::uint64_t inbound_at_last_outbound = 0;
  std::uint8_t types = 0;
  std::uint64_t failed_count = 0;
  read_point shared_read;
  std::map<std::string, read_point> staff_read;
  std::uint64_t read_stamp = 0;
};

/// What applying a message did, for the actor to propagate.
struct append_effects {
  bool unarchived = false;
  bool unhidden = false;
  bool visible = false;  ///< a thread message (not system)
};

class conversation_state {
 public:
  conversation_state(conversation_id id, std::string number, std::string phone,
                     std::string location, millis created_at);

  /// Restores a conversation saved with image(), with its messages (oldest first).
  conversation_state(const conversation_image& image, std::vector<message> messages);
  [[nodiscard]] conversation_image image() const;

  [[nodiscard]] conversation_id id() const noexcept { return id_; }
  [[nodiscard]] const std::string& number() const noexcept { return number_; }
  [[nodiscard]] const std::string& phone() const noexcept { return phone_; }
  [[nodiscard]] const std::string& location() const noexcept { return location_; }
  [[nodiscard]] const std::optional<contact_card>& contact() const noexcept { return contact_; }
  [[nodiscard]] const std::string& assignee() const noexcept { return assignee_; }
  [[nodiscard]] bool archived() const noexcept { return archived_; }
  [[nodiscard]] bool hidden() const noexcept { return hidden_; }
  [[nodiscard]] millis last_time() const noexcept { return last_time_; }
  [[nodiscard]] millis last_activity() const noexcept { return last_activity_; }
  [[nodiscard]] direction last_direction() const noexcept { return last_direction_; }
  [[nodiscard]] const std::string& preview() const noexcept { return preview_; }
  [[nodiscard]] std::uint64_t message_count() const noexcept { return message_count_; }
  [[nodiscard]] std::uint64_t inbound_count() const noexcept { return inbound_count_; }
  [[nodiscard]] std::uint8_t types() const noexcept { return types_; }
  /// Holds a visible message (else it is not listed).
  [[nodiscard]] bool has_messages() const noexcept { return message_count_ > 0; }
  /// The folder and unread count a reader at `p` sees (the same rule as conversation_view's,
  /// without building a view).
  [[nodiscard]] folder folder_for(const read_point& p) const noexcept;
  [[nodiscard]] std::uint64_t unread_for(const read_point& p) const noexcept {
    return inbound_count_ > p.seen ? inbound_count_ - p.seen : 0;
  }
  [[nodiscard]] const std::string& last_manual_sender() const noexcept {
    return last_manual_sender_;
  }
  /// Messages held in memory, oldest first.
  [[nodiscard]] const std::vector<message>& messages() const noexcept { return messages_; }
  [[nodiscard]] const message* find(message_id id) const;

  /// The time an operation at `requested` takes effect: never before the latest time seen.
  [[nodiscard]] millis effective_time(millis requested) const noexcept;

  /// Appends a message (its id, direction, kind, author set by the caller; `at` is raised to
  /// effective_time) and applies the folder transitions: inbound unarchives and unhides;
  /// a manual outbound unarchives, unhides and marks read for its author; campaign and
  /// notification sends unhide only; system messages change nothing but the store.
  append_effects append(message m, const directory& dir);

  /// Opening / mark_read: the viewer has read everything. Shared mode moves the shared point;
  /// per-staff mode moves only the viewer's own point.
  void mark_read(const std::string& viewer, const directory& dir);
  /// mark_unread: unread count becomes the inbound messages since the last outbound.
  void mark_unread(const std::string& viewer, const directory& dir);
  /// The viewer's read point under the business's current mode. Shared mode: the latest read
  /// or unread by anyone. Per-staff mode: the viewer's own, taken since the last switch of
  /// mode; else where everyone was at that switch.
  [[nodiscard]] read_point read_point_for(const std::string& viewer, const directory& dir) const;

  void set_archived(bool v) noexcept { archived_ = v; }
  void set_hidden(bool v) noexcept { hidden_ = v; }
  void set_assignee(std::string staff) { assignee_ = std::move(staff); }
  void link(std::optional<contact_card> c) { contact_ = std::move(c); }

  /// Records the carrier's id of an outbound message; false when not held here.
  bool set_provider_id(message_id id, std::string provider_id);
  /// Records a delivery status of an outbound message (forward only); an inbound message
  /// keeps `received`. False when the message is not held here.
  bool update_status(message_id id, message_status status, std::string error_code);

  [[nodiscard]] access_subject subject(const business_settings& settings) const;
  [[nodiscard]] access access_for(const staff_member& staff, const directory& dir) const;
  /// The view for one viewer (read point included).
  [[nodiscard]] conversation_view view_for(const std::string& viewer, const directory& dir) const;

 private:
  void set_read_point(const std::string& viewer, read_point p, const directory& dir);

  conversation_id id_;
  std::string number_;
  std::string phone_;
  std::string location_;
  std::optional<contact_card> contact_;
  millis created_at_;
  millis last_time_;      ///< latest time of any message (incl. system), for monotonic `at`
  millis last_activity_;  ///< time of the last visible message, or creation
  direction last_direction_ = direction::in;
  std::string preview_;
  bool archived_ = false;
  bool hidden_ = false;
  std::string assignee_;
  std::string last_manual_sender_;
  std::uint64_t message_count_ = 0;
  std::uint64_t inbound_count_ = 0;
  std::uint64_t inbound_at_last_outbound_ = 0;
  std::uint8_t types_ = 0;
  std::uint64_t failed_count_ = 0;
  read_point shared_read_;
  std::map<std::string, read_point> staff_read_;
  std::uint64_t read_stamp_ = 0;  ///< stamps read points, so the latest read wins
  std::vector<message>
      messages_;  ///< oldest first (a vector: no 512-byte deque block per conversation)
};

}  // namespace msgcenter
