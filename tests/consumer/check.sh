#!/usr/bin/env bash
# check.sh BUILD_DIR CONSUMER_SRC: installs the library from BUILD_DIR into a temporary prefix,
# builds the consumer against it with find_package(TickStockPL), and runs it.
set -euo pipefail
build=$1; src=$2
tmp=$(mktemp -d /tmp/tickstock-consumer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
flags=()
case " $(grep -E '^CMAKE_CXX_FLAGS:|^TICKSTOCK_SANITIZE:' "$build/CMakeCache.txt" | tr '\n' ' ') " in
  *address*) flags=(-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined) ;;
  *thread*) flags=(-DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread) ;;
esac
cmake -S "$src" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" "${flags[@]}" >/dev/null
cmake --build "$tmp/build" >/dev/null
out=$("$tmp/build/consumer")
echo "$out"
grep -q '^1m SPY 2013-10-07T13:30:00Z O=169 H=169.2 L=169 C=169.2 V=300$' <<<"$out"
grep -qx 'SMA(2)=2' <<<"$out"
