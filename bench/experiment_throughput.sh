#!/bin/bash
# Experiment throughput, as whole processes: a telecom sensitivity study of many small points
# (2 000 agents) at 1 and 2 threads (points per second, 2-thread efficiency), and the overhead per
# point: a sweep of P points that all equal the base scenario (a list design setting a number to
# its own value, so each point simulates exactly what one `cxsim run` replication does) against
# `cxsim run` with P x R replications, the same simulated work without points.
#   bench/experiment_throughput.sh [BUILD_DIR]
# Run it on a quiet machine; it prints the figures docs/performance.md reports. Wall times of
# whole processes move by 5% or more on a shared machine, as much as the overhead measured, so
# with perf installed the overhead is also taken from CPU samples: the share of samples outside
# the simulation (the month kernel, the network, the initial populations) per sample inside it,
# 48 points against 2, which the machine's speed does not change.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target cxsim >/dev/null
cxsim=$build/cli/cxsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scenario=$PWD/scenarios/telecom.yaml
agents=2000
replications=2
points=47

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; commit $(git rev-parse --short HEAD)"
now() { date +%s.%N; }
timed() { local s; s=$(now); "$@"; echo "$(now) - $s" | bc -l; }
# The fastest of three runs: what the command costs when nothing else disturbs it.
best_of_3() {
  local best="" t
  for _ in 1 2 3; do
    t=$(timed "$@")
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

cat >"$work/sobol.yaml" <<YAML
scenario: $scenario
set: {agents: $agents}
replications: $replications
sensitivity: {method: sobol, base_samples: 16, bootstrap: 200, factors: scenario}
YAML
sobol_points=$("$cxsim" sensitivity "$work/sobol.yaml" -o "$work/probe.h5" -q --replications 1 >/dev/null &&
  /usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1])['coords/point'].shape[0])" "$work/probe.h5")
t1=$(timed "$cxsim" sensitivity "$work/sobol.yaml" -o "$work/s1.h5" -q --threads 1)
t2=$(timed "$cxsim" sensitivity "$work/sobol.yaml" -o "$work/s2.h5" -q --threads 2)
printf 'sensitivity sobol, %d points x %d replications, %d agents:\n' "$sobol_points" "$replications" "$agents"
printf '  1 thread  %6.2f s  %6.1f points/s\n' "$t1" "$(echo "$sobol_points / $t1" | bc -l)"
printf '  2 threads %6.2f s  %6.1f points/s  efficiency %.0f%%\n' "$t2" \
  "$(echo "$sobol_points / $t2" | bc -l)" "$(echo "100 * $t1 / (2 * $t2)" | bc -l)"

# satisfaction.loss_weight is 0.8 in telecom: every point is the base scenario. The same
# simulated work twice: P points (+ the base point) x R replications, and 1 point (+ the base)
# x (P + 1) R / 2 replications; the difference is what points cost.
write_same() {  # $1 points, $2 replications -> $work/same.yaml
  local values
  values=$(/usr/bin/python3 -c "print(', '.join(['0.8'] * $1))")
  cat >"$work/same.yaml" <<YAML
scenario: $scenario
set: {agents: $agents}
replications: $2
sweep:
  design: list
  factors: [{path: satisfaction.loss_weight, values: [$values]}]
YAML
}
same() {  # $1 points, $2 replications, $3 threads -> seconds
  write_same "$1" "$2"
  best_of_3 "$cxsim" sweep "$work/same.yaml" -o "$work/same.h5" -q --force --threads "$3"
}
for threads in 1 2; do
  many=$(same $points $replications "$threads")
  few=$(same 1 $(((points + 1) * replications / 2)) "$threads")
  per_point=$(echo "$few / ($points + 1)" | bc -l)
  printf '%d thread(s): %d points x %d replications %.2f s; 2 points x %d replications %.2f s; overhead per point %.1f ms = %.1f%% of its simulation (%.0f ms)\n' \
    "$threads" $((points + 1)) "$replications" "$many" $(((points + 1) * replications / 2)) "$few" \
    "$(echo "1000 * ($many - $few) / ($points - 1)" | bc -l)" \
    "$(echo "100 * ($many - $few) / ($points - 1) / $per_point" | bc -l)" \
    "$(echo "1000 * $per_point" | bc -l)"
done

if command -v perf >/dev/null; then
  share() {  # $1 points, $2 replications -> samples outside the simulation per sample inside
    write_same "$1" "$2"
    perf record -q -e cpu-clock -F 4000 -o "$work/perf.data" \
      "$cxsim" sweep "$work/same.yaml" -o "$work/same.h5" -q --force --threads 1 2>/dev/null
    perf report -i "$work/perf.data" --no-children --sort dso,symbol 2>/dev/null |
      /usr/bin/python3 -c '
import re, sys
simulation = re.compile(
    r"simulate_month|philox_first|batch_avx|::batch\b|__ieee754_exp|^exp@|binomial|unit_normal|"
    r"MonthTotals::add|cached_survival|__ieee754_log|run_roadmap|make_initial_population|"
    r"initial_customer_equity|draw_parameters|unit_exponential|build_small_world|network_detail|"
    r"shape_month|roadmap_month")
inside = outside = 0.0
for line in sys.stdin:
    m = re.match(r"\s+([0-9.]+)%\s+(\S+)\s+\[.\]\s+(.*)", line)
    if m:
        if simulation.search(m.group(3)):
            inside += float(m.group(1))
        else:
            outside += float(m.group(1))
print(outside / inside)'
  }
  for _ in 1 2 3; do
    many=$(share $points $replications)
    few=$(share 1 $(((points + 1) * replications / 2)))
    printf 'CPU samples, 1 thread: outside the simulation %.1f%% of it with %d points, %.1f%% with 2: overhead per point %.1f%% of its simulation\n' \
      "$(echo "100 * $many" | bc -l)" $((points + 1)) "$(echo "100 * $few" | bc -l)" \
      "$(echo "100 * ($many - $few) * ($points + 1) / ($points - 1)" | bc -l)"
  done
fi
