#include "msgcenter/server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace msgcenter::server {

rate_limiter::rate_limiter(double per_second, double burst)
    : per_second_(per_second), burst_(std::max(1.0, burst)) {}

bool rate_limiter::allow(const std::string& key, clock::time_point now) {
  if (per_second_ <= 0) return true;
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxBuckets) {
      // Drop buckets that have refilled completely: forgetting them changes nothing.
      for (auto b = buckets_.begin(); b != buckets_.end();) {
        double elapsed = std::chrono::duration<double>(now - b->second.last).count();
        if (b->second.tokens + elapsed * per_second_ >= burst_)
          b = buckets_.erase(b);
        else
          ++b;
      }
      if (buckets_.size() >= kMaxBuckets) return false;
    }
    it = buckets_.emplace(key, bucket{burst_, now}).first;
  }
  auto& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool rate_limiter::has_token(const std::string& key, clock::time_point now) {
  if (per_second_ <= 0) return true;
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return true;
  double elapsed = std::chrono::duration<double>(now - it->second.last).count();
  return it->second.tokens + std::max(0.0, elapsed) * per_second_ >= 1.0;
}

unsigned rate_limiter::retry_after_seconds() const {
  if (per_second_ <= 0) return 1;
  return static_cast<unsigned>(std::max(1.0, std::ceil(1.0 / per_second_)));
}

}  // namespace msgcenter::server
