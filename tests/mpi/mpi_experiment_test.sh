#!/usr/bin/env bash
# MPI tests of `cxsim sweep` and `cxsim sensitivity` (CXSIM_MPI=ON builds): the file identical to
# the single-process one at any rank and thread count, and interrupted or failed experiments
# leaving a partial file that --resume finishes to the identical file.
# Usage: mpi_experiment_test.sh CXSIM SOURCE_DIR WORK_DIR CASE
#   CASE: sweep-ranks-N, sensitivity-ranks-N (N ranks of one thread against the single-process
#         run), sensitivity-threads-4 (2 ranks of 4 threads: two points at once on each),
#         stop (CXSIM_STOP_AFTER at 2 ranks, resumed at 3), abort (rank 1 dies; resumed at 3
#         ranks), throw (a point on rank 1 throws; resumed in one process)
set -euo pipefail
cxsim=$1
source_dir=$2
work=$3
case=$4
source "$(dirname "$0")/mpi_test_setup.sh"

# A grid of 3 points (plus the base point a sweep adds) and a Morris design of 3 trajectories
# over 2 factors (9 points), both on telecom with 1000 agents and 2 replications.
cat > sweep.yaml <<YAML
scenario: $source_dir/scenarios/telecom.yaml
set: {agents: 1000}
replications: 2
outputs: [delta_npv, npv]
sweep:
  design: grid
  factors:
    - {path: satisfaction.loss_weight, values: [0.8, 0.4, 1.2]}
YAML
cat > sensitivity.yaml <<YAML
scenario: $source_dir/scenarios/telecom.yaml
set: {agents: 1000}
replications: 2
sensitivity:
  method: morris
  trajectories: 3
  levels: 4
  bootstrap: 50
  factors:
    - {path: churn.satisfaction, range: [0.3, 0.6]}
    - {path: market.competitor_pressure}
YAML

case "$case" in
  sweep-*) command=sweep ;;
  *) command=sensitivity ;;
esac
# The reference: one process on two threads.
"$cxsim" "$command" "$command.yaml" -o reference.h5 -q --threads 2

# Every point marked done in a partial file equals the reference's.
check_partial() {
  /usr/bin/python3 - "$1" reference.h5 "$2" <<'PY' || fail "partial file check"
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as p, h5py.File(sys.argv[2], "r") as r:
    assert int(p.attrs["complete"]) == 0, "complete is not 0"
    done = p["run/point_done"][()].astype(bool)
    print(f"partial: {done.sum()} of {done.size} points written")
    assert done.sum() >= int(sys.argv[3]), "points the failing rank delivered are missing"
    design = done[: p["summary/npv"].shape[0]]
    for name in ("summary/npv", "summary/delta_npv", "timeseries_mean/customers"):
        a, b = p[name][()][design], r[name][()][design]
        assert a.tobytes() == b.tobytes(), f"{name} differs in a written point"
PY
}

case "$case" in
  *-ranks-*)
    n=${case##*-ranks-}
    "$mpirun" -np "$n" "$cxsim" "$command" "$command.yaml" -o mpi.h5 -q --threads 1 ||
      fail "mpirun -np $n failed"
    [ -f mpi.h5 ] && [ ! -e mpi.h5.partial ] || fail "mpi.h5 was not renamed from .partial"
    $compare reference.h5 mpi.h5 || fail "-np $n differs from the single-process run"
    if [ "$n" = 2 ]; then
      # Negative control: another seed under MPI gives another file.
      "$mpirun" -np 2 "$cxsim" "$command" "$command.yaml" -o seed.h5 -q --threads 1 --seed 99 ||
        fail "mpirun -np 2 --seed 99 failed"
      ! $compare reference.h5 seed.h5 > /dev/null || fail "another seed gave the same file"
    fi
    ;;
  sensitivity-threads-4)
    "$mpirun" -np 2 "$cxsim" sensitivity sensitivity.yaml -o mpi.h5 -q --threads 4 ||
      fail "mpirun -np 2 --threads 4 failed"
    $compare reference.h5 mpi.h5 || fail "-np 2 --threads 4 differs from the single-process run"
    ;;
  stop)
    set +e
    CXSIM_STOP_AFTER=3 "$mpirun" -np 2 "$cxsim" sensitivity sensitivity.yaml -o stopped.h5 \
      --threads 1 > stopped.log 2>&1
    status=$?
    set -e
    cat stopped.log
    [ "$status" -ne 0 ] || fail "the stopped experiment exited 0"
    [ ! -e stopped.h5 ] && [ -f stopped.h5.partial ] || fail "no stopped.h5.partial alone"
    grep -q "points kept in stopped.h5.partial; finish .* with: cxsim sensitivity .* --resume$" \
      stopped.log || fail "no resume command"
    check_partial stopped.h5.partial 3
    "$mpirun" -np 3 "$cxsim" sensitivity sensitivity.yaml -o stopped.h5 --threads 1 --resume -q ||
      fail "mpirun -np 3 --resume failed"
    [ -f stopped.h5 ] && [ ! -e stopped.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 stopped.h5 || fail "the resumed file differs from the single-process run"
    ;;
  abort | throw)
    set +e
    CXSIM_TEST_FAIL_RANK=1 CXSIM_TEST_FAIL_AFTER=1 CXSIM_TEST_FAIL_MODE=$case \
      "$mpirun" -np 2 "$cxsim" sensitivity sensitivity.yaml -o failed.h5 --threads 1 \
      > failed.log 2>&1
    status=$?
    set -e
    cat failed.log
    [ "$status" -ne 0 ] || fail "the job with a failing rank exited 0"
    [ ! -e failed.h5 ] || fail "failed.h5 exists although a rank failed"
    [ -f failed.h5.partial ] || fail "no failed.h5.partial"
    grep -q "rank 1" failed.log || fail "the messages do not name rank 1"
    grep -q "finish .* with: cxsim sensitivity .* --resume$" failed.log || fail "no resume command"
    # The point rank 1 delivered (at least) is kept; a point that threw is never written.
    check_partial failed.h5.partial 1
    if [ "$case" = abort ]; then
      "$mpirun" -np 3 "$cxsim" sensitivity sensitivity.yaml -o failed.h5 --threads 1 --resume -q ||
        fail "mpirun -np 3 --resume failed"
    else
      "$cxsim" sensitivity sensitivity.yaml -o failed.h5 --threads 1 --resume -q ||
        fail "--resume failed"
    fi
    [ -f failed.h5 ] && [ ! -e failed.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 failed.h5 || fail "the resumed file differs from the single-process run"
    ;;
  *)
    fail "unknown case $case"
    ;;
esac
echo "PASS: $case"
