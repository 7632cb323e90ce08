// A process to kill: ingests bursts into a durable engine and prints, after each batch is
// acknowledged, the provider ids it acknowledged (one per line, flushed). The crash test
// kills it with SIGKILL at random moments and checks that every printed id survived.
//
// usage: crash_child DIR FIRST_ID
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "msgcenter/message_center.hpp"

int main(int argc, char** argv) {
  using namespace msgcenter;
  if (argc != 3) return 2;
  options o;
  o.data_dir = argv[1];
  auto opened = message_center::open(o);
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto& mc = *opened.value();
  op_context admin{"crash", "", std::nullopt};
  // Setup is idempotent: a previous child may have been killed half-way through it.
  if (!mc.business_put(admin, {"Crash Test Gym", "US", "", {}})) return 1;
  if (!mc.number_put(admin, {"+12025550100", "main"})) return 1;
  if (!mc.staff_put(admin, {"desk", "Desk", bit(right::view_messages), {}, true})) return 1;
  std::printf("ready\n");
  std::fflush(stdout);
  unsigned long long next = std::strtoull(argv[2], nullptr, 10);
  for (;;) {
    std::vector<inbound_request> batch;
    for (int i = 0; i < 200; ++i, ++next) {
      auto id = "SMk" + std::to_string(next);
      auto phone = "+1202556" + std::to_string(1000 + next % 500);
      batch.push_back({phone, "+12025550100", id, {}, id, std::nullopt});
    }
    auto results = mc.ingest(admin, batch);
    std::string acked;
    for (std::size_t i = 0; i < results.size(); ++i)
      if (results[i]) acked += batch[i].provider_id + "\n";
    if (!acked.empty()) {
      // Written with one write(2) so a kill never leaves half a line we would trust.
      if (::write(1, acked.data(), acked.size()) < 0) return 1;
    }
  }
}
