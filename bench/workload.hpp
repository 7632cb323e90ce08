// The workload every scenario and baseline of bench/ shares, so that the figures compare the
// same thing: one business with one number, `conversations` client phones and `staff` staff
// members who all see every conversation (visibility `all`), and a burst of inbound messages
// in which message k goes to conversation (k * stride) mod conversations: every batch of a
// burst touches distinct conversations, the shape of replies to a campaign.
//
// Also small measurement helpers (resident memory, percentiles, temporary directories).
// Header-only; not thread-safe unless said.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "msgcenter/core/operations.hpp"

namespace msgcenter::bench {

/// The business number of the workload (E.164).
inline const std::string kNumber = "+12025550100";
inline const std::string kBusiness = "bench";

/// The phone of client `i` (0 <= i < 80M): distinct, valid US numbers in E.164.
inline std::string client_phone(std::uint64_t i) {
  static const char* const areas[] = {"202", "212", "312", "415", "617",
                                      "305", "713", "206", "303", "404"};
  char buf[24];
  std::snprintf(buf, sizeof buf, "+1%s%03u%04u", areas[(i / 8000000) % 10],
                static_cast<unsigned>(200 + (i / 10000) % 800), static_cast<unsigned>(i % 10000));
  return buf;
}

/// A stride coprime with n, near n * 0.618, so k -> k * stride mod n visits every
/// conversation once per n messages in a scattered order.
inline std::uint64_t stride_for(std::uint64_t n) {
  if (n <= 1) return 1;
  auto s = static_cast<std::uint64_t>(static_cast<double>(n) * 0.6180339887) | 1;
  while (std::gcd(s, n) != 1) s += 2;
  return s % n == 0 ? 1 : s;
}

/// Typical reply bodies; lengths 2..60 characters, all GSM-7.
inline const std::string& body_of(std::uint64_t k) {
  static const std::string bodies[] = {"Yes",
                                       "OK thanks",
                                       "Can I move my appointment to 3pm tomorrow?",
                                       "C",
                                       "Thank you! See you then",
                                       "What time do you open on Saturday?",
                                       "Confirmed",
                                       "Running 10 minutes late, sorry!"};
  return bodies[k % 8];
}

/// Message generator: message k of the burst (provider ids "SMb<k>" are unique).
struct burst_source {
  std::uint64_t conversations = 1000;
  std::uint64_t stride = 1;
  std::string run_tag;  ///< makes provider ids unique across runs against one engine

  explicit burst_source(std::uint64_t n, std::string tag = "")
      : conversations(n), stride(stride_for(n)), run_tag(std::move(tag)) {}

  [[nodiscard]] std::uint64_t conversation_of(std::uint64_t k) const {
    return (k % conversations) * stride % conversations;
  }
  [[nodiscard]] inbound_request message(std::uint64_t k) const {
    inbound_request r;
    r.from = client_phone(conversation_of(k));
    r.to = kNumber;
    r.body = body_of(k);
    r.provider_id = "SM" + run_tag + std::to_string(k);
    return r;
  }
  /// Messages first .. first + n - 1.
  [[nodiscard]] std::vector<inbound_request> batch(std::uint64_t first, std::size_t n) const {
    std::vector<inbound_request> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(message(first + i));
    return out;
  }
};

/// Current resident set size in bytes (/proc/self/statm), 0 when unknown.
inline std::uint64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(f >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

/// Peak resident set size in bytes (VmHWM), 0 when unknown.
inline std::uint64_t peak_rss_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}

/// The p-quantile (0..1) of `v` (sorted in place), nearest-rank; 0 for an empty vector.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(p * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

/// Base directory for benchmark data: $MSGCENTER_BENCH_DIR, else $TMPDIR, else /tmp.
inline std::string bench_base_dir() {
  if (const char* d = std::getenv("MSGCENTER_BENCH_DIR"); d && *d) return d;
  if (const char* d = std::getenv("TMPDIR"); d && *d) return d;
  return "/tmp";
}

/// Creates a fresh directory under bench_base_dir(); empty string on failure.
inline std::string make_temp_dir(const std::string& prefix) {
  std::string pattern = bench_base_dir() + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return {};
  return buf.data();
}

/// Removes a directory tree made by make_temp_dir (best effort).
inline void remove_tree(const std::string& path) {
  std::error_code ec;
  if (!path.empty()) std::filesystem::remove_all(path, ec);
}

using clock_type = std::chrono::steady_clock;

/// utime + stime of process `pid` (0: this process) in clock ticks; 0 when unknown.
inline std::uint64_t process_ticks(int pid = 0) {
  std::ifstream f(pid ? "/proc/" + std::to_string(pid) + "/stat" : std::string("/proc/self/stat"));
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return utime + stime;
}

/// Busy clock ticks of the whole machine (/proc/stat: user nice system irq softirq steal).
inline std::uint64_t machine_busy_ticks() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  std::uint64_t v[8] = {};
  f >> cpu;
  for (auto& x : v) f >> x;
  return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

/// How much CPU other processes used while a measurement ran, in cores (0 = a quiet
/// machine; 1 = another process kept one core busy). Steal time counts as others'.
/// `helper_pid` names a process of the measurement itself (redis-server) not to count.
class cpu_noise {
 public:
  explicit cpu_noise(int helper_pid = 0) : helper_(helper_pid) { start(); }
  void start() {
    t0_ = clock_type::now();
    busy0_ = machine_busy_ticks();
    self0_ = process_ticks() + (helper_ ? process_ticks(helper_) : 0);
  }
  [[nodiscard]] double other_cores() const {
    double secs = std::chrono::duration<double>(clock_type::now() - t0_).count();
    auto busy = machine_busy_ticks() - busy0_;
    auto self = process_ticks() + (helper_ ? process_ticks(helper_) : 0) - self0_;
    if (secs <= 0 || busy < self) return 0;
    return static_cast<double>(busy - self) / static_cast<double>(sysconf(_SC_CLK_TCK)) / secs;
  }

 private:
  int helper_;
  clock_type::time_point t0_;
  std::uint64_t busy0_ = 0, self0_ = 0;
};

inline double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

}  // namespace msgcenter::bench
