// Per-credential rate limits: one token bucket per key (a staff token's hash, the admin
// key, a webhook's business), refilled continuously.
//
// Thread safety: allow() may be called from any thread at once (one mutex; the critical
// section is a hash lookup and two multiplications).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace msgcenter::server {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  /// `per_second` tokens are added per second up to `burst`. per_second <= 0 disables limits.
  rate_limiter(double per_second, double burst);

  /// Takes one token from `key`'s bucket. False (answer 429) when the bucket is empty.
  [[nodiscard]] bool allow(const std::string& key, clock::time_point now = clock::now());

  /// Whether allow(key) would succeed now, without taking a token (failed sign-ins: a
  /// source that used up its failures is refused before its credential is looked at).
  [[nodiscard]] bool has_token(const std::string& key, clock::time_point now = clock::now());

  /// Seconds until `key` has a token again (for Retry-After), at least 1.
  [[nodiscard]] unsigned retry_after_seconds() const;

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point last;
  };
  /// Buckets kept before full (idle) ones are dropped, bounding memory.
  static constexpr std::size_t kMaxBuckets = 100000;

  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace msgcenter::server
