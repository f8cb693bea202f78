#!/usr/bin/env bash
# Project-file discovery at scale (issue 15, "Scale"): a generated monorepo of N files
# (default 20,000) with 200 Dockerfiles, 50 compose files and node_modules/.venv/target
# folders, timed against one `find DIR -type f` over the same tree.
#
# Usage: bench/discovery.sh [FILES] [BINARY]
#   FILES   total files in the tree (default 20000); run twice with two sizes to see growth
#   BINARY  devdoctor binary (default target/release/devdoctor)
# Prints: find's wall time, devdoctor's whole-process wall time for `tools.trivy` (whose only
# work beyond `which trivy` is the project walk), the walk's own duration from the JSON
# report, and the Dockerfile/compose lint durations (dockerfile.syntax, compose.syntax).
set -euo pipefail
N=${1:-20000}
BIN=${2:-target/release/devdoctor}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

make_tree() {
  local d=$1 n=$2 i
  # Dependency and build trees (never walked): 25% node_modules, 20% .venv, 15% target.
  mkdir -p "$d/frontend/node_modules" "$d/.venv/lib/python3.12/site-packages" "$d/target/debug"
  for ((i = 0; i < n * 25 / 100; i++)); do
    [[ $((i % 100)) == 0 ]] && mkdir -p "$d/frontend/node_modules/p$((i / 100))"
    echo "x" > "$d/frontend/node_modules/p$((i / 100))/f$i.js"
  done
  for ((i = 0; i < n * 20 / 100; i++)); do
    [[ $((i % 100)) == 0 ]] && mkdir -p "$d/.venv/lib/python3.12/site-packages/p$((i / 100))"
    echo "x" > "$d/.venv/lib/python3.12/site-packages/p$((i / 100))/m$i.py"
  done
  for ((i = 0; i < n * 15 / 100; i++)); do echo "x" > "$d/target/debug/o$i.o"; done
  # 200 services, each with a Dockerfile; every 4th with a compose file.
  for ((i = 0; i < 200; i++)); do
    mkdir -p "$d/services/s$i/src"
    printf 'FROM mambaorg/micromamba:1.5.10\nUSER $MAMBA_USER\nCMD ["python","-m","s%d"]\n' "$i" > "$d/services/s$i/Dockerfile"
    if ((i % 4 == 0)); then
      printf 'services:\n  s%d:\n    build: .\n    image: ex/s%d:${TAG:-dev}\n    read_only: true\n' "$i" "$i" > "$d/services/s$i/compose.yaml"
    fi
  done
  # Source files to fill the rest.
  local have
  have=$(find "$d" -type f | wc -l)
  for ((i = 0; i < n - have; i++)); do echo "x = $i" > "$d/services/s$((i % 200))/src/m$i.py"; done
}

make_tree "$DIR" "$N"
FILES=$(find "$DIR" -type f | wc -l)
ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
sync
for _ in 1 2; do find "$DIR" -type f > /dev/null; done   # warm the page cache
FIND=$(for _ in 1 2 3 4 5; do ms find "$DIR" -type f; done | median)
RUN=$(for _ in 1 2 3 4 5; do ms env -i HOME="$DIR" PATH=/nonexistent "$BIN" -C "$DIR" --format json tools.trivy; done | median)
EMPTY=$(mktemp -d)
BASE=$(for _ in 1 2 3 4 5; do ms env -i HOME="$EMPTY" PATH=/nonexistent "$BIN" -C "$EMPTY" --format json tools.trivy; done | median)
rmdir "$EMPTY"
JSON=$(env -i HOME="$DIR" PATH=/nonexistent "$BIN" -C "$DIR" --format json tools.trivy dockerfile.syntax compose.syntax || true)
echo "tree: $FILES files"
echo "find DIR -type f: ${FIND} ms (median of 5)"
echo "devdoctor tools.trivy (whole process, walk included): ${RUN} ms (median of 5)"
echo "the same on an empty folder (process cost without the walk): ${BASE} ms"
echo "$JSON" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for c in d["checks"]:
    print("  %s: %s ms  %s" % (c["id"], c["duration_ms"], c["summary"][:90]))
'
