// `cxsim attribute`: load the experiment, lay out the coalitions of the roadmap's initiatives, run
// their sub-roadmaps batch by batch on every core into <output>.partial, compute the Shapley
// shares, finish, print the summary. SIGINT and SIGTERM stop new replications; finished batches
// stay for --resume.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "engine/core/errors.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/experiment_runner.hpp"
#include "experiments/sub_roadmaps.hpp"
#include "outputs/attribution_writer.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_run.hpp"
#endif

namespace cxsim::cli {

namespace {

std::string finish_command(const ExperimentArguments& args, const std::string& output) {
  std::string out =
      fmt::format("cxsim {} {} -o {}", args.command, shell_quote(args.file), shell_quote(output));
  for (const auto& o : args.overrides) out += " --set " + shell_quote(o);
  if (args.replications) out += fmt::format(" --replications {}", *args.replications);
  if (args.seed) out += fmt::format(" --seed {}", *args.seed);
  if (args.threads > 0) out += fmt::format(" --threads {}", args.threads);
  return out + " --resume";
}

// Test hook: coalitions per batch when creating a file (the results do not depend on it).
int batch_size_for(const Scenario& base, const AttributeBlock& block) {
  if (const char* env = std::getenv("CXSIM_ATTRIBUTE_BATCH")) {
    const int n = std::atoi(env);
    if (n >= 1) return n;
  }
  return attribution_batch_size(base, block);
}

}  // namespace

int attribute_command(const ExperimentArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) {
    // Every rank would run the whole attribution into the same file: refused before any work.
    throw UsageError(
        "cxsim attribute does not spread over MPI ranks (got a start under an MPI launcher; "
        "expected cxsim attribute started on its own: it uses every core of one machine)");
  }
#endif
  ExperimentLoadOptions load;
  load.overrides = args.overrides;
  load.replications = args.replications;
  load.seed = args.seed;
  const LoadedExperiment experiment = load_experiment(args.file, ExperimentKind::attribute, load);
  const Scenario& base = experiment.base;
  const AttributeBlock& block = experiment.spec.attribute;

  const std::filesystem::path output =
      args.output_given ? std::filesystem::path(args.output)
                        : std::filesystem::path(args.file).filename().replace_extension(".h5");
  const RunProvenance provenance{args.command_line, false};
  std::unique_ptr<AttributionWriter> writer;
  AttributionPlan plan;
  if (args.resume) {
    writer = AttributionWriter::resume(output, experiment, provenance, writer_options());
    plan = make_attribution_plan(block, base.seed, writer->batch_size());
    if (static_cast<int>(writer->done().size()) != plan.batches()) {
      throw IoError(
          fmt::format("{}: holds {} batches, this attribution has {} (expected the file "
                      "of this experiment: run without --resume, or with --force)",
                      (output.string() + ".partial"), writer->done().size(), plan.batches()));
    }
  } else {
    plan = make_attribution_plan(block, base.seed, batch_size_for(base, block));
    writer = AttributionWriter::create(output, experiment, plan, provenance, args.force,
                                       writer_options());
  }

  std::vector<int> todo;
  std::int64_t done_batches = 0;
  for (int b = 0; b < plan.batches(); ++b) {
    if (writer->done()[static_cast<std::size_t>(b)]) {
      ++done_batches;
    } else {
      todo.push_back(b);
    }
  }
  const std::int64_t R = base.replications;
  const int C = plan.coalitions.coalitions();
  if (!args.quiet) {
    fmt::print(stderr,
               "attribute {}: {} of {} among {} initiative{}: {} sub-roadmap{} in {} batch{} x {} "
               "replication{}, {} agents{}\n",
               to_string(block.method), block.metric, block.roadmap, block.players.size(),
               block.players.size() == 1 ? "" : "s", C, C == 1 ? "" : "s", plan.batches(),
               plan.batches() == 1 ? "" : "es", R, R == 1 ? "" : "s", base.agents,
               done_batches > 0 ? fmt::format(" ({} batches already done)", done_batches) : "");
  }

  StopSignals signals;
  // Test hook: behave as if interrupted once this many batches are written.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  const int runs_per_replication =
      (std::min(plan.batch_size, C) + 1) * (needs_zero_defect(block) ? 2 : 1);
  Progress progress(plan.batches() * R, done_batches * R, Progress::style_for(args.quiet), stderr,
                    runs_per_replication);
  ExperimentRunOptions options;
  options.threads = args.threads;
  options.stop = &signals.flag();
  options.summaries_only = true;
  std::int64_t batches_here = 0;
  run_scenarios(
      todo,
      [&](int b) { return std::make_shared<const Scenario>(batch_scenario(base, block, plan, b)); },
      R, options,
      [&](PointRun&& run) {
        writer->write_batch(plan, run);
        ++batches_here;
        if (stop_after >= 0 && batches_here >= stop_after) signals.flag().store(true);
      },
      [&] { progress.advance(); });
  progress.finish();

  if (signals.stopped()) {
    std::int64_t kept = 0;
    for (const bool d : writer->done()) kept += d ? 1 : 0;
    writer.reset();
    fmt::print(stderr, "interrupted: {} of {} batches kept in {}; finish with: {}\n", kept,
               plan.batches(), (output.string() + ".partial"),
               finish_command(args, output.string()));
    std::fflush(stderr);
    return 128 + signals.signal();
  }

  writer->finish(plan);
  writer.reset();
  if (!args.quiet) {
    fmt::print(stderr, "wrote {}\n", output.string());
    print_summary(output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
