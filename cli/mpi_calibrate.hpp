// `cxsim calibrate` under mpirun or srun (CXSIM_MPI builds): each batch's simulations spread
// over the ranks, rank 0 runs ABC-SMC, writes the file and the posterior overlay and shows
// progress; see docs/distributed.md.
#pragma once

#include "cli/commands.hpp"

namespace cxsim::cli {

// What calibrate_command hands over to when mpi_launched().
int mpi_calibrate_command(const ExperimentArguments& args);

}  // namespace cxsim::cli
