// Gathers the signed webhooks of every connection into engine batches (private to the
// server).
//
// A webhook whose signature checked out is submitted with the connection that waits for it
// (a sink) and a tag (its place in that connection's answers). A batch goes to the engine
// (message_center::ingest_then) at once while fewer than `batches_in_flight` are there;
// otherwise webhooks wait and leave together when one finishes, up to `batch_max` per batch.
// So a lone webhook is not delayed, and under load the batches grow with the load, with no
// timer. Each finished batch is handed to each sink once (one post per connection per
// batch), in the order that sink submitted. Status callbacks take the same gate (the engine
// has no batch form for them): one status_then each, answered the same way.
//
// Thread safety: every member function may be called from any thread. Sinks are called on
// engine threads: they must only hand the results over (post to their strand).
// Ownership: the batcher holds each sink until its answer is delivered; close() waits until
// every batch and status call in the engine has answered.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "msgcenter/message_center.hpp"

namespace msgcenter::server {

class webhook_batcher {
 public:
  /// The party waiting for answers: a connection.
  class sink {
   public:
    virtual ~sink() = default;
    /// The answers of this sink's webhooks in one batch, in submission order, as
    /// (tag, result). Errors per webhook: those of message_center::ingest, overloaded (too
    /// many waiting), unavailable (closed).
    virtual void deliver_inbound(
        std::vector<std::pair<std::uint64_t, result<inbound_reply>>> answers) = 0;
    /// The answer of one status callback.
    virtual void deliver_status(std::uint64_t tag, result<status_reply> answer) = 0;
  };

  struct limits {
    std::size_t batches_in_flight = 2;
    std::size_t batch_max = 1000;
    /// Webhooks waiting for a batch slot; more are answered overloaded at once.
    std::size_t max_waiting = 4096;
  };

  webhook_batcher(message_center& engine, limits lim);
  /// Calls close().
  ~webhook_batcher();
  webhook_batcher(const webhook_batcher&) = delete;
  webhook_batcher& operator=(const webhook_batcher&) = delete;

  /// Queues one inbound message (its business is the owner of `req.to`).
  void submit(inbound_request req, std::shared_ptr<sink> to, std::uint64_t tag);
  /// One status callback of business ctx.business.
  void submit_status(const op_context& ctx, status_request req, std::shared_ptr<sink> to,
                     std::uint64_t tag);

  /// Refuses new submissions (unavailable), sends what waits, and returns once every batch
  /// and status call has been answered. Idempotent.
  void close();

  /// Webhooks sent to the engine so far, and in how many batches (for /metrics and tests).
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> sent() const;

 private:
  struct item {
    inbound_request req;
    std::shared_ptr<sink> to;
    std::uint64_t tag;
  };
  /// Takes up to batch_max waiting items for a new batch (mutex_ held); counts it in flight.
  std::vector<item> take_batch_locked();
  void dispatch(std::vector<item> batch);
  void finished(std::vector<item> batch, std::vector<result<inbound_reply>> answers);
  void call_done();

  message_center& engine_;
  const limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  // Guarded by mutex_:
  std::vector<item> waiting_;
  std::size_t batches_in_flight_ = 0;
  std::size_t calls_in_flight_ = 0;  ///< batches and status calls in the engine
  bool closed_ = false;
  std::uint64_t sent_items_ = 0, sent_batches_ = 0;
};

}  // namespace msgcenter::server
