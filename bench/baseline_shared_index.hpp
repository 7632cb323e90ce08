// The shared-index baseline: the plain single-threaded C++ bound of engine v2's memory layout
// (/work/shared engine-v2.md sections 3.2 and 3.3), measured by BM_SharedIndexBaseline.
//
// It is a model, not engine code: no CAF, no actors, no persistence, no msgcenter types. What
// it keeps is the layout the target engine will have, so that its speed and its bytes per
// conversation are the bound the rebuilt engine is judged against (engine-v2.md section 4):
//   - one dense `summary` per conversation, shared by every viewer (no copy per staff member);
//   - preview, body and provider-id bytes appended to one arena (the preview is a reference to
//     the body of the last message, not a copy);
//   - (number, phone) -> dense u32 conversation index through an interned u32 phone and one
//     absl::flat_hash_map<u64, u32>;
//   - dedup by a 64-bit XXH3 fingerprint of the provider id, checked exactly against the
//     stored provider id on a hit;
//   - an intrusive recency list (u32 prev/next in the summary) for listing, and a second one
//     per assignee, both O(1) move-to-front in a burst;
//   - badges in shared read mode: counters per audience class (staff with the same visibility)
//     plus a correction per staff member who muted the conversation;
//   - alerts: the recipients evaluated once on dense u16 staff ids (the assignee if any, else
//     every staff member who can see it, plus subscribe_all, minus those in the mute bitmask),
//     each gets one 16-byte entry in a fixed ring;
//   - listing is lazy: the first page walks the recency list and computes each row's folder
//     from the summary and the read point, materializing only the rows of the page.
//
// Shared read mode only (one read point per conversation): per_staff mode's sparse read-point
// table is not modelled. Staff ids >= 64 keep their mutes in a sparse side set.
// Not thread-safe: one thread owns an instance.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace msgcenter::bench {

class shared_index_store {
 public:
  static constexpr std::uint32_t nil = UINT32_MAX;
  static constexpr std::uint16_t no_staff = UINT16_MAX;
  /// Alerts kept per staff member (the engine's kMaxAlertsKept, rounded up to a power of two).
  static constexpr std::size_t kRingSize = 16384;

  /// One inbound message as the prepare stage would hand it over (views into the caller's
  /// buffers; the store copies what it keeps).
  struct inbound {
    std::string_view from, to, body, provider_id;
    std::int64_t at = 0;
  };
  enum class folder : std::uint8_t { unread, read, replied, archived };
  /// One row of a page: views into the store, valid until the next ingest.
  struct row {
    std::uint32_t conversation = 0;
    std::string_view number, phone, preview;
    std::int64_t last_activity = 0;
    std::uint32_t message_count = 0;
    std::uint32_t unread = 0;
    folder current = folder::read;
    bool muted = false;
    std::uint16_t assignee = no_staff;
  };
  struct badge {
    std::int64_t unread_conversations = 0;
    std::int64_t unread_messages = 0;
  };
  /// One alert ring entry: 16 bytes (the alert id is the ring position).
  struct alert_entry {
    std::uint32_t conversation;
    std::uint32_t message;
    std::int64_t at;
  };
  static_assert(sizeof(alert_entry) == 16);

  /// `staff` staff members, all in one audience class that sees every conversation (the
  /// workload of bench/workload.hpp: visibility `all`). Their alert rings are allocated here,
  /// so memory measured after construction is what grows with conversations.
  explicit shared_index_store(std::size_t staff);

  void add_number(std::string_view e164);
  void set_subscribe_all(std::uint16_t s, bool on);
  void assign(std::uint32_t c, std::uint16_t s);
  void mute(std::uint16_t s, std::uint32_t c);
  void mark_read(std::uint32_t c);  ///< shared read mode: for everyone

  /// Ingests one message; returns its conversation, or nil when refused (unknown number,
  /// duplicate provider id).
  std::uint32_t ingest(const inbound& m);

  /// The first `limit` rows of staff member s's inbox (folder filter `inbox`: all but
  /// archived), newest activity first. `out` is reused across calls.
  void first_page(std::uint16_t s, std::size_t limit, std::vector<row>& out) const;

  [[nodiscard]] badge badge_of(std::uint16_t s) const;
  [[nodiscard]] std::uint64_t alerts_of(std::uint16_t s) const { return staff_[s].alerts_total; }
  [[nodiscard]] const alert_entry& alert_at(std::uint16_t s, std::uint64_t k) const {
    return staff_[s].ring[k & (kRingSize - 1)];
  }
  [[nodiscard]] std::size_t conversations() const noexcept { return summaries_.size(); }
  [[nodiscard]] std::size_t messages() const noexcept { return log_.size(); }
  [[nodiscard]] std::uint32_t message_count(std::uint32_t c) const {
    return summaries_[c].msg_count;
  }
  [[nodiscard]] std::uint32_t unread_of(std::uint32_t c) const;
  [[nodiscard]] std::uint32_t find(std::string_view number, std::string_view phone) const;
  /// Bytes held by the structures that grow with conversations and messages (from container
  /// capacities; alert rings and staff slots excluded).
  [[nodiscard]] std::size_t capacity_bytes() const;

 private:
  // Append-only byte arena in fixed chunks: offsets stay valid and nothing moves on growth.
  class arena {
   public:
    static constexpr std::size_t kChunk = 1 << 20;
    std::uint64_t append(std::string_view a, std::string_view b = {});
    [[nodiscard]] std::string_view view(std::uint64_t off, std::size_t n) const {
      return {chunks_[off / kChunk].get() + off % kChunk, n};
    }
    [[nodiscard]] std::size_t bytes() const { return chunks_.size() * kChunk; }

   private:
    std::vector<std::unique_ptr<char[]>> chunks_;
    std::size_t pos_ = 0;  // first free byte of the last chunk
  };

  // The shared conversation summary (engine-v2.md section 3.2), dense by conversation index.
  struct summary {
    std::int64_t last_time = 0, last_activity = 0;
    std::uint64_t preview_off = 0;  // arena offset of the last message's body
    std::uint64_t muted_by = 0;     // bit s: staff member s (< 64) muted it
    std::uint32_t id = 0;
    std::uint32_t phone = 0;  // interned phone index
    std::uint32_t contact = nil;
    std::uint32_t msg_count = 0, in_count = 0, in_at_last_out = 0, failed = 0;
    std::uint32_t shared_seen = 0;  // read point (shared mode): inbound messages seen
    std::uint32_t version = 0;
    std::uint32_t prev = nil, next = nil;            // main recency list
    std::uint32_t prev_own = nil, next_own = nil;    // assignee's recency list
    std::uint32_t last_message = nil;                // index into log_
    std::uint16_t number = 0;
    std::uint16_t assignee = no_staff, last_sender = no_staff;
    std::uint16_t preview_len = 0;
    std::uint8_t flags = 0;  // kArchived, kHidden, kSideMutes
    std::uint8_t types = 0;
    std::uint8_t last_dir = 0;  // 0 in, 1 out
  };
  static constexpr std::uint8_t kArchived = 1, kHidden = 2, kSideMutes = 4;

  // Memory-only message log entry: a 32-byte header; body then provider id in the arena.
  struct message_header {
    std::uint64_t bytes_off;
    std::int64_t at;
    std::uint32_t conversation;
    std::uint32_t prev_in_conversation;
    std::uint16_t body_len;
    std::uint8_t pid_len;
    std::uint8_t dir;
  };
  static_assert(sizeof(message_header) == 32);

  struct audience_class {
    std::vector<std::uint16_t> members;
    badge counts;  // before mute corrections
  };
  struct staff_slot {
    std::uint8_t audience = 0;
    bool subscribe_all = false;
    badge correction;  // what this member's mutes take off the class counters
    std::uint32_t own_head = nil;  // list of conversations assigned to them
    std::uint64_t alerts_total = 0;
    std::unique_ptr<alert_entry[]> ring;
  };

  // Debian's Abseil is built with its own string_view type (not std's): convert at the edge.
  static absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }
  [[nodiscard]] bool muted(std::uint16_t s, std::uint32_t c) const;
  [[nodiscard]] bool counts_in_badge(const summary& v) const {
    return !(v.flags & (kArchived | kHidden));
  }
  // Calls f(s) for each staff member who muted c.
  template <class F>
  void for_each_muter(std::uint32_t c, F&& f) const;
  void unlink_main(std::uint32_t c);
  void link_main(std::uint32_t c);  // last_activity descending, ties newest update first
  void unlink_own(std::uint32_t c);
  void link_own(std::uint32_t c);
  std::uint32_t create(std::uint16_t number, std::string_view phone, std::int64_t at);
  void push_alert(std::uint16_t s, std::uint32_t c, std::uint32_t m, std::int64_t at);

  arena bytes_;
  std::vector<summary> summaries_;
  std::vector<message_header> log_;
  std::vector<std::string> numbers_;
  absl::flat_hash_map<std::string, std::uint16_t> number_index_;
  std::vector<std::uint64_t> phone_off_;  // interned phone -> arena offset (length in phone_len_)
  std::vector<std::uint8_t> phone_len_;
  absl::flat_hash_map<absl::string_view, std::uint32_t> phone_index_;  // views into bytes_
  absl::flat_hash_map<std::uint64_t, std::uint32_t> conv_index_;      // number << 32 | phone
  absl::flat_hash_map<std::uint64_t, std::uint32_t> dedup_;  // XXH3(provider id) -> message
  absl::flat_hash_set<std::string> dedup_collisions_;       // exact ids after a 64-bit clash
  absl::flat_hash_set<std::uint64_t> side_mutes_;             // c << 16 | s, for s >= 64
  std::vector<audience_class> classes_;
  std::vector<staff_slot> staff_;
  std::vector<std::uint16_t> subscribers_;  // subscribe_all staff
  std::uint32_t head_ = nil;                // main recency list
};

}  // namespace msgcenter::bench
