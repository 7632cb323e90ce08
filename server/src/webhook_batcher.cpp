#include "webhook_batcher.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace msgcenter::server {

webhook_batcher::webhook_batcher(message_center& engine, limits lim)
    : engine_(engine), limits_(lim) {}

webhook_batcher::~webhook_batcher() { close(); }

void webhook_batcher::submit(inbound_request req, std::shared_ptr<sink> to, std::uint64_t tag) {
  std::vector<item> batch;
  std::optional<error> refusal;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (closed_)
      refusal = make_error(errc::unavailable, "the server is shutting down");
    else if (waiting_.size() >= limits_.max_waiting)
      refusal = make_error(errc::overloaded, "too many webhooks waiting; retry later");
    else {
      waiting_.push_back(item{std::move(req), std::move(to), tag});
      // Nobody would take these soon: send them now.
      if (batches_in_flight_ < limits_.batches_in_flight) batch = take_batch_locked();
    }
  }
  if (refusal) {
    std::vector<std::pair<std::uint64_t, result<inbound_reply>>> one;
    one.emplace_back(tag, result<inbound_reply>(*refusal));
    return to->deliver_inbound(std::move(one));
  }
  if (!batch.empty()) dispatch(std::move(batch));
}

std::vector<webhook_batcher::item> webhook_batcher::take_batch_locked() {
  std::vector<item> batch;
  if (waiting_.empty()) return batch;
  if (waiting_.size() <= limits_.batch_max) {
    batch.swap(waiting_);
  } else {
    auto end = waiting_.begin() + static_cast<std::ptrdiff_t>(limits_.batch_max);
    batch.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(end));
    waiting_.erase(waiting_.begin(), end);
  }
  ++batches_in_flight_;
  ++calls_in_flight_;
  sent_items_ += batch.size();
  ++sent_batches_;
  return batch;
}

void webhook_batcher::dispatch(std::vector<item> batch) {
  std::vector<inbound_request> requests;
  requests.reserve(batch.size());
  for (auto& it : batch) requests.push_back(std::move(it.req));
  auto held = std::make_shared<std::vector<item>>(std::move(batch));
  // An empty business: each message goes to the owner of its `to`, the number whose
  // account signed it (the engine groups the batch per shard).
  engine_.ingest_then({}, std::move(requests),
                      [this, held](std::vector<result<inbound_reply>> answers) {
                        finished(std::move(*held), std::move(answers));
                      });
}

void webhook_batcher::finished(std::vector<item> batch,
                               std::vector<result<inbound_reply>> answers) {
  // One delivery per sink, in submission order. Sinks are few per batch (connections).
  std::vector<std::pair<sink*, std::vector<std::pair<std::uint64_t, result<inbound_reply>>>>>
      per_sink;
  std::unordered_map<sink*, std::size_t> slot;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto* s = batch[i].to.get();
    auto [it, fresh] = slot.emplace(s, per_sink.size());
    if (fresh)
      per_sink.emplace_back(s, std::vector<std::pair<std::uint64_t, result<inbound_reply>>>{});
    per_sink[it->second].second.emplace_back(
        batch[i].tag, i < answers.size()
                          ? std::move(answers[i])
                          : result<inbound_reply>(make_error(errc::unavailable, "lost")));
  }
  for (auto& [s, list] : per_sink) s->deliver_inbound(std::move(list));
  batch.clear();  // the sinks go before the gate opens: close() means nobody holds them
  std::vector<item> next;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    --batches_in_flight_;
    --calls_in_flight_;
    next = take_batch_locked();
    if (calls_in_flight_ == 0) idle_.notify_all();
  }
  if (!next.empty()) dispatch(std::move(next));
}

void webhook_batcher::submit_status(const op_context& ctx, status_request req,
                                    std::shared_ptr<sink> to, std::uint64_t tag) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!closed_)
      ++calls_in_flight_;
    else
      return to->deliver_status(tag, make_error(errc::unavailable, "the server is shutting down"));
  }
  engine_.status_then(ctx, std::move(req), [this, to, tag](result<status_reply> answer) mutable {
    to->deliver_status(tag, std::move(answer));
    to.reset();
    call_done();
  });
}

void webhook_batcher::call_done() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (--calls_in_flight_ == 0) idle_.notify_all();
}

void webhook_batcher::close() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    closed_ = true;
    // What still waits goes out as the batches in flight finish (finished() takes them);
    // wait for all of it.
    idle_.wait(lock, [&] { return calls_in_flight_ == 0 && waiting_.empty(); });
  }
}

std::pair<std::uint64_t, std::uint64_t> webhook_batcher::sent() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return {sent_items_, sent_batches_};
}

}  // namespace msgcenter::server
