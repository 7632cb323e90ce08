// libFuzzer target for the record decoders (message codec, bounded msgpack decode, journal
// frames, journal and snapshot records). Build with -DMSGCENTER_BUILD_FUZZERS=ON and clang, then
// run e.g.
//   ./build/tests/fuzz/fuzz_codec -max_total_time=60 -rss_limit_mb=512
#include <cstddef>
#include <cstdint>

#include "fuzz_codec_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return msgcenter::fuzz::fuzz_codec_one_input(data, size);
}
