#!/bin/bash
# cxsim against its peers, as whole processes run one after the other on the same scenario and
# the same number of replications, one thread each: `cxsim run` (start-up, network, HDF5 and
# statistics included), the NumPy vectorised peer (../shared/peers/numpy_peer.py) and the
# tight-loop limit kernel (../shared/peers/limit: the Philox draws, neighbour pull and state
# update nothing can avoid). Prints agent-months per second of each and the two ratios.
#   [CXSIM=path/to/cxsim] bench/compare_peers.sh [SCENARIO] [REPLICATIONS] [BUILD_DIR]
# Defaults: bench/peer.yaml (bench/reference.yaml as the NumPy peer reads it), 4 replications, build/. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-bench/peer.yaml}
replications=${2:-4}
build=${3:-build}
peers=${CXSIM_PEERS:-../shared/peers}
[ -d "$peers" ] || { echo "compare_peers: no peers at $peers (set CXSIM_PEERS)" >&2; exit 2; }

source bench/cxsim_to_time.sh
cmake -S "$peers/limit" -B "$build/peer-limit" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build/peer-limit" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The run's size, from the resolved scenario.
read -r agents months roadmaps < <("$cxsim" describe "$scenario" | /usr/bin/python3 -c '
import sys, yaml
d = yaml.safe_load(sys.stdin)
print(d["agents"], d["horizon_months"], len(d.get("roadmaps") or [{"name": "baseline"}]))')
agent_months=$((agents * months * roadmaps * replications))

now() { date +%s.%N; }
start=$(now)
"$cxsim" run "$scenario" -o "$work/run.h5" --replications "$replications" --threads 1 -q
cxsim_seconds=$(echo "$(now) - $start" | bc -l)

peer_json=$(/usr/bin/python3 "$peers/numpy_peer.py" "$scenario" --replications "$replications" --json)
peer_rate=$(echo "$peer_json" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["agent_months_per_s"])')

limit_line=$("$build/peer-limit/limit" "$agents" "$months" 1)
limit_rate=$(echo "$limit_line" | sed -n 's/.*agent_months_per_s=\([0-9.]*\)M.*/\1/p')

/usr/bin/python3 - "$agent_months" "$cxsim_seconds" "$peer_rate" "$limit_rate" <<'PY'
import sys
agent_months, seconds, peer, limit_m = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cxsim = agent_months / seconds
limit = limit_m * 1e6
print(f"cxsim run (whole process, 1 thread): {cxsim / 1e6:6.2f} M agent-months/s ({agent_months} in {seconds:.2f} s)")
print(f"NumPy peer (1 process):              {peer / 1e6:6.2f} M agent-months/s")
print(f"limit kernel (1 thread):             {limit / 1e6:6.2f} M agent-months/s")
print(f"cxsim / NumPy peer = {cxsim / peer:.2f}   cxsim / limit = {cxsim / limit:.2f}")
PY
