// The steps of `cxsim attribute` that the single-process command and its MPI version take the
// same way: opening or resuming the file with its plan of batches, the header line, the command
// that finishes an interrupted attribution, and the end (Shapley shares, rename, summary).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/sub_roadmaps.hpp"
#include "outputs/attribution_writer.hpp"

namespace cxsim::cli {

struct OpenedAttribution {
  std::filesystem::path output;
  std::unique_ptr<AttributionWriter> writer;
  AttributionPlan plan;
  std::vector<int> todo;  // the batches not yet in the file, in order
};

LoadedExperiment load_attribute_experiment(const ExperimentArguments& args);

// The batch size a new file uses: as memory allows, or CXSIM_ATTRIBUTE_BATCH (a test hook; the
// results do not depend on it).
int attribution_batch_size_for(const Scenario& base, const AttributeBlock& block);

// Creates <output>.partial with `batch_size` coalitions per batch, or with --resume reopens it
// (its own batch size) and checks it holds this attribution's batches.
OpenedAttribution open_attribution(const ExperimentArguments& args,
                                   const LoadedExperiment& experiment, int batch_size);

// "attribute exact: delta_npv of phased among 4 initiatives: ..." on stderr unless quiet;
// `where` ends the line (e.g. "; 3 ranks (MPI)").
void print_attribution_header(const ExperimentArguments& args, const LoadedExperiment& experiment,
                              const OpenedAttribution& opened, const std::string& where = "");

// Roadmap runs per replication of a batch, for the progress line's rate.
int attribution_runs_per_replication(const LoadedExperiment& experiment,
                                     const AttributionPlan& plan);

// Batches the file holds.
std::int64_t attribution_batches_kept(const AttributionWriter& writer);

// The end of a complete attribution: Shapley shares written, file renamed, summary printed.
int finish_attribution(const ExperimentArguments& args, OpenedAttribution& opened);

}  // namespace cxsim::cli
