// Every rank loads the experiment and checks it matches rank 0's; rank 0 creates or resumes the
// file and tells the others its batch size (a resumed file keeps its own), then all ranks join
// the farm with batches as its items: a rank runs every replication of the batch it is handed on
// its own threads, as the single-process command runs it, and rank 0 writes the batch and, at the
// end, the Shapley shares, so the datasets equal those of a single-process run.
#include "cli/mpi_attribute.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>

#include "cli/attribute_steps.hpp"
#include "cli/mpi_steps.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/stop_signals.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/point_job.hpp"
#include "distributed/result_codec.hpp"
#include "distributed/work_farm.hpp"
#include "engine/core/errors.hpp"
#include "outputs/sha256.hpp"

namespace cxsim::cli {

int mpi_attribute_command(const ExperimentArguments& args) {
  const MpiSession mpi;
  const int rank = mpi.rank();

  // 1. Every rank loads the experiment and its scenario itself (the files must be visible on
  // every node) and checks it resolved the same experiment.
  std::optional<LoadedExperiment> loaded;
  std::exception_ptr error;
  try {
    loaded.emplace(load_attribute_experiment(args));
  } catch (...) {
    error = std::current_exception();
  }
  if (const int status = agree_loaded(mpi, error, "experiment"); status != 0) return status;
  const LoadedExperiment& experiment = *loaded;
  const Scenario& base = experiment.base;
  const AttributeBlock& block = experiment.spec.attribute;
  const std::string digest =
      sha256_hex(sha256_hex(experiment.spec.resolved_yaml) + sha256_hex(base.resolved_yaml));
  if (const int status =
          agree_same(mpi, digest, "experiment", "experiment_sha256 or scenario_sha256");
      status != 0) {
    return status;
  }

  // 2. Rank 0 creates or resumes the file; its batch size (memory on its node, or the resumed
  // file's) lays out the batches on every rank.
  std::optional<OpenedAttribution> opened;
  if (rank == 0) {
    try {
      opened.emplace(open_attribution(args, experiment, attribution_batch_size_for(base, block)));
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (const int status = follow_rank0(mpi, error); status != 0) return status;
  const int batch_size = broadcast_from_rank0(rank == 0 ? opened->plan.batch_size : 0);
  const AttributionPlan plan =
      rank == 0 ? opened->plan : make_attribution_plan(block, base.seed, batch_size);

  const std::int64_t R = base.replications;
  StopSignals signals;
  FarmOptions options;
  options.stop = &signals.flag();
  options.failure = FailureInjection::from_environment();
  LocalTaskOptions local_options;
  local_options.threads = args.threads;
  local_options.slots = points_in_flight(base, args.threads, R);
  local_options.noun = "batch";
  local_options.rank = rank;
  local_options.failure = options.failure;
  LocalTasks local(local_options, [&]() -> TaskJob {
    return make_scenario_job(
        [&](int b) {
          return std::make_shared<const Scenario>(batch_scenario(base, block, plan, b));
        },
        R, args.threads);
  });

  // 3. The farm. From here a failure that leaves other ranks waiting ends the whole job.
  if (rank != 0) return work_as_rank(mpi, local, options, signals);

  OpenedAttribution& file = *opened;
  const std::vector<std::int64_t> todo(file.todo.begin(), file.todo.end());
  print_attribution_header(
      args, experiment, file,
      fmt::format("; {} rank{} (MPI)", mpi.size(), mpi.size() == 1 ? "" : "s"));

  // Test hook: behave as if interrupted once this many batches are written.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  std::int64_t batches_here = 0;
  const std::int64_t already = plan.batches() - static_cast<std::int64_t>(todo.size());
  Progress progress(plan.batches() * R, already * R, Progress::style_for(args.quiet), stderr,
                    attribution_runs_per_replication(experiment, plan));
  const std::string output = file.output.string();
  const FarmEnding ending{progress,
                          [&] {
                            return experiment_resume_hint(
                                args, output, attribution_batches_kept(*file.writer),
                                plan.batches(), " (with any number of ranks, or in one process)",
                                "batches");
                          },
                          [&] { file.writer.reset(); }};
  const int status = coordinate_as_rank0(
      mpi, local, plan.batches(), todo, options,
      [&](std::int64_t item, std::vector<std::byte>&& bytes) {
        PointRun run;
        run.point = static_cast<int>(item);
        run.replications = decode_point(bytes, R, "batch", item);
        file.writer->write_batch(plan, run);
        for (std::int64_t r = 0; r < R; ++r) progress.advance();
        if (stop_after >= 0 && ++batches_here >= stop_after) signals.flag().store(true);
      },
      signals, ending);
  if (status != 0) return status;

  if (signals.stopped()) {  // the test hook's orderly stop: every batch handed out is written
    const std::string message = ending.hint();
    file.writer.reset();
    fmt::print(stderr, "interrupted: {}\n", message);
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  progress.finish();
  return finish_attribution(args, file);
}

}  // namespace cxsim::cli
