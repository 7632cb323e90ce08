// The outbound side of the carrier: where sent messages are handed over.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// One outbound SMS/MMS as handed to the carrier.
struct outbound_sms {
  std::string business;
  conversation_id conversation = 0;
  message_id message = 0;
  message_kind kind = message_kind::manual;
  std::string from;  ///< business number, E.164
  std::string to;    ///< contact phone, E.164
  std::string body;
  std::vector<media_item> media;
};

/// Hands outbound messages to a carrier. Implementations must be thread-safe: submit is
/// called from engine threads and must not block for long (queue and return).
/// `on_accepted` is called exactly once, on any thread, with the carrier's id for the
/// message (e.g. a Twilio MessageSid) or an error; it may be called before submit returns.
class gateway {
 public:
  virtual ~gateway() = default;
  using accepted_fn = std::function<void(result<std::string> provider_id)>;
  virtual void submit(outbound_sms sms, accepted_fn on_accepted) = 0;
};

/// A gateway for tests, demos and replay: accepts everything at once and assigns provider
/// ids "SMlocal<N>". Remembers what it was handed. Thread-safe.
class local_gateway : public gateway {
 public:
  void submit(outbound_sms sms, accepted_fn on_accepted) override {
    std::string id;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      id = "SMlocal" + std::to_string(++counter_);
      sent_.push_back(std::move(sms));
    }
    on_accepted(id);
  }
  /// Everything submitted so far, in order.
  std::vector<outbound_sms> sent() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  std::uint64_t counter_ = 0;
  std::vector<outbound_sms> sent_;
};

}  // namespace msgcenter
