#!/usr/bin/env bash
# The main job: installs what is missing, builds msgcenter, and starts `msgcenter serve` on
# 127.0.0.1:8080 with an embedded LMDB store under ./var and demo data (a spa, its staff with
# printed bearer tokens, contacts and a day of conversations). It ends by printing the staff
# web inbox's URL (http://127.0.0.1:8080/) and the demo token to sign in with (docs/web.md).
# Ctrl-C stops it gracefully.
#   MSGCENTER_ADMIN_KEY  admin key for /v1/admin (default: a random one, printed)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j"$(nproc)" --target msgcenter_cli
if [ -z "${MSGCENTER_ADMIN_KEY:-}" ]; then
  MSGCENTER_ADMIN_KEY=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
  echo "admin key (MSGCENTER_ADMIN_KEY): $MSGCENTER_ADMIN_KEY"
fi
export MSGCENTER_ADMIN_KEY
mkdir -p var
exec build/cli/msgcenter serve --listen 127.0.0.1:8080 --data ./var --demo --web web
