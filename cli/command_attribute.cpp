// `cxsim attribute`: load the experiment, lay out the coalitions of the roadmap's initiatives, run
// their sub-roadmaps batch by batch on every core into <output>.partial, compute the Shapley
// shares, finish, print the summary. SIGINT and SIGTERM stop new replications; finished batches
// stay for --resume. Under mpirun or srun (CXSIM_MPI builds) the batches spread over the ranks
// instead (cli/mpi_attribute.cpp).
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "cli/attribute_steps.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/stop_signals.hpp"
#include "experiments/experiment_runner.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_attribute.hpp"
#include "cli/mpi_run.hpp"
#endif

namespace cxsim::cli {

int attribute_command(const ExperimentArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) return mpi_attribute_command(args);  // under mpirun or srun
#endif
  const LoadedExperiment experiment = load_attribute_experiment(args);
  const Scenario& base = experiment.base;
  const AttributeBlock& block = experiment.spec.attribute;
  OpenedAttribution opened =
      open_attribution(args, experiment, attribution_batch_size_for(base, block));
  const AttributionPlan& plan = opened.plan;
  print_attribution_header(args, experiment, opened);

  StopSignals signals;
  // Test hook: behave as if interrupted once this many batches are written.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  const std::int64_t R = base.replications;
  const std::int64_t done_batches = plan.batches() - static_cast<std::int64_t>(opened.todo.size());
  Progress progress(plan.batches() * R, done_batches * R, Progress::style_for(args.quiet), stderr,
                    attribution_runs_per_replication(experiment, plan));
  ExperimentRunOptions options;
  options.threads = args.threads;
  options.stop = &signals.flag();
  options.summaries_only = true;
  std::int64_t batches_here = 0;
  run_scenarios(
      opened.todo,
      [&](int b) { return std::make_shared<const Scenario>(batch_scenario(base, block, plan, b)); },
      R, options,
      [&](PointRun&& run) {
        opened.writer->write_batch(plan, run);
        ++batches_here;
        if (stop_after >= 0 && batches_here >= stop_after) signals.flag().store(true);
      },
      [&] { progress.advance(); });
  progress.finish();

  if (signals.stopped()) {
    const std::int64_t kept = attribution_batches_kept(*opened.writer);
    opened.writer.reset();
    fmt::print(
        stderr, "interrupted: {}\n",
        experiment_resume_hint(args, opened.output.string(), kept, plan.batches(), "", "batches"));
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  return finish_attribution(args, opened);
}

}  // namespace cxsim::cli
