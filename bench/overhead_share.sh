#!/bin/bash
# Where the CPU time of a whole `cxsim run` goes, by kind of work: the month kernel (its passes,
# the batched Philox blocks, libm's exp, the draws it calls) against the network build, the
# initial population, HDF5, the operating system and the rest. Samples the process on the CPU
# clock with `perf record` (no hardware counters needed) and sorts the symbols into those kinds.
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
        r"simulate_month|philox_first|batch_avx|::batch\b|__ieee754_exp|^exp@|binomial|"
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
