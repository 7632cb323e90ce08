// Replays the etcd response fuzz target's body (tests/fuzz/fuzz_etcd_entry.hpp) over real
// gateway answers, their mutations and random bytes, so every normal test run exercises the
// parsers of untrusted etcd bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_etcd_entry.hpp"

namespace msgcenter::fuzz {
namespace {

TEST(ClusterFuzzEtcd, ResponseParsers_NeverCrash_AndRefuseWithEtcdErrors) {
  const std::vector<std::string> answers = {
      R"({"header":{"revision":"7"},"kvs":[{"key":"eA==","create_revision":"7","mod_revision":"7","version":"1","value":"MQ==","lease":"23"}],"count":"1"})",
      R"({"header":{"revision":"3"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"3"}}}]})",
      R"({"header":{"revision":"2"},"ID":"2324035788890993160","TTL":"2"})",
      R"({"result":{"header":{"revision":"6"},"ID":"9","TTL":"2"}})",
      R"({"result":{"header":{"revision":"6"},"events":[{"type":"DELETE","kv":{"key":"eA==","mod_revision":"6"}}]}})",
      R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})",
      "Zm9v",
      "YQ==",
      "",
  };
  std::mt19937_64 rng(20261203);
  auto feed = [](const std::string& s) {
    fuzz_etcd_response_one_input(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  for (const auto& a : answers) feed(a);
  for (int i = 0; i < 4000; ++i) {
    std::string s = answers[rng() % answers.size()];
    for (int edit = 1 + static_cast<int>(rng() % 6); edit > 0 && !s.empty(); --edit) {
      const std::size_t at = rng() % s.size();
      if (rng() % 2)
        s[at] = "\"{}[]:,0-9AZ=\\\x00\xff"[rng() % 17];
      else
        s.erase(at, 1 + rng() % 4);
    }
    feed(s);
  }
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 200, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    feed(s);
  }
}

}  // namespace
}  // namespace msgcenter::fuzz
