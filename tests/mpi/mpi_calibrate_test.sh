#!/usr/bin/env bash
# MPI tests of `cxsim calibrate` (CXSIM_MPI=ON builds): the file and the posterior overlay
# identical to the single-process ones at any rank count, and an interrupted or failed
# calibration leaving a partial file of completed generations that --resume finishes to the
# identical file.
# Usage: mpi_calibrate_test.sh CXSIM SOURCE_DIR WORK_DIR CASE
#   CASE: ranks-N (N ranks of one thread against the single-process run; at 2 ranks also the
#         negative control, another seed), stop (CXSIM_STOP_AFTER at 2 ranks, resumed at 3),
#         abort (rank 1 dies; resumed at 3 ranks), throw (a proposal on rank 1 throws; resumed
#         in one process)
set -euo pipefail
cxsim=$1
source_dir=$2
work=$3
case=$4
source "$(dirname "$0")/mpi_test_setup.sh"
export HDF5_USE_FILE_LOCKING=FALSE

# The small case of tests/cli/calibrate_test.cpp: one segment, no network, 1000 agents over 12
# months; the history is the engine's own at a baseline churn of 0.02 (another seed).
cp "$source_dir/tests/fixtures/calibration_solo.yaml" scenario.yaml
"$cxsim" run scenario.yaml --seed 99 -o history_run.h5 -q
/usr/bin/python3 - history_run.h5 > history.csv <<'PY'
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
c, ch = f["timeseries/customers"][0, 0], f["timeseries/churned"][0, 0]
print("month,customers,churned")
for t in range(len(c)):
    print(f"{t + 1},{c[t]:.0f},{ch[t]:.0f}")
PY
# 40 particles, 2 simulations per particle (so a proposal's replications are averaged on the
# rank that runs it), at most 5 generations; 16 proposals to a batch (the test hook), so every
# generation is several farms over the ranks.
cat > calibrate.yaml <<'YAML'
scenario: scenario.yaml
seed: 7
replications: 2
calibrate:
  observed: history.csv
  roadmap: baseline
  parameters:
    - {path: segments.solo.baseline_churn_monthly, prior: {uniform: [0.005, 0.08]}}
  particles: 40
  max_simulations: 2000
  max_generations: 5
YAML
export CXSIM_CALIBRATE_BATCH=16
# The reference: one process on two threads.
"$cxsim" calibrate calibrate.yaml -o reference.h5 -q --threads 2

# The overlay <out>.yaml equals the reference's but for the lines naming its results file and
# that file's sha256 (its provenance attributes differ by design).
same_overlay() {
  local drop='^#|^  source: |^  sha256: '
  diff <(grep -Ev "$drop" "$1") <(grep -Ev "$drop" reference.h5.yaml) ||
    fail "$1 differs from the reference's"
}

# A partial file: not complete, at least $2 generations, each equal to the reference's.
check_partial() {
  /usr/bin/python3 - "$1" reference.h5 "$2" <<'PY' || fail "partial file check"
import sys
import h5py
with h5py.File(sys.argv[1], "r") as p, h5py.File(sys.argv[2], "r") as r:
    assert int(p.attrs["complete"]) == 0, "complete is not 0"
    done = p["run/point_done"][()].astype(bool)
    print(f"partial: {done.sum()} generations written")
    assert done.sum() >= int(sys.argv[3]), "generations are missing"
    for name in ("run/abc_particles", "run/abc_weights", "run/abc_distances"):
        a, b = p[name][()][done], r[name][()][done]
        assert a.tobytes() == b.tobytes(), f"/{name} differs in a written generation"
PY
}

case "$case" in
  ranks-*)
    n=${case#ranks-}
    "$mpirun" -np "$n" "$cxsim" calibrate calibrate.yaml -o mpi.h5 -q --threads 1 ||
      fail "mpirun -np $n failed"
    [ -f mpi.h5 ] && [ ! -e mpi.h5.partial ] || fail "mpi.h5 was not renamed from .partial"
    $compare reference.h5 mpi.h5 || fail "-np $n differs from the single-process run"
    same_overlay mpi.h5.yaml
    if [ "$n" = 2 ]; then
      # Negative control: another seed under MPI gives another file.
      "$mpirun" -np 2 "$cxsim" calibrate calibrate.yaml -o seed.h5 -q --threads 1 --seed 99 ||
        fail "mpirun -np 2 --seed 99 failed"
      ! $compare reference.h5 seed.h5 > /dev/null || fail "another seed gave the same file"
    fi
    ;;
  stop)
    set +e
    CXSIM_STOP_AFTER=2 "$mpirun" -np 2 "$cxsim" calibrate calibrate.yaml -o stopped.h5 \
      --threads 1 > stopped.log 2>&1
    status=$?
    set -e
    cat stopped.log
    [ "$status" -ne 0 ] || fail "the stopped calibration exited 0"
    [ ! -e stopped.h5 ] && [ -f stopped.h5.partial ] || fail "no stopped.h5.partial alone"
    [ ! -e stopped.h5.yaml ] || fail "a posterior overlay although stopped"
    grep -q "2 generations kept in stopped.h5.partial; finish .* with: cxsim calibrate .* --resume$" \
      stopped.log || fail "no resume command"
    check_partial stopped.h5.partial 2
    "$mpirun" -np 3 "$cxsim" calibrate calibrate.yaml -o stopped.h5 --threads 1 --resume -q ||
      fail "mpirun -np 3 --resume failed"
    [ -f stopped.h5 ] && [ ! -e stopped.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 stopped.h5 || fail "the resumed file differs from the single-process run"
    same_overlay stopped.h5.yaml
    ;;
  abort | throw)
    # Rank 1 fails after 40 proposals: in generation 1 or later (generation 0 is 40).
    set +e
    CXSIM_TEST_FAIL_RANK=1 CXSIM_TEST_FAIL_AFTER=40 CXSIM_TEST_FAIL_MODE=$case \
      "$mpirun" -np 2 "$cxsim" calibrate calibrate.yaml -o failed.h5 --threads 1 \
      > failed.log 2>&1
    status=$?
    set -e
    cat failed.log
    [ "$status" -ne 0 ] || fail "the job with a failing rank exited 0"
    [ ! -e failed.h5 ] || fail "failed.h5 exists although a rank failed"
    [ -f failed.h5.partial ] || fail "no failed.h5.partial"
    if [ "$case" = throw ]; then
      grep -q "rank 1 failed: proposal .*CXSIM_TEST_FAIL_RANK" failed.log ||
        fail "the messages do not name rank 1"
    else
      grep -q "rank 1: aborting" failed.log || fail "the messages do not name rank 1"
    fi
    grep -q "generations\? kept in failed.h5.partial; finish .* with: cxsim calibrate .* --resume$" \
      failed.log || fail "no resume command"
    check_partial failed.h5.partial 0
    if [ "$case" = abort ]; then
      "$mpirun" -np 3 "$cxsim" calibrate calibrate.yaml -o failed.h5 --threads 1 --resume -q ||
        fail "mpirun -np 3 --resume failed"
    else
      "$cxsim" calibrate calibrate.yaml -o failed.h5 --threads 1 --resume -q ||
        fail "--resume failed"
    fi
    [ -f failed.h5 ] && [ ! -e failed.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 failed.h5 || fail "the resumed file differs from the single-process run"
    same_overlay failed.h5.yaml
    ;;
  *)
    fail "unknown case $case"
    ;;
esac
echo "PASS: $case"
