// `cxsim sweep` and `cxsim sensitivity`: load the experiment, lay out its points, run them on
// every core into <output>.partial, compute the indices, finish, print the summary. SIGINT and
// SIGTERM stop new replications; finished points stay for --resume.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/experiment_steps.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/stop_signals.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "experiments/experiment_runner.hpp"
#include "outputs/experiment_writer.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_experiment.hpp"
#include "cli/mpi_run.hpp"
#endif

namespace cxsim::cli {

int experiment_command(const ExperimentArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) return mpi_experiment_command(args);  // under mpirun or srun
#endif
  const LoadedExperiment experiment = load_command_experiment(args);
  const ExperimentSpec& spec = experiment.spec;
  const Scenario& base = experiment.base;
  const ExperimentPoints points = make_points(spec, base.seed);

  const std::filesystem::path output = experiment_output_path(args);
  std::unique_ptr<ExperimentWriter> writer =
      open_experiment_writer(args, experiment, points, output);

  const std::vector<int> todo = points_to_run(points, *writer);
  const std::int64_t R = base.replications;
  const std::int64_t already = (points.runs() - static_cast<std::int64_t>(todo.size())) * R;
  print_experiment_header(args, experiment, points, already / R);

  StopSignals signals;
  // Test hook: behave as if interrupted once this many points are written.
  const std::int64_t stop_after = stop_after_points();
  Progress progress(points.runs() * R, already, Progress::style_for(args.quiet), stderr,
                    roadmap_runs_per_replication(base));
  ExperimentRunOptions options;
  options.threads = args.threads;
  options.stop = &signals.flag();
  std::int64_t points_here = 0;
  int last_loaded = 0;  // points are loaded one at a time, in order
  try {
    run_points(
        experiment.source, todo,
        [&](int p) {
          last_loaded = p;
          return point_overrides(spec, points, p);
        },
        R, options,
        [&](PointRun&& run) {
          writer->write_point(run);
          ++points_here;
          if (stop_after >= 0 && points_here >= stop_after) signals.flag().store(true);
        },
        [&] { progress.advance(); });
  } catch (const ScenarioError& e) {
    // A combination of factor values the scenario refuses: named, with the scenario's reasons.
    progress.finish();
    throw refused_point(args, spec, points, last_loaded, e);
  }
  progress.finish();

  if (signals.stopped()) {
    writer->commit();  // the points written since the last commit reach the disk too
    const std::int64_t kept = points_kept(*writer);
    writer.reset();
    fmt::print(stderr, "interrupted: {}\n",
               experiment_resume_hint(args, output.string(), kept, points.runs()));
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  return finish_experiment(args, writer, experiment, points, output);
}

}  // namespace cxsim::cli
