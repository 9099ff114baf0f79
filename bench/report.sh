#!/bin/bash
# The performance report in one command: builds the harness, runs it on the reference scenario
# (throughput, parallel efficiency, memory) and on bench/crn.yaml (common random numbers), and
# writes the output, with the machine and the commit, into docs/performance.md between the
# "harness output" markers (the rest of that file is the analysis, kept by hand).
#   bench/report.sh [BUILD_DIR]          add SCALING=1 to include bench/scaling.sh (minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench_engine >/dev/null
bench=$build/bench/bench_engine
doc=docs/performance.md
threads="1,2"
[ "$(nproc)" -gt 2 ] && threads="1,2,$(nproc)"
begin='<!-- harness output: begin (written by bench/report.sh) -->'
end='<!-- harness output: end -->'

section=$(mktemp)
trap 'rm -f "$section"' EXIT
{
  echo "$begin"
  echo
  echo "## Latest harness run"
  echo
  echo "\`bench/report.sh\` on $(date -u +%Y-%m-%d), commit $(git rev-parse --short=12 HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'),"
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))," \
       "load average $(cut -d' ' -f1 /proc/loadavg) at the start."
  echo
  echo '```'
  echo "\$ $bench bench/reference.yaml --threads $threads --reps 4"
  "$bench" bench/reference.yaml --threads "$threads" --reps 4
  echo
  echo "\$ $bench bench/crn.yaml --threads 0 --crn 100 --kernel-only --reps 1"
  "$bench" bench/crn.yaml --threads 0 --crn 100 --kernel-only --reps 1
  if [ "${SCALING:-0}" = 1 ]; then
    echo
    echo "\$ bench/scaling.sh $build"
    bench/scaling.sh "$build"
  fi
  echo '```'
  echo
  echo "$end"
} >"$section"

# Replace the marked section (or append it the first time).
if grep -qF "$begin" "$doc"; then
  awk -v begin="$begin" -v end="$end" -v file="$section" '
    $0 == begin { while ((getline line < file) > 0) print line; skip = 1; next }
    $0 == end { skip = 0; next }
    !skip { print }' "$doc" >"$doc.new"
  mv "$doc.new" "$doc"
else
  { echo; cat "$section"; } >>"$doc"
fi
echo "wrote $doc"
