// `cxsim run` under mpirun or srun (CXSIM_MPI builds): replications spread over the ranks,
// rank 0 writes the results file and shows progress; see docs/distributed.md.
#pragma once

#include "cli/commands.hpp"

namespace cxsim::cli {

// True when this process was started by an MPI launcher, so run_command hands over to
// mpi_run_command.
bool mpi_launched();

int mpi_run_command(const RunArguments& args);

}  // namespace cxsim::cli
