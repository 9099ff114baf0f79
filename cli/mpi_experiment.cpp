// Every rank loads the experiment and checks it matches rank 0's; rank 0 creates or resumes the
// experiment file, then all ranks join the farm with points as its items: a rank runs every
// replication of the point it is handed on its own threads, as the single-process command runs
// it, and rank 0 writes the point and, at the end, computes the indices from the file, so the
// datasets equal those of a single-process run.
#include "cli/mpi_experiment.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/experiment_steps.hpp"
#include "cli/mpi_steps.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/stop_signals.hpp"
#include "config/scenario_loader.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/point_job.hpp"
#include "distributed/result_codec.hpp"
#include "distributed/work_farm.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "outputs/sha256.hpp"

namespace cxsim::cli {

int mpi_experiment_command(const ExperimentArguments& args) {
  const MpiSession mpi;
  const int rank = mpi.rank();

  // 1. Every rank loads the experiment and its scenario itself (the files must be visible on
  // every node), lays out the same points, and checks it resolved the same experiment.
  std::optional<LoadedExperiment> loaded;
  std::optional<ExperimentPoints> laid_out;
  std::exception_ptr error;
  try {
    loaded.emplace(load_command_experiment(args));
    laid_out.emplace(make_points(loaded->spec, loaded->base.seed));
  } catch (...) {
    error = std::current_exception();
  }
  if (const int status = agree_loaded(mpi, error, "experiment"); status != 0) return status;
  const LoadedExperiment& experiment = *loaded;
  const ExperimentSpec& spec = experiment.spec;
  const Scenario& base = experiment.base;
  const ExperimentPoints& points = *laid_out;
  const std::string digest =
      sha256_hex(sha256_hex(spec.resolved_yaml) + sha256_hex(base.resolved_yaml));
  if (const int status = agree_same(mpi, digest, "experiment",
                                    "experiment_sha256 or "
                                    "scenario_sha256");
      status != 0) {
    return status;
  }

  // 2. Rank 0 creates or resumes the file.
  const std::filesystem::path output = experiment_output_path(args);
  std::unique_ptr<ExperimentWriter> writer;
  if (rank == 0) {
    try {
      writer = open_experiment_writer(args, experiment, points, output);
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (const int status = follow_rank0(mpi, error); status != 0) return status;

  const std::int64_t R = base.replications;
  auto overrides = [&](int p) { return point_overrides(spec, points, p); };
  StopSignals signals;
  FarmOptions options;
  options.stop = &signals.flag();
  options.failure = FailureInjection::from_environment();
  LocalTaskOptions local_options;
  local_options.threads = args.threads;
  local_options.slots = points_in_flight(base, args.threads, R);
  local_options.noun = "point";
  local_options.rank = rank;
  local_options.failure = options.failure;
  LocalTasks local(local_options, [&]() -> TaskJob {
    TaskJob run_point = make_point_job(experiment.source, overrides, R, args.threads);
    // A combination of factor values the scenario refuses: named, with the scenario's reasons.
    return [&, run_point](std::int64_t p) {
      try {
        return run_point(p);
      } catch (const ScenarioError& e) {
        throw refused_point(args, spec, points, static_cast<int>(p), e);
      }
    };
  });

  // 3. The farm. From here a failure that leaves other ranks waiting ends the whole job.
  if (rank != 0) return work_as_rank(mpi, local, options, signals);

  const std::vector<int> todo_points = points_to_run(points, *writer);
  const std::vector<std::int64_t> todo(todo_points.begin(), todo_points.end());
  const std::int64_t already = points.runs() - static_cast<std::int64_t>(todo.size());
  print_experiment_header(args, experiment, points, already,
                          fmt::format("; {} rank{} (MPI)", mpi.size(), mpi.size() == 1 ? "" : "s"));

  // Test hook: behave as if interrupted once this many points are written.
  const std::int64_t stop_after = stop_after_points();
  std::int64_t points_here = 0;
  Progress progress(points.runs() * R, already * R, Progress::style_for(args.quiet), stderr,
                    roadmap_runs_per_replication(base));
  const FarmEnding ending{progress,
                          // The command to finish ends each message: the last line ends with it.
                          [&] {
                            try {
                              writer->commit();  // what was written reaches the disk first
                            } catch (const std::exception&) {
                              // Not committed: those points are run again by the resume.
                            }
                            return experiment_resume_hint(
                                args, output.string(), points_kept(*writer), points.runs(),
                                " (with any number of ranks, or in one process)");
                          },
                          [&] { writer.reset(); }};
  const int status = coordinate_as_rank0(
      mpi, local, points.runs(), todo, options,
      [&](std::int64_t item, std::vector<std::byte>&& bytes) {
        PointRun run;
        run.point = static_cast<int>(item);
        run.replications = decode_point(bytes, R, "point", item);
        // The point's scenario, for its parameter values: as the runner built it.
        LoadOptions load;
        load.overrides = overrides(run.point);
        load.describe = false;
        run.scenario = std::make_shared<const Scenario>(build_scenario(experiment.source, load));
        writer->write_point(run);
        for (std::int64_t r = 0; r < R; ++r) progress.advance();
        if (stop_after >= 0 && ++points_here >= stop_after) signals.flag().store(true);
      },
      signals, ending);
  if (status != 0) return status;

  if (signals.stopped()) {  // the test hook's orderly stop: every point handed out is written
    const std::string message = ending.hint();
    writer.reset();
    fmt::print(stderr, "interrupted: {}\n", message);
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  return finish_experiment(args, writer, experiment, points, output);
}

}  // namespace cxsim::cli
