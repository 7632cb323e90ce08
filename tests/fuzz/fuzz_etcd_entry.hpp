// The body of the etcd response fuzz target, shared by the libFuzzer binary
// (fuzz_etcd_response.cpp) and by the gtest that replays random and mutated inputs in every
// normal test run (tests/cluster/test_fuzz_etcd.cpp).
//
// Properties checked on every input (a violation aborts, which the fuzzer reports):
// - no parser throws or crashes, whatever the bytes;
// - every refusal is errc::unavailable with a message starting "etcd: ", or one of the
//   codes a gateway error object maps to;
// - base64 that decodes re-encodes to the same text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "msgcenter/cluster/base64.hpp"
#include "msgcenter/cluster/etcd_codec.hpp"

namespace msgcenter::fuzz {

inline void etcd_check(bool ok) {
  if (!ok) std::abort();
}

template <class R>
void etcd_check_refusal(const R& r) {
  if (r.ok()) return;
  const auto& e = r.error();
  etcd_check(e.message.rfind("etcd: ", 0) == 0);
  etcd_check(e.code == errc::unavailable || e.code == errc::not_found ||
             e.code == errc::invalid_argument || e.code == errc::conflict);
}

inline int fuzz_etcd_response_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t limit = 64 * 1024;
  etcd_check_refusal(cluster::parse_range_response(text, limit));
  etcd_check_refusal(cluster::parse_write_response(text, limit));
  etcd_check_refusal(cluster::parse_txn_response(text, limit));
  etcd_check_refusal(cluster::parse_lease_grant_response(text, limit));
  etcd_check_refusal(cluster::parse_keepalive_response(text, limit));
  etcd_check_refusal(cluster::parse_revoke_response(text, limit));
  etcd_check_refusal(cluster::parse_watch_message(text, limit));
  if (auto decoded = cluster::base64_decode(text))
    etcd_check(cluster::base64_encode(*decoded) == text);
  return 0;
}

}  // namespace msgcenter::fuzz
