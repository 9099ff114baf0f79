# Sourced by the MPI test scripts after `cxsim=$1 source_dir=$2 work=$3 case=$4`: the Open MPI
# settings every mpirun here needs, the results comparison, a fresh work folder, and fail().
# CI runs as root; Open MPI refuses that unless told. Two cores: allow more ranks than cores and
# leave the ranks unbound so they share them.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
# Containers often forbid the cross-memory attach that Open MPI's shared-memory transport uses.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun=${MPIRUN:-mpirun}
compare="/usr/bin/python3 $source_dir/tests/tools/compare_results.py"

rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
