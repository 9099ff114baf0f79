// `cxsim sweep` and `cxsim sensitivity` under mpirun or srun (CXSIM_MPI builds): points spread
// over the ranks, rank 0 writes the experiment file and shows progress; see docs/distributed.md.
#pragma once

#include "cli/commands.hpp"

namespace cxsim::cli {

// What experiment_command hands over to when mpi_launched().
int mpi_experiment_command(const ExperimentArguments& args);

}  // namespace cxsim::cli
