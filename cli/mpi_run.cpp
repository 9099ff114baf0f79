// Every rank loads the scenario and checks it matches rank 0's; rank 0 creates, resumes or
// extends the results file, then all ranks join the replication farm. Rank 0 writes exactly the
// bytes each rank computed, so the datasets equal those of a single-process run with the same
// seed.
#include "cli/mpi_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/mpi_steps.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/replication_job.hpp"
#include "distributed/result_codec.hpp"
#include "distributed/work_farm.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/sha256.hpp"

namespace cxsim::cli {

bool mpi_launched() {
  return launched_by_mpi();
}

int mpi_run_command(const RunArguments& args) {
  const MpiSession mpi;
  const int rank = mpi.rank();

  // 1. Every rank loads the scenario itself (the files must be visible on every node), and
  // checks it resolved the same scenario (files edited mid-launch, different --set).
  std::optional<Scenario> scenario;
  std::exception_ptr error;
  try {
    scenario.emplace(load_run_scenario(args));
  } catch (...) {
    error = std::current_exception();
  }
  if (const int status = agree_loaded(mpi, error, "scenario"); status != 0) return status;
  if (const int status =
          agree_same(mpi, sha256_hex(scenario->resolved_yaml), "scenario", "scenario_sha256");
      status != 0) {
    return status;
  }

  // 2. Rank 0 creates or resumes the file.
  const std::filesystem::path output = run_output_path(args, *scenario);
  std::unique_ptr<ResultsWriter> writer;
  if (rank == 0) {
    try {
      writer = open_run_writer(args, *scenario, output);
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (const int status = follow_rank0(mpi, error); status != 0) return status;

  StopSignals signals;
  FarmOptions options;
  options.stop = &signals.flag();
  options.failure = FailureInjection::from_environment();
  LocalTaskOptions local_options;
  local_options.threads = args.threads;
  local_options.slots = LocalTasks::resolve_threads(args.threads);
  local_options.noun = "replication";
  local_options.rank = rank;
  local_options.failure = options.failure;
  ReplicationOptions replication;
  replication.independent_streams = args.independent_streams;
  LocalTasks local(local_options, [&] { return make_replication_job(*scenario, replication); });

  // 3. The farm. From here a failure that leaves other ranks waiting ends the whole job.
  if (rank != 0) return work_as_rank(mpi, local, options, signals);

  const std::vector<std::int64_t> todo = replications_to_run(*scenario, *writer);
  const std::int64_t already = scenario->replications - static_cast<std::int64_t>(todo.size());
  if (!args.quiet) {
    fmt::print(stderr,
               "{}: {} agents for {} people, {} months, {} roadmap{}, {} replication{}{}; {} "
               "rank{} (MPI)\n",
               scenario->name, scenario->agents, scenario->population, scenario->horizon_months,
               scenario->roadmaps.size(), scenario->roadmaps.size() == 1 ? "" : "s",
               scenario->replications, scenario->replications == 1 ? "" : "s",
               already > 0 ? fmt::format(" ({} already done)", already) : "", mpi.size(),
               mpi.size() == 1 ? "" : "s");
  }

  Progress progress(scenario->replications, already, Progress::style_for(args.quiet), stderr,
                    roadmap_runs_per_replication(*scenario));
  const FarmEnding ending{
      progress,
      // The command to finish ends each message: the last line on stderr ends with it.
      [&] {
        const auto kept = std::count(writer->done().begin(), writer->done().end(), true);
        return resume_hint(args, output.string(), kept, scenario->replications,
                           " (with any number of ranks, or in one process)", writer->extends());
      },
      [&] { writer.reset(); }};
  const int status = coordinate_as_rank0(
      mpi, local, scenario->replications, todo, options,
      [&](std::int64_t item, std::vector<std::byte>&& bytes) {
        const ReplicationResult result = decode_result(bytes);
        if (result.replication != item) {
          throw IoError(fmt::format("the result of replication {} says it is replication {}", item,
                                    result.replication));
        }
        writer->write(result);
        progress.advance();
      },
      signals, ending);
  if (status != 0) return status;
  return finish_run(writer, output, args.quiet);
}

}  // namespace cxsim::cli
