#!/bin/bash
# Where the CPU time of a whole `cxsim run` goes, two ways, each from `perf record` on the CPU
# clock (no hardware counters needed):
# - by kind of work: the symbols sorted into the month kernel (its passes, the batched Philox
#   blocks, exp (libm's and the batched one), the draws it calls), the network build, the
#   initial population, HDF5, the operating system and the rest;
# - by phase, the split issue 16's target 4 names: each sample's call stack (DWARF unwinding)
#   puts it, with the page faults and system calls it made, in the month kernel, the network
#   build, writing and statistics (the results file, its read back in a child process,
#   /statistics), start-up and exit, or the rest of the simulation (initial population, its
#   copies per roadmap run, month parameters).
#   [CXSIM=path/to/cxsim] bench/overhead_share.sh [SCENARIO] [REPLICATIONS] [BUILD_DIR]
# Defaults: bench/peer.yaml, 4 replications, build/. One thread. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-bench/peer.yaml}
replications=${2:-4}
build=${3:-build}
command -v perf >/dev/null || { echo "overhead_share: needs perf (linux-perf)" >&2; exit 2; }
source bench/cxsim_to_time.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

perf record -q -e cpu-clock -F 4000 -o "$work/perf.data" \
  "$cxsim" run "$scenario" -o "$work/run.h5" --replications "$replications" --threads 1 -q
perf report -i "$work/perf.data" --no-children --sort dso,symbol 2>/dev/null |
  grep -E '^ +[0-9]' >"$work/symbols.txt"
/usr/bin/python3 - "$work/symbols.txt" <<'PY'
import collections, re, sys

kinds = [  # first match wins
    ("month kernel", lambda dso, sym: re.search(
        r"simulate_month|philox_first|batch_avx|::batch\b|__ieee754_exp|^exp@|exp_avx2|binomial|"
        r"unit_normal|MonthTotals::add|cached_survival|tell_neighbours", sym)),
    ("network build", lambda dso, sym: re.search(r"network_detail|build_network", sym)),
    ("initial population and parameter draws", lambda dso, sym: re.search(
        r"make_initial_population|initial_customer_equity|Population::|draw_parameters", sym)),
    ("memory copies (mostly the initial population into each roadmap run)",
     lambda dso, sym: re.search(r"memmove|memcpy", sym)),
    ("HDF5 and zlib (writing, the read back, the summary)",
     lambda dso, sym: "hdf5" in dso or "libz" in dso),
    ("dynamic loading", lambda dso, sym: dso.startswith("ld-linux")),
    ("operating system (page faults, files, the read-back process)",
     lambda dso, sym: dso == "[kernel.kallsyms]"),
]
share = collections.Counter()
others = []
for line in open(sys.argv[1]):
    m = re.match(r"\s+([0-9.]+)%\s+(\S+)\s+\[.\]\s+(.*)", line)
    if not m:
        continue
    value, dso, sym = float(m.group(1)), m.group(2), m.group(3).strip()
    kind = next((name for name, test in kinds if test(dso, sym)), "other")
    share[kind] += value
    if kind == "other":
        others.append((value, dso, sym))
total = sum(share.values())
for kind, value in share.most_common():
    print(f"{100 * value / total:6.2f}%  {kind}")
print(f"outside the month kernel: {100 * (total - share['month kernel']) / total:.2f}%")
print("largest of 'other':")
for value, dso, sym in sorted(others, reverse=True)[:6]:
    print(f"  {100 * value / total:5.2f}%  {dso}  {sym[:80]}")
PY

echo "by phase:"
perf record -q -e cpu-clock -F 2000 --call-graph dwarf,16384 -o "$work/phases.data" \
  "$cxsim" run "$scenario" -o "$work/run.h5" --replications "$replications" --threads 1 -q --force
perf script -i "$work/phases.data" -F comm,pid,ip,sym 2>/dev/null >"$work/stacks.txt"
/usr/bin/python3 - "$work/stacks.txt" <<'PY'
import collections, re, sys

# A sample goes to the first phase with a frame anywhere in its stack (innermost first), in this
# order: the month kernel first, so that what it calls is its own.
phases = [
    ("month kernel", r"simulate_month"),
    ("network build", r"build_network|network_detail::"),
    ("writing and statistics (the results file, its read back, /statistics)",
     r"ResultsWriter::|verify_results|ResultsReader|h5::|print_summary|finish_run|open_run_writer"),
    ("start-up and exit (loading, the scenario, the arguments, the exit handlers)",
     r"^_dl_|^dl_main|load_run_scenario|__run_exit_handlers|exit_mmap|do_exit|execve|CLI::"),
    ("simulation outside the month kernel (initial population, its copies, month parameters)",
     r"run_replication|run_roadmap|make_initial_population|draw_parameters"),
]
share = collections.Counter()
frames = []

def place():
    if frames:
        name = next((n for n, p in phases if any(re.search(p, f) for f in frames)), "other")
        share[name] += 1
        frames.clear()

for line in open(sys.argv[1], errors="replace"):
    if not line.strip():
        place()
    elif line[0] in " \t":
        parts = line.split(None, 1)
        if len(parts) == 2:
            frames.append(parts[1].split(" (")[0].strip())
place()
total = sum(share.values())
for name, _ in phases + [("other", "")]:
    print(f"{100 * share[name] / total:6.2f}%  {name}")
named = sum(share[n] for n, _ in phases[1:4])
print(f"outside the month kernel: {100 * (total - share['month kernel']) / total:.2f}%, of which "
      f"start-up, network build, writing and statistics: {100 * named / total:.2f}% "
      f"({total} samples)")
PY
