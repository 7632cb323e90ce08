// How actors make their state changes durable before they acknowledge them.
//
// An actor hands each record to a journal_port and continues (replies, propagates) only in
// the continuation, which runs on the actor itself once the record's group commit returned
// with sync. Without a port (memory-only engine) the continuation runs at once.
#pragma once

#include <caf/all.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "msgcenter/core/error.hpp"

namespace msgcenter::actors {

/// Whether a journal takes new work (persistence::journal_admission).
enum class admission : std::uint8_t { open, busy, failed };

/// Where records go. Thread-safe; `done` runs exactly once, on any thread.
class journal_port {
 public:
  virtual ~journal_port() = default;
  virtual void append(std::string record, std::function<void(status)> done) = 0;
  /// Asked before any work changes state: `busy` and `failed` refuse it up front, so a
  /// refused operation leaves nothing in memory. Cheap (called for every request).
  [[nodiscard]] virtual admission admit() const noexcept { return admission::open; }
};

/// The acknowledgement of one record, posted back to the actor that wrote it.
struct journal_ack {
  std::uint64_t token = 0;
  status outcome;
};

}  // namespace msgcenter::actors

// Travels only between actors of one process (see message_types.hpp).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(msgcenter::actors::journal_ack)

namespace msgcenter::actors {

/// Per-actor bookkeeping of records waiting for their commit. Not thread-safe: used by its
/// actor only.
class durability {
 public:
  durability(caf::event_based_actor* self, std::shared_ptr<journal_port> port)
      : self_(self), port_(std::move(port)) {}

  [[nodiscard]] bool durable() const noexcept { return port_ != nullptr; }

  /// The refusal for new work, if the journal takes none now: `overloaded` while its queue
  /// is half full, `unavailable` for good once a commit failed (fail-stop: answering from
  /// memory then could acknowledge, or call a duplicate, what never became durable).
  [[nodiscard]] std::optional<error> refusal() const {
    if (!port_) return std::nullopt;
    switch (port_->admit()) {
      case admission::open:
        return std::nullopt;
      case admission::busy:
        return make_error(errc::overloaded, "the journal is behind; retry later");
      case admission::failed:
        return make_error(errc::unavailable,
                          "the journal stopped after a failed commit: nothing is taken until "
                          "the engine is restarted");
    }
    return std::nullopt;
  }

  /// Writes `record`, then runs `then` on this actor with the outcome.
  void write(std::string record, std::function<void(status)> then) {
    if (!port_) {
      then(unit{});
      return;
    }
    auto token = next_++;
    waiting_.emplace(token, std::move(then));
    auto me = caf::actor_cast<caf::actor>(self_);
    port_->append(std::move(record), [me, token](status s) {
      caf::anon_send(me, journal_ack{token, std::move(s)});
    });
  }

  /// Runs the continuation of an acknowledged record (add to the actor's behavior).
  void on_ack(journal_ack& ack) {
    auto it = waiting_.find(ack.token);
    if (it == waiting_.end()) return;
    auto then = std::move(it->second);
    waiting_.erase(it);
    then(std::move(ack.outcome));
  }

 private:
  caf::event_based_actor* self_;
  std::shared_ptr<journal_port> port_;
  std::uint64_t next_ = 1;
  std::unordered_map<std::uint64_t, std::function<void(status)>> waiting_;
};

}  // namespace msgcenter::actors
