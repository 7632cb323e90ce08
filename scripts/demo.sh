#!/usr/bin/env bash
# The main job: installs what is missing, builds msgcenter, and replays a demo day of a
# spa's shared inbox, printing the protocol results and then the front desk's inbox.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j"$(nproc)" --target msgcenter_cli
build/cli/msgcenter replay examples/demo/spa_day.jsonl --show-inbox lotus:maya
