// BM_SharedIndexBaseline: engine v2's layout as plain C++ (baseline_shared_index.hpp).
#include <benchmark/benchmark.h>
