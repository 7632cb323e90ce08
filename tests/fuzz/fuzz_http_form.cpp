// libFuzzer target for the HTTP form / query / URL parsers and request-target routing.
// Build with -DMSGCENTER_BUILD_FUZZERS=ON and clang, then run e.g.
//   ./build-fuzz/tests/fuzz/fuzz_http_form -max_total_time=60 -rss_limit_mb=512
#include <cstddef>
#include <cstdint>

#include "fuzz_http_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return msgcenter::fuzz::fuzz_http_form_one_input(data, size);
}
