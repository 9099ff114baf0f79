// `cxsim optimize`: load the experiment and its plans, race them with KN on common random numbers
// into <output>.partial (each stage's observations on the disk before the next), finish, print
// the summary. SIGINT and SIGTERM end the run after the current stage; --resume replays the
// observations on the disk and goes on, to the identical file. A space too large to race is
// screened first (experiments/plan_screening.hpp), and again, identically, on --resume.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/experiment_steps.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "config/yaml_values.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/optimizer.hpp"
#include "experiments/plan_screening.hpp"
#include "outputs/optimize_writer.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_run.hpp"
#endif

namespace cxsim::cli {

int optimize_command(const ExperimentArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) {
    // Every rank would race the same plans into the same file: refused before any work.
    throw UsageError(
        "cxsim optimize does not spread over MPI ranks (got a start under an MPI launcher; "
        "expected cxsim optimize started on its own: it uses every core of one machine)");
  }
#endif
  ExperimentLoadOptions load;
  load.overrides = args.overrides;
  load.replications = args.replications;
  load.seed = args.seed;
  LoadedExperiment experiment = load_experiment(args.file, ExperimentKind::optimize, load);
  const OptimizeBlock& block = experiment.spec.optimize;
  StopSignals signals;
  if (block.screened) {
    // Recomputed on --resume too: deterministic, so the same short list.
    const ScreeningSettings& s = block.screening;
    if (!args.quiet) {
      fmt::print(stderr,
                 "optimize: {}{} feasible plans of {} subset x start month choices, too many to "
                 "race: screening them ({}, population {}, {} generations, {} replications a "
                 "plan on common random numbers) for a short list of {}\n",
                 block.feasible_plans >= kMaxCountedPlans ? "at least " : "",
                 format_number(block.feasible_plans), format_number(block.all_plans), s.method,
                 s.population, s.generations, s.replications, s.shortlist);
    }
    try {
      apply_screening(experiment.spec.optimize,
                      screen_plans(experiment, args.threads, &signals.flag()));
    } catch (const ScreeningStopped&) {
      fmt::print(stderr, "interrupted during the screening: nothing was written; run it again\n");
      std::fflush(stderr);
      return 128 + signals.signal();
    }
    if (!args.quiet) {
      const ScreeningOutcome& o = block.screening_outcome;
      fmt::print(stderr,
                 "screening: {} plans evaluated ({} replications); KN races the best {} and the "
                 "plan with no initiative, from replication {} on\n",
                 o.evaluated.size(), o.observations, o.shortlist.size(), block.first_replication());
    }
  }
  const OptimizeProblem problem = make_optimize_problem(experiment);

  const std::filesystem::path output = experiment_output_path(args);
  const RunProvenance provenance{args.command_line, !block.common_random_numbers};
  std::unique_ptr<OptimizeWriter> writer =
      args.resume
          ? OptimizeWriter::resume(output, experiment, problem, provenance, writer_options())
          : OptimizeWriter::create(output, experiment, problem, provenance, args.force,
                                   writer_options());

  const std::int64_t budgets =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(block.capex_total.size()));
  if (!args.quiet) {
    const std::string space =
        block.screened
            ? fmt::format("{} candidates (the short list and the plan with no initiative)",
                          block.plans.size())
            : fmt::format("{} feasible plan{} of {} subset x start month choices",
                          block.plans.size(), block.plans.size() == 1 ? "" : "s",
                          format_number(block.all_plans));
    fmt::print(stderr,
               "optimize: {}, {} first-stage replications each, at most {} replications{}, {} "
               "agents{}{}\n",
               space, block.first_stage, block.max_replications,
               budgets > 1 ? fmt::format(" per budget ({} budgets)", budgets) : std::string(),
               experiment.base.agents,
               block.common_random_numbers ? "" : ", independent random numbers (no CRN)",
               writer->written() > 0
                   ? fmt::format(" ({} replications already done)", writer->written())
                   : std::string());
    for (const auto& e : block.excluded_starts) fmt::print(stderr, "  not a candidate: {}\n", e);
  }

  // Test hook: behave as if interrupted once this many observations are taken here.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  Progress progress(budgets * block.max_replications, writer->written(),
                    Progress::style_for(args.quiet), stderr, 1);
  OptimizeRunOptions options;
  options.threads = args.threads;
  options.stop = &signals.flag();
  options.resumed = writer->resumed();
  options.common_random_numbers = block.common_random_numbers;
  std::int64_t here = 0;
  options.on_observation = [&](const OptimizeObservation& o) {
    writer->add(o);
    progress.advance();
    if (stop_after >= 0 && ++here >= stop_after) signals.flag().store(true);
  };
  options.on_stage = [&] { writer->write_stage(); };
  const OptimizationRun run = run_optimization(experiment, problem, options);
  progress.finish();

  if (run.stopped) {
    writer->write_stage();
    const std::int64_t kept = writer->written();
    writer.reset();
    fmt::print(stderr, "interrupted: {} replications kept in {}; finish with: {}\n", kept,
               output.string() + ".partial", experiment_resume_command(args, output.string()));
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  writer->finish(run);
  writer.reset();
  if (!args.quiet) {
    fmt::print(stderr, "wrote {}\n", output.string());
    print_summary(output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
