#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages msgcenter needs to build and test.
# Skips what is already installed; uses sudo when not root.
set -euo pipefail
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
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
