#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages msgcenter needs to build and test, then the
# staff web page's npm packages (web/package-lock.json) and its vendored modules.
# Skips what is already installed; uses sudo when not root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
packages=(
  build-essential cmake pkg-config python3
  libcaf-dev            # actors (CAF 0.17)
  liblmdb-dev lmdb-utils  # the store
  libmsgpack-cxx-dev    # values in the store
  libphonenumber-dev libprotobuf-dev  # E.164 phone numbers
  libutf8proc-dev       # accent-insensitive search
  libicu-dev            # IANA time zones for export
  nlohmann-json3-dev    # the JSON protocol
  libcli11-dev          # command-line parsing
  libjemalloc-dev       # the msgcenter binary's allocator (see cli/CMakeLists.txt)
  libabsl-dev           # flat hash maps (Swiss tables) for the engine's hot lookups
  libxxhash-dev         # XXH3 fingerprints (provider ids, keys)
  libgtest-dev libgmock-dev libbenchmark-dev  # tests and benchmarks
  libboost-dev libssl-dev openssl  # msgcenter serve: Boost.Beast/Asio HTTP, HMAC/SHA-256/TLS
  etcd-server           # cluster coordination (cluster/, docs/cluster.md); its tests start a real etcd
  chromium fonts-dejavu-core  # the staff web page's browser test (web/tests/inbox.spec.mjs)
)
# The staff web page (web/, docs/web.md): node and npm install its libraries. A machine
# that has node already (e.g. a newer one than Debian's) keeps it.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

# web/node_modules exactly as web/package-lock.json pins it (npm ci; no install scripts, no
# browser download), only when the lock file changed since the last install; then the
# vendored copies the page imports (web/vendor/, written only where they differ).
web="$root/web"
stamp="$web/node_modules/.msgcenter-installed-lock"
if ! cmp -s "$web/package-lock.json" "$stamp" 2> /dev/null; then
  echo "installing web/ npm packages (npm ci)"
  (cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$web/package-lock.json" "$stamp"
fi
node "$web/tools/vendor.mjs" > /dev/null
