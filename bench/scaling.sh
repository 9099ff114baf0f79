#!/bin/bash
# Cost per agent-month against agents and months on one thread (docs/performance.md), then the
# peak memory of a 10-million-agent replication on every core.
#   bench/scaling.sh [BUILD_DIR]
set -euo pipefail
bench=${1:-build}/bench/bench_engine
row() {  # label, then bench_engine options
  local label=$1
  shift
  local out
  out=$("$bench" bench/reference.yaml --kernel-only "$@")
  printf '%-22s %s | %s\n' "$label" \
    "$(grep -E '^1 +kernel' <<<"$out" | awk '{printf "%.4g agent-months/s wall, %.4g per CPU s, %.1f ns per agent-month", $6, $5/$4, 1e9*$4/$5}')" \
    "$(grep -E '^peak resident' <<<"$out")"
}
row "agents 10k" --agents 10000 --threads 1 --reps 20
row "agents 100k" --agents 100000 --threads 1 --reps 4
row "agents 1M" --agents 1000000 --threads 1 --reps 1
row "agents 10M" --agents 10000000 --threads 1 --reps 1 --warmup 0
row "months 24 (100k)" --months 24 --threads 1 --reps 6
row "months 36 (100k)" --months 36 --threads 1 --reps 4
row "months 120 (100k)" --months 120 --threads 1 --reps 1
echo "10M agents, every core, one replication end to end:"
/usr/bin/time -v "$bench" bench/reference.yaml --agents 10000000 --threads 0 --reps 1 --warmup 0 \
  2>&1 | grep -E '^[0-9]+ +(kernel|run)|peak resident|Maximum resident'
