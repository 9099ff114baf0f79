// The steps `cxsim run` takes the same way in one process and under MPI: loading the scenario
// with the command line's overrides, naming the output, listing what is left to run, finishing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "cli/commands.hpp"
#include "engine/core/scenario.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim::cli {

// The scenario with --set, --replications, --seed and --avoidable-cost applied.
Scenario load_run_scenario(const RunArguments& args);

// -o, else <scenario name>.h5.
std::filesystem::path run_output_path(const RunArguments& args, const Scenario& scenario);

// The command line and random-number mode, as the results file records them.
RunProvenance run_provenance(const RunArguments& args);

// The writer's storage options: the defaults, or the faults CXSIM_STORAGE_FAULT asks for.
WriterOptions writer_options();

// The writer of this run's results file: created, or with --resume reopened (an interrupted
// run's <output>.partial) or, for a complete <output> and --replications larger than it holds,
// extended (ResultsWriter::resume). The only difference an extension allows is the replication
// count, and it must have been asked for: --replications or --set replications=N.
std::unique_ptr<ResultsWriter> open_run_writer(const RunArguments& args, const Scenario& scenario,
                                               const std::filesystem::path& output);

// Replications the writer does not hold yet, in order.
std::vector<std::int64_t> replications_to_run(const Scenario& scenario,
                                              const ResultsWriter& writer);

// Completes and renames the file, then (unless quiet) says so and prints the roadmap table.
int finish_run(std::unique_ptr<ResultsWriter>& writer, const std::filesystem::path& output,
               bool quiet);

}  // namespace cxsim::cli
