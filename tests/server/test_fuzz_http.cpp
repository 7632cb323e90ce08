// Runs the HTTP fuzz targets' bodies over seeds, random bytes and mutations, so every normal
// test run exercises them (the libFuzzer binaries explore further: tests/fuzz/).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_http_entry.hpp"

namespace msgcenter::fuzz {
namespace {

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> s = {
      "",
      "From=%2B12025550142&To=%2B12025550100&Body=Hi+there&MessageSid=SM1&NumMedia=1&MediaUrl0="
      "https%3A%2F%2Fx",
      "/v1/conversations?folder=unread&limit=5&types=manual,failed",
      "/v1/conversations/c1/messages?mark_read=false&before=m3",
      "/v1/contacts/a%20b/history?limit=-1",
      "/v1/export.csv?conversation=c1&conversation=c2",
      "/v1/consent?phone=%2B1202&number=%zz",
      R"({"action":"assign","staff":"ana"})",
      R"({"op":"send","phone":"+12025550142","body":"x","media":[{"url":"u","content_type":"image/png","size":1}]})",
      R"({"conversation":"c2","action":"archive"})",
      R"({"a":[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]})",
      "{\"body\":\"\xff\xfe\"}",
      "%",
      "%%",
      "a=%2",
      "&&&",
      "==",
      "a=b=c",
      "\x00\x01\x02",
  };
  return s;
}

template <class Fn>
void run_corpus(Fn fn) {
  std::mt19937_64 rng(20261121);
  auto feed = [&](const std::string& s) {
    fn(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  for (const auto& s : seeds()) feed(s);
  const std::string alphabet = "%+&=?/{}[]\":,0123456789abcdefABCDEF cv.\\\x00\xc3\xa9\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string s = seeds()[rng() % seeds().size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
      switch (rng() % 4) {
        case 0:
          s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < s.size()) s.erase(at, 1);
          break;
        case 2:
          if (at < s.size()) s[at] = static_cast<char>(rng() & 0xff);
          break;
        case 3:
          s += seeds()[rng() % seeds().size()];
          break;
      }
    }
    feed(s);
  }
  for (int i = 0; i < 500; ++i) {
    std::string s(rng() % 300, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    feed(s);
  }
}

TEST(ServerFuzzHttp, FormAndRoutingInputs_NeverCrashOrBreakRoundTrips) {
  run_corpus(fuzz_http_form_one_input);
}

TEST(ServerFuzzHttp, JsonBodies_NeverCrash_AndMapOnlyToObjects) {
  run_corpus(fuzz_http_json_one_input);
}

}  // namespace
}  // namespace msgcenter::fuzz
