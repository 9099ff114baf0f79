#!/usr/bin/env bash
# MPI tests of `cxsim attribute` (CXSIM_MPI=ON builds): the file identical to the single-process
# one at any rank count, and an interrupted or failed attribution leaving a partial file that
# --resume finishes to the identical file.
# Usage: mpi_attribute_test.sh CXSIM SOURCE_DIR WORK_DIR CASE
#   CASE: ranks-N (N ranks of one thread against the single-process run), stop
#         (CXSIM_STOP_AFTER at 2 ranks, resumed at 3), throw (a batch on rank 1 throws; resumed
#         in one process)
set -euo pipefail
cxsim=$1
source_dir=$2
work=$3
case=$4
source "$(dirname "$0")/mpi_test_setup.sh"

# The phased roadmap's four initiatives: 16 sub-roadmaps, 2 to a batch (the test hook), so the
# ranks share 8 batches (enough that a slow rank 1 still gets the second batch the throw case
# fails on); telecom with 1000 agents and 2 replications.
export CXSIM_ATTRIBUTE_BATCH=2
cat > attribute.yaml <<YAML
scenario: $source_dir/scenarios/telecom.yaml
set: {agents: 1000}
replications: 2
attribute: {roadmap: phased, metric: delta_npv, method: exact}
YAML
# The reference: one process on two threads.
"$cxsim" attribute attribute.yaml -o reference.h5 -q --threads 2

# Every batch marked done in a partial file equals the reference's.
check_partial() {
  /usr/bin/python3 - "$1" reference.h5 "$2" "$CXSIM_ATTRIBUTE_BATCH" <<'PY' || fail "partial file check"
import sys
import h5py
with h5py.File(sys.argv[1], "r") as p, h5py.File(sys.argv[2], "r") as r:
    assert int(p.attrs["complete"]) == 0, "complete is not 0"
    done = p["run/point_done"][()].astype(bool)
    print(f"partial: {done.sum()} of {done.size} batches written")
    assert done.sum() >= int(sys.argv[3]), "batches the failing rank delivered are missing"
    per = int(sys.argv[4])
    rows = [c for b in range(done.size) if done[b] for c in range(b * per, (b + 1) * per)]
    a, b = p["attribute/value"][()][rows], r["attribute/value"][()][rows]
    assert a.tobytes() == b.tobytes(), "/attribute/value differs in a written batch"
PY
}

case "$case" in
  ranks-*)
    n=${case#ranks-}
    "$mpirun" -np "$n" "$cxsim" attribute attribute.yaml -o mpi.h5 -q --threads 1 ||
      fail "mpirun -np $n failed"
    [ -f mpi.h5 ] && [ ! -e mpi.h5.partial ] || fail "mpi.h5 was not renamed from .partial"
    $compare reference.h5 mpi.h5 || fail "-np $n differs from the single-process run"
    if [ "$n" = 2 ]; then
      # Negative control: another seed under MPI gives another file.
      "$mpirun" -np 2 "$cxsim" attribute attribute.yaml -o seed.h5 -q --threads 1 --seed 99 ||
        fail "mpirun -np 2 --seed 99 failed"
      ! $compare reference.h5 seed.h5 > /dev/null || fail "another seed gave the same file"
    fi
    ;;
  stop)
    set +e
    CXSIM_STOP_AFTER=2 "$mpirun" -np 2 "$cxsim" attribute attribute.yaml -o stopped.h5 \
      --threads 1 > stopped.log 2>&1
    status=$?
    set -e
    cat stopped.log
    [ "$status" -ne 0 ] || fail "the stopped attribution exited 0"
    [ ! -e stopped.h5 ] && [ -f stopped.h5.partial ] || fail "no stopped.h5.partial alone"
    grep -q "batches kept in stopped.h5.partial; finish .* with: cxsim attribute .* --resume$" \
      stopped.log || fail "no resume command"
    check_partial stopped.h5.partial 2
    "$mpirun" -np 3 "$cxsim" attribute attribute.yaml -o stopped.h5 --threads 1 --resume -q ||
      fail "mpirun -np 3 --resume failed"
    [ -f stopped.h5 ] && [ ! -e stopped.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 stopped.h5 || fail "the resumed file differs from the single-process run"
    ;;
  throw)
    set +e
    CXSIM_TEST_FAIL_RANK=1 CXSIM_TEST_FAIL_AFTER=1 CXSIM_TEST_FAIL_MODE=throw \
      "$mpirun" -np 2 "$cxsim" attribute attribute.yaml -o failed.h5 --threads 1 \
      > failed.log 2>&1
    status=$?
    set -e
    cat failed.log
    [ "$status" -ne 0 ] || fail "the job with a failing rank exited 0"
    [ ! -e failed.h5 ] || fail "failed.h5 exists although a rank failed"
    [ -f failed.h5.partial ] || fail "no failed.h5.partial"
    grep -q "rank 1" failed.log || fail "the messages do not name rank 1"
    grep -q "finish .* with: cxsim attribute .* --resume$" failed.log || fail "no resume command"
    check_partial failed.h5.partial 1
    "$cxsim" attribute attribute.yaml -o failed.h5 --threads 1 --resume -q || fail "--resume failed"
    [ -f failed.h5 ] && [ ! -e failed.h5.partial ] || fail "resume did not complete the file"
    $compare reference.h5 failed.h5 || fail "the resumed file differs from the single-process run"
    ;;
  *)
    fail "unknown case $case"
    ;;
esac
echo "PASS: $case"
