#!/usr/bin/env bash
# MPI tests of `cxsim run` (CXSIM_MPI=ON builds): identical datasets at any rank count, and a
# failed rank leaving a partial file that --resume finishes.
# Usage: mpi_run_test.sh CXSIM SOURCE_DIR WORK_DIR CASE
#   CASE: ranks-N (N ranks against the single-process run), abort (rank 1 dies),
#         throw (a replication on rank 1 throws)
set -euo pipefail
cxsim=$1
source_dir=$2
work=$3
case=$4
source "$(dirname "$0")/mpi_test_setup.sh"
scenario="$source_dir/scenarios/telecom.yaml"
args=(--set agents=2000 --replications 8 --seed 7 --threads 1 -q)

"$cxsim" run "$scenario" -o reference.h5 "${args[@]}"

case "$case" in
  ranks-*)
    n=${case#ranks-}
    "$mpirun" -np "$n" "$cxsim" run "$scenario" -o mpi.h5 "${args[@]}" || fail "mpirun -np $n failed"
    [ -f mpi.h5 ] && [ ! -e mpi.h5.partial ] || fail "mpi.h5 was not renamed from .partial"
    $compare reference.h5 mpi.h5 || fail "-np $n differs from the single-process run"
    ;;
  abort | throw)
    set +e
    CXSIM_TEST_FAIL_RANK=1 CXSIM_TEST_FAIL_AFTER=2 CXSIM_TEST_FAIL_MODE=$case \
      "$mpirun" -np 2 "$cxsim" run "$scenario" -o failed.h5 "${args[@]}" > failed.log 2>&1
    status=$?
    set -e
    cat failed.log
    [ "$status" -ne 0 ] || fail "the job with a failing rank exited 0"
    [ ! -e failed.h5 ] || fail "failed.h5 exists although a rank failed"
    [ -f failed.h5.partial ] || fail "no failed.h5.partial"
    grep -q "rank 1" failed.log || fail "the messages do not name rank 1"
    # The partial file: complete = 0, the two replications rank 1 delivered (at least), and
    # every written replication equal to the reference.
    # (An aborted rank's peers may finish everything before mpirun stops them; a replication
    # that threw is never written.)
    /usr/bin/python3 - failed.h5.partial reference.h5 "$case" <<'PY' || fail "partial file check"
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as p, h5py.File(sys.argv[2], "r") as r:
    assert int(p.attrs["complete"]) == 0, "complete is not 0"
    done = p["done"][()].astype(bool)
    print(f"partial: {done.sum()} of {done.size} replications written")
    assert done.sum() >= 2, "the replications rank 1 delivered are missing"
    assert sys.argv[3] != "throw" or done.sum() < done.size, "the failed replication is written"
    for name in ("timeseries/customers", "timeseries/revenue", "summary/npv"):
        a, b = p[name][()][:, done], r[name][()][:, done]
        assert a.tobytes() == b.tobytes(), f"{name} differs in a written replication"
PY
    if [ "$case" = abort ]; then
      # Resume with another rank count, then check against the reference.
      "$mpirun" -np 3 "$cxsim" run "$scenario" -o failed.h5 "${args[@]}" --resume ||
        fail "mpirun -np 3 --resume failed"
    else
      # Resume with the plain, single-process path.
      "$cxsim" run "$scenario" -o failed.h5 "${args[@]}" --resume || fail "--resume failed"
    fi
    [ -f failed.h5 ] && [ ! -e failed.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 failed.h5 || fail "the resumed file differs from the single-process run"
    ;;
  *)
    fail "unknown case $case"
    ;;
esac
echo "PASS: $case"
