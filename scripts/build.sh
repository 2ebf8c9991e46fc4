#!/usr/bin/env bash
# build.sh DIR TYPE [cmake args...]: configures and builds with Ninja (+ ccache when present).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?build dir}; type=${2:?build type}; shift 2
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
