// main() of msgcenter_bench: Google Benchmark's, plus an explicit teardown of the cached
// engine before static destruction (CAF's actor system must not outlive main).
#include <benchmark/benchmark.h>

#include "engine_world.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  msgcenter::bench::drop_cached_world();
  benchmark::Shutdown();
  return 0;
}
