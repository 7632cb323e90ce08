#include "msgcenter/server/fair_worker_queue.hpp"

#include <algorithm>
#include <utility>

namespace msgcenter::server {

fair_worker_queue::fair_worker_queue(executor run, std::size_t per_key)
    : run_(std::move(run)), per_key_(std::max<std::size_t>(1, per_key)) {}

void fair_worker_queue::submit(const std::string& key, job work) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto& l = lines_[key];
    if (l.running >= per_key_) {
      l.waiting.push_back(std::move(work));
      ++waiting_;
      return;
    }
    ++l.running;
  }
  start(key, std::move(work));
}

void fair_worker_queue::start(const std::string& key, job work) {
  run_([this, key, work = std::move(work)] {
    // The next job of the line starts even when this one throws.
    struct on_exit {
      fair_worker_queue* q;
      const std::string& key;
      ~on_exit() { q->finished(key); }
    } done{this, key};
    work();
  });
}

void fair_worker_queue::finished(const std::string& key) {
  job next;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = lines_.find(key);
    if (it == lines_.end()) return;
    auto& l = it->second;
    if (l.waiting.empty()) {
      if (--l.running == 0) lines_.erase(it);
      return;
    }
    next = std::move(l.waiting.front());
    l.waiting.pop_front();
    --waiting_;
  }
  start(key, std::move(next));  // the finished job's slot passes to the next in its line
}

std::size_t fair_worker_queue::running(const std::string& key) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = lines_.find(key);
  return it == lines_.end() ? 0 : it->second.running;
}

std::size_t fair_worker_queue::waiting() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return waiting_;
}

}  // namespace msgcenter::server
