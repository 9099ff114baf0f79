// The steps `cxsim sweep` and `cxsim sensitivity` take the same way in one process and under
// MPI: loading the experiment with the command line's options, naming the output, opening the
// file, listing the points left, the messages, finishing with the indices.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "engine/core/errors.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/experiment_points.hpp"
#include "outputs/experiment_writer.hpp"

namespace cxsim::cli {

// The experiment file for args.command, with --set, --replications and --seed applied.
LoadedExperiment load_command_experiment(const ExperimentArguments& args);

// -o, else the experiment file's name with .h5.
std::filesystem::path experiment_output_path(const ExperimentArguments& args);

// Created, or with --resume reopened (an interrupted experiment's <output>.partial).
std::unique_ptr<ExperimentWriter> open_experiment_writer(const ExperimentArguments& args,
                                                         const LoadedExperiment& experiment,
                                                         const ExperimentPoints& points,
                                                         const std::filesystem::path& output);

// Points the writer does not hold yet, in order.
std::vector<int> points_to_run(const ExperimentPoints& points, const ExperimentWriter& writer);

// Points the writer holds.
std::int64_t points_kept(const ExperimentWriter& writer);

// "sweep grid: 3 points x 2 replications, ..." (unless quiet); `where` ends the line, e.g.
// "; 3 ranks (MPI)".
void print_experiment_header(const ExperimentArguments& args, const LoadedExperiment& experiment,
                             const ExperimentPoints& points, std::int64_t points_done,
                             std::string_view where = "");

// Test hook CXSIM_STOP_AFTER=n: behave as if interrupted once n points are written (-1: unset).
std::int64_t stop_after_points();

// The scenario's refusal of point p's combination of factor values, named, with its reasons.
ScenarioError refused_point(const ExperimentArguments& args, const ExperimentSpec& spec,
                            const ExperimentPoints& points, int p, const ScenarioError& error);

// Computes the indices (sensitivity), completes and renames the file, then (unless quiet) says
// so and prints the summary.
int finish_experiment(const ExperimentArguments& args, std::unique_ptr<ExperimentWriter>& writer,
                      const LoadedExperiment& experiment, const ExperimentPoints& points,
                      const std::filesystem::path& output);

}  // namespace cxsim::cli
