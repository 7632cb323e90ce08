#!/usr/bin/env bash
# Installs what is missing, builds msgcenter with its tests, and runs every test.
#   scripts/test.sh            normal build (build/)
#   scripts/test.sh --asan     AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dir=build
extra=()
if [ "${1:-}" = "--asan" ]; then
  dir=build-asan
  extra=(-DMSGCENTER_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug)
fi
jobs=$(nproc)
cmake -S . -B "$dir" -DMSGCENTER_BUILD_TESTS=ON -DMSGCENTER_BUILD_EXAMPLES=ON "${extra[@]}" > /dev/null
cmake --build "$dir" -j"$jobs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$dir" && ctest --output-on-failure -j"$jobs"
