#!/usr/bin/env bash
# check.sh BUILD_DIR CONSUMER_SRC: installs the library from BUILD_DIR into a temporary prefix,
# builds the consumer against it with find_package(TickStockPL), and runs it. The consumer
# links TickStock::core alone: it is configured as if PostgreSQL were not installed, and its
# link line and binary must not name libpq or hiredis. A second program links the umbrella
# TickStock::tickstockpl, as the consumers from before the split do, and must still build.
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

# TickStock::core: what the installed export says it links, then a build without PostgreSQL.
targets=$(ls "$tmp"/prefix/lib*/cmake/TickStockPL/TickStockPLTargets.cmake)
core_links=$(awk '/^set_target_properties\(TickStock::core /,/^\)/' "$targets" |
             grep INTERFACE_LINK_LIBRARIES || true)
echo "TickStock::core ${core_links:-INTERFACE_LINK_LIBRARIES (none)}"
if grep -Eiq 'postgres|pq|hiredis|redis' <<<"$core_links"; then
  echo "FAIL: TickStock::core links libpq or hiredis" >&2
  exit 1
fi
cmake -S "$src" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_DISABLE_FIND_PACKAGE_PostgreSQL=ON "${flags[@]}" >/dev/null
cmake --build "$tmp/build" -v >"$tmp/build.log"
link_line=$(grep -E '(^|/| )c\+\+ .* -o consumer|-o consumer ' "$tmp/build.log" | tail -1)
echo "consumer link: ${link_line##*-o consumer }"
if grep -Eq 'libpq|-lpq|hiredis|tickstockpl_(pg|redis)' <<<"$link_line"; then
  echo "FAIL: the consumer's link line pulls libpq or hiredis" >&2
  exit 1
fi
if ldd "$tmp/build/consumer" | grep -Eq 'libpq|hiredis'; then
  echo "FAIL: the consumer binary needs libpq or hiredis" >&2
  exit 1
fi
out=$("$tmp/build/consumer")
echo "$out"
grep -q '^1m SPY 2013-10-07T13:30:00Z O=169 H=169.2 L=169 C=169.2 V=300$' <<<"$out"
grep -qx 'SMA(2)=2' <<<"$out"

# The umbrella, for the consumers that linked the one library before the split.
mkdir -p "$tmp/umbrella"
cp "$src/main.cpp" "$tmp/umbrella/"
cat >"$tmp/umbrella/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(tickstock_umbrella LANGUAGES CXX)
find_package(TickStockPL REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE TickStock::tickstockpl)
CMAKE
cmake -S "$tmp/umbrella" -B "$tmp/umbrella-build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      "${flags[@]}" >/dev/null
cmake --build "$tmp/umbrella-build" >/dev/null
grep -qx 'SMA(2)=2' <<<"$("$tmp/umbrella-build/consumer")"
echo "umbrella TickStock::tickstockpl: builds and runs"
