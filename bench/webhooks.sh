#!/usr/bin/env bash
# The webhook fast path (issue 11): `msgcenter serve` on 127.0.0.1, in memory and durable,
# driven by `msgcenter load --url` (pre-signed corpus, one epoll thread) on the same machine.
# Each row also measures the server's own HTTP floor (GET /healthz, same connections and
# depth) in the same run, and the server's CPU per request apart from the generator's.
#
#   bench/webhooks.sh [build-dir] [messages]      # prints one JSON object per run
#
# Run it under the shared build lock so nothing compiles meanwhile:
#   flock /tmp/msgcenter-build.lock bench/webhooks.sh build 200000
set -euo pipefail
BUILD=${1:-build}
N=${2:-200000}
BIN=$BUILD/cli/msgcenter
export MSGCENTER_ADMIN_KEY=bench-admin-key-0123456789abcdef0123
PORT=18181
SERVER=
stop_server() { [ -n "$SERVER" ] && kill "$SERVER" && wait "$SERVER" 2>/dev/null || true; SERVER=; }
trap stop_server EXIT
start_server() {  # $1: memory | durable
  local data=()
  if [ "$1" = durable ]; then
    DIR=$(mktemp -d /tmp/msgcenter-webhooks-XXXXXX)
    data=(--data "$DIR")
  fi
  "$BIN" serve --listen 127.0.0.1:$PORT --web none "${data[@]}" >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && return; sleep 0.05; done
  echo "serve did not come up" >&2; exit 1
}
run() {  # mode connections depth [extra load args...]
  local mode=$1 conns=$2 depth=$3; shift 3
  start_server "$mode"
  echo "# $mode connections=$conns pipeline=$depth $* load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  "$BIN" load --url http://127.0.0.1:$PORT --messages "$N" --conversations 10000 --staff 20 \
    --connections "$conns" --pipeline "$depth" --server-pid "$SERVER" --json --no-progress "$@" |
    sed "s/^{/{\"mode\":\"$mode\",/" || true
  stop_server
  [ "$mode" = durable ] && rm -rf "$DIR"
  return 0
}
for mode in memory durable; do
  for c in 8 64 256; do
    for d in 1 8 32; do
      run $mode $c $d
    done
  done
done
