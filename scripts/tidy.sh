#!/usr/bin/env bash
# tidy.sh [BASE]: clang-tidy with the checks of .clang-tidy, warnings as errors, on the .cpp
# files changed since BASE (and those not committed yet), using build/compile_commands.json
# (TICKSTOCK_TIDY_BUILD: another build directory).
# BASE by default: the merge-base with origin/main; when that is HEAD itself (CI on main), or
# there is no origin/main, HEAD~1; in a clone with a single commit, that commit's files.
# TICKSTOCK_TIDY_ALL=1 checks every file of the compile database instead.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${TICKSTOCK_TIDY_BUILD:-build}
db="$build/compile_commands.json"
command -v clang-tidy >/dev/null || { echo "tidy: clang-tidy is not installed (scripts/deps.sh)" >&2; exit 1; }
[ -f "$db" ] || { echo "tidy: no $db: configure the build first" >&2; exit 1; }

base=${1:-}
if [ -z "$base" ] && git rev-parse -q --verify origin/main >/dev/null; then
  base=$(git merge-base HEAD origin/main || true)
  [ "$base" = "$(git rev-parse HEAD)" ] && base=""
fi
if [ -z "$base" ] && git rev-parse -q --verify HEAD~1 >/dev/null; then base=HEAD~1; fi

# The files the compile database knows (a fuzz target or a file of a build that is off is not
# in it and cannot be checked here; its own build checks it).
known=$(sed -n 's/^  "file": "\(.*\)",\{0,1\}$/\1/p' "$db" | sort -u)
if [ "${TICKSTOCK_TIDY_ALL:-0}" = 1 ]; then
  changed=$known
  what="every file of $db"
else
  if [ -n "$base" ]; then
    changed=$(git diff --name-only --diff-filter=d "$base" -- '*.cpp'
              git ls-files --others --exclude-standard -- '*.cpp')
    what="the .cpp files changed since $(git rev-parse --short "$base")"
  else
    changed=$(git diff-tree --root --no-commit-id --name-only -r --diff-filter=d HEAD -- '*.cpp')
    what="the .cpp files of the only commit"
  fi
  changed=$(sed "s|^|$PWD/|" <<<"$changed" | sort -u)
fi
# The product's code only: clang 14 cannot parse some of the tests' C++20 (lambdas that capture
# structured bindings), and its parse errors cannot be turned off.
scope="^$PWD/(libtickstockpl|tickstockapp|bench)/"
known=$(grep -E "$scope" <<<"$known" || true)
changed=$(grep -E "$scope" <<<"$changed" || true)
files=$(comm -12 <(echo "$known") <(echo "$changed") | sed '/^$/d')
skipped=$(comm -13 <(echo "$known") <(echo "$changed") | sed '/^$/d' | wc -l)
count=$(sed '/^$/d' <<<"$files" | wc -l)
echo "tidy: $count files ($what, under libtickstockpl/ tickstockapp/ bench/; $skipped not in $db)"
[ "$count" -eq 0 ] && exit 0
# GCC's flags that clang does not know are not findings; the compiler's own warnings are GCC's
# job (-Werror in the build): clang-diagnostic-* is off in .clang-tidy.
tr '\n' '\0' <<<"$files" |
  xargs -0 -r -n 4 -P "$(nproc)" clang-tidy -p "$build" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-unknown-warning-option 2> >(grep -v -E '^[0-9]+ warnings? generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Use -system-headers' >&2)
echo "tidy: clean"
