// `cxsim attribute` under mpirun or srun (CXSIM_MPI builds): the batches of sub-roadmaps spread
// over the ranks, rank 0 writes the file, computes the Shapley shares and shows progress; see
// docs/distributed.md.
#pragma once

#include "cli/commands.hpp"

namespace cxsim::cli {

// What attribute_command hands over to when mpi_launched().
int mpi_attribute_command(const ExperimentArguments& args);

}  // namespace cxsim::cli
