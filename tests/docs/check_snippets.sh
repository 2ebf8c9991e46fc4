#!/usr/bin/env bash
# check_snippets.sh BUILD_DIR SOURCE_DIR: every C++ snippet of README.md and docs/*.md is built
# against the library installed from BUILD_DIR (find_package(TickStockPL), as a user's project
# would) and run; a snippet that does not compile, or a program that does not exit 0, fails.
#
# How snippets are read (docs/library.md says it too):
# - C++ is written in ```cpp fences; C++ anywhere else (an indented block, a fence of another
#   language) is an error here, since it would never be compiled.
# - A fence holding `int main(` is a whole program, built alone.
# - The other fences of a page are one program, in order, like a tutorial: their #include lines
#   go to the top, the rest into main(); a later fragment may use what an earlier one declared.
# Compiler errors name the Markdown file and line (#line), not the generated source.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/tickstock-snippets.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/run"

# Extract: one .cpp per program, and the number of ```cpp fences seen (to check the count).
fences=0
for md in "$src/README.md" "$src"/docs/*.md; do
  rel=${md#"$src"/}
  id=$(tr -c 'A-Za-z0-9\n' '_' <<<"${rel%.md}")
  n=$(awk -v rel="$rel" -v out="$tmp/src" -v id="$id" '
    function flush_block(   i, is_main) {
      is_main = 0
      for (i = 1; i <= nb; i++) if (block[i] ~ /(^|[^A-Za-z0-9_])int[ \t]+main[ \t]*\(/) is_main = 1
      if (is_main) {
        f = out "/" id "_main" start ".cpp"
        printf "#line %d \"%s\"\n", start + 1, rel > f
        for (i = 1; i <= nb; i++) print block[i] > f
        close(f)
      } else {
        for (i = 1; i <= nb; i++) {
          if (block[i] ~ /^[ \t]*#[ \t]*include/) {
            inc[++ni] = sprintf("#line %d \"%s\"\n%s", start + i, rel, block[i])
          } else {
            body[++nbody] = sprintf("#line %d \"%s\"\n%s", start + i, rel, block[i])
          }
        }
        frags++
      }
      nb = 0
    }
    function looks_like_cpp(line) {
      return line ~ /^[ \t]*#[ \t]*include[ \t]*[<"]/ ||
             line ~ /tickstock::[A-Za-z_][A-Za-z0-9_:]*.*;[ \t]*(\/\/.*)?$/
    }
    /^[ \t]*(```|~~~)/ {
      if (!infence) {
        infence = 1; lang = $0; sub(/^[ \t]*(```|~~~)[ \t]*/, "", lang); sub(/[ \t].*$/, "", lang)
        iscpp = (lang == "cpp" || lang == "c++" || lang == "cxx" || lang == "C++")
        start = NR; nb = 0
        if (iscpp) fences++
      } else {
        infence = 0
        if (iscpp) flush_block()
      }
      next
    }
    infence && iscpp { block[++nb] = $0; next }
    # Outside a cpp fence: C++ here would never be compiled.
    looks_like_cpp($0) && (infence || $0 ~ /^(    |\t)/) {
      printf "%s:%d: C++ outside a ```cpp fence is not compiled by this test; fence it: %s\n",
             rel, NR, $0 > "/dev/stderr"
      bad = 1
    }
    END {
      if (infence) { printf "%s: a fence is not closed\n", rel > "/dev/stderr"; bad = 1 }
      if (frags > 0) {
        f = out "/" id ".cpp"
        for (i = 1; i <= ni; i++) print inc[i] > f
        print "int main() {" > f
        for (i = 1; i <= nbody; i++) print body[i] > f
        print "return 0;\n}" > f
        close(f)
      }
      print fences + 0
      exit bad
    }' "$md")
  fences=$((fences + n))
done
programs=$(find "$tmp/src" -name '*.cpp' | wc -l)
echo "snippets: $fences C++ fences in README.md and docs/*.md -> $programs programs"
if [ "$fences" -eq 0 ] || [ "$programs" -eq 0 ]; then
  echo "no C++ snippet found: the docs have none, or this script no longer finds them" >&2
  exit 1
fi

{
  echo "cmake_minimum_required(VERSION 3.25)"
  echo "project(tickstock_doc_snippets LANGUAGES CXX)"
  echo "find_package(TickStockPL REQUIRED)"
  for f in "$tmp"/src/*.cpp; do
    name=$(basename "$f" .cpp)
    echo "add_executable($name src/$name.cpp)"
    echo "target_link_libraries($name PRIVATE TickStock::tickstockpl)"
  done
} >"$tmp/CMakeLists.txt"

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
flags=()
case " $(grep -E '^CMAKE_CXX_FLAGS:|^TICKSTOCK_SANITIZE:' "$build/CMakeCache.txt" | tr '\n' ' ') " in
  *address*) flags=(-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined) ;;
  *thread*) flags=(-DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread) ;;
esac
cmake -S "$tmp" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" "${flags[@]}" >/dev/null
if ! cmake --build "$tmp/build" -j "$(nproc)" >"$tmp/build.log" 2>&1; then
  grep -E 'error|required from|note:' "$tmp/build.log" | head -60 >&2 || cat "$tmp/build.log" >&2
  echo "a C++ snippet of the documentation does not compile against the installed package" >&2
  exit 1
fi
status=0
for f in "$tmp"/src/*.cpp; do
  name=$(basename "$f" .cpp)
  # In a directory of its own: whatever a snippet writes stays in the temporary tree.
  mkdir -p "$tmp/run/$name"
  if (cd "$tmp/run/$name" && timeout 120 "$tmp/build/$name" >"$tmp/run/$name.out" 2>&1); then
    echo "ran $name"
  else
    echo "$name exited with status $? (its output follows)" >&2
    cat "$tmp/run/$name.out" >&2
    status=1
  fi
done
exit "$status"
