// What cli/command_attribute.cpp and cli/mpi_attribute.cpp share.
#include "cli/attribute_steps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "cli/run_steps.hpp"
#include "engine/core/errors.hpp"

namespace cxsim::cli {

LoadedExperiment load_attribute_experiment(const ExperimentArguments& args) {
  ExperimentLoadOptions load;
  load.overrides = args.overrides;
  load.replications = args.replications;
  load.seed = args.seed;
  return load_experiment(args.file, ExperimentKind::attribute, load);
}

int attribution_batch_size_for(const Scenario& base, const AttributeBlock& block) {
  if (const char* env = std::getenv("CXSIM_ATTRIBUTE_BATCH")) {
    const int n = std::atoi(env);
    if (n >= 1) return n;
  }
  return attribution_batch_size(base, block);
}

OpenedAttribution open_attribution(const ExperimentArguments& args,
                                   const LoadedExperiment& experiment, int batch_size) {
  const Scenario& base = experiment.base;
  const AttributeBlock& block = experiment.spec.attribute;
  OpenedAttribution opened;
  opened.output = args.output_given
                      ? std::filesystem::path(args.output)
                      : std::filesystem::path(args.file).filename().replace_extension(".h5");
  const RunProvenance provenance{args.command_line, false};
  if (args.resume) {
    opened.writer =
        AttributionWriter::resume(opened.output, experiment, provenance, writer_options());
    opened.plan = make_attribution_plan(block, base.seed, opened.writer->batch_size());
    if (static_cast<int>(opened.writer->done().size()) != opened.plan.batches()) {
      throw IoError(
          fmt::format("{}: holds {} batches, this attribution has {} (expected the file "
                      "of this experiment: run without --resume, or with --force)",
                      (opened.output.string() + ".partial"), opened.writer->done().size(),
                      opened.plan.batches()));
    }
  } else {
    opened.plan = make_attribution_plan(block, base.seed, batch_size);
    opened.writer = AttributionWriter::create(opened.output, experiment, opened.plan, provenance,
                                              args.force, writer_options());
  }
  for (int b = 0; b < opened.plan.batches(); ++b) {
    if (!opened.writer->done()[static_cast<std::size_t>(b)]) opened.todo.push_back(b);
  }
  return opened;
}

void print_attribution_header(const ExperimentArguments& args, const LoadedExperiment& experiment,
                              const OpenedAttribution& opened, const std::string& where) {
  if (args.quiet) return;
  const AttributeBlock& block = experiment.spec.attribute;
  const std::int64_t R = experiment.base.replications;
  const int C = opened.plan.coalitions.coalitions();
  const int batches = opened.plan.batches();
  const auto done = batches - static_cast<int>(opened.todo.size());
  fmt::print(stderr,
             "attribute {}: {} of {} among {} initiative{}: {} sub-roadmap{} in {} batch{} x {} "
             "replication{}, {} agents{}{}\n",
             to_string(block.method), block.metric, block.roadmap, block.players.size(),
             block.players.size() == 1 ? "" : "s", C, C == 1 ? "" : "s", batches,
             batches == 1 ? "" : "es", R, R == 1 ? "" : "s", experiment.base.agents, where,
             done > 0 ? fmt::format(" ({} batches already done)", done) : "");
}

int attribution_runs_per_replication(const LoadedExperiment& experiment,
                                     const AttributionPlan& plan) {
  const int C = plan.coalitions.coalitions();
  return (std::min(plan.batch_size, C) + 1) *
         (needs_zero_defect(experiment.spec.attribute) ? 2 : 1);
}

std::int64_t attribution_batches_kept(const AttributionWriter& writer) {
  std::int64_t kept = 0;
  for (const bool d : writer.done()) kept += d ? 1 : 0;
  return kept;
}

int finish_attribution(const ExperimentArguments& args, OpenedAttribution& opened) {
  opened.writer->finish(opened.plan);
  opened.writer.reset();
  if (!args.quiet) {
    fmt::print(stderr, "wrote {}\n", opened.output.string());
    print_summary(opened.output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
