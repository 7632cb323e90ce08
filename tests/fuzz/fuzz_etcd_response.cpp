// libFuzzer target for etcd gateway responses (untrusted bytes from the network): every
// parser of cluster/etcd_codec.hpp and base64.
//   ./build-fuzz/tests/fuzz/fuzz_etcd_response -max_total_time=60 -rss_limit_mb=512
#include <cstddef>
#include <cstdint>

#include "fuzz_etcd_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return msgcenter::fuzz::fuzz_etcd_response_one_input(data, size);
}
