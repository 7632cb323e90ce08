// libFuzzer target for JSON request bodies: the size/depth-limited parser and the mapping
// of bodies and query strings onto protocol requests for every route.
//   ./build-fuzz/tests/fuzz/fuzz_http_json -max_total_time=60 -rss_limit_mb=512
#include <cstddef>
#include <cstdint>

#include "fuzz_http_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return msgcenter::fuzz::fuzz_http_json_one_input(data, size);
}
