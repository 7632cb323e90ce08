#!/usr/bin/env bash
# Installs the built msgcenter into a scratch prefix, then builds and runs an example
# project against it with find_package(msgcenter), as an application would.
# usage: out_of_tree.sh BUILD_DIR EXAMPLE_SOURCE_DIR [SANITIZE]
set -euo pipefail
build_dir=$1
example=$2
sanitize=${3:-}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build_dir" --prefix "$scratch/prefix" > "$scratch/install.log"
flags=()
if [ -n "$sanitize" ]; then
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
cmake -S "$example" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" "${flags[@]}" > "$scratch/configure.log" \
  || { cat "$scratch/configure.log"; exit 1; }
cmake --build "$scratch/build" -j2 > "$scratch/build.log" || { cat "$scratch/build.log"; exit 1; }
name=$(basename "$example")
"$scratch/build/$name"
