// Every rank loads the scenario and checks it matches rank 0's; rank 0 creates, resumes or
// extends the results file, then all ranks join the replication farm. Rank 0 writes exactly the
// bytes each rank computed, so the datasets equal those of a single-process run with the same
// seed.
#include "cli/mpi_run.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/replication_farm.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim::cli {

namespace {

// Exit codes exchanged between ranks before the farm starts: the largest wins.
constexpr int kOk = 0;

int exit_code_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const ScenarioError&) {
    return 2;
  } catch (const UsageError&) {
    return 2;
  } catch (...) {
    return 1;
  }
}

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

int max_over_ranks(int value) {
  int result = 0;
  MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return result;
}

int from_rank0(int value) {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

}  // namespace

bool mpi_launched() {
  return launched_by_mpi();
}

int mpi_run_command(const RunArguments& args) {
  const MpiSession mpi;
  const int rank = mpi.rank();

  // 1. Every rank loads the scenario itself (the files must be visible on every node).
  std::optional<Scenario> scenario;
  std::exception_ptr error;
  try {
    scenario.emplace(load_run_scenario(args));
  } catch (...) {
    error = std::current_exception();
  }
  const int rank0_load = from_rank0(error ? exit_code_of(error) : kOk);
  const int any_load = max_over_ranks(error ? exit_code_of(error) : kOk);
  if (rank0_load != kOk) {
    if (rank == 0) std::rethrow_exception(error);  // main reports it
    return rank0_load;
  }
  if (any_load != kOk) {
    if (error) {
      std::fprintf(stderr, "cxsim: rank %d: %s\n", rank, message_of(error).c_str());
      return exit_code_of(error);
    }
    if (rank == 0) {
      throw UsageError(
          "another rank could not load the scenario (its message is above); every rank must "
          "see the same scenario files");
    }
    return any_load;
  }

  // 2. Same resolved scenario everywhere (files edited mid-launch, different --set).
  std::array<char, 64> sha{};
  const std::string mine = sha256_hex(scenario->resolved_yaml);
  std::copy_n(mine.begin(), std::min(mine.size(), sha.size()), sha.begin());
  std::array<char, 64> rank0_sha = sha;
  MPI_Bcast(rank0_sha.data(), static_cast<int>(rank0_sha.size()), MPI_CHAR, 0, MPI_COMM_WORLD);
  const int differing = max_over_ranks(rank0_sha != sha ? rank : -1);
  if (differing >= 0) {
    if (rank != 0) return 2;
    throw UsageError(fmt::format(
        "rank {} resolved a different scenario than rank 0 (scenario_sha256 differs); every "
        "rank must see the same scenario files and options",
        differing));
  }

  // 3. Rank 0 creates or resumes the file.
  const std::filesystem::path output = run_output_path(args, *scenario);
  std::unique_ptr<ResultsWriter> writer;
  if (rank == 0) {
    try {
      writer = open_run_writer(args, *scenario, output);
    } catch (...) {
      error = std::current_exception();
    }
  }
  const int writer_status = from_rank0(error ? exit_code_of(error) : kOk);
  if (writer_status != kOk) {
    if (rank == 0) std::rethrow_exception(error);
    return writer_status;
  }

  StopSignals signals;
  FarmOptions options;
  options.threads = args.threads;
  options.replication.independent_streams = args.independent_streams;
  options.stop = &signals.flag();
  options.failure = FailureInjection::from_environment();

  // 4. The farm. From here a failure that leaves other ranks waiting ends the whole job.
  if (rank != 0) {
    FarmOutcome outcome;
    try {
      outcome = work_in_farm(mpi, *scenario, options);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cxsim: rank %d: %s\n", rank, e.what());
      MpiSession::abort_job(1);
    }
    if (outcome.failed && signals.stopped()) return 128 + signals.signal();
    return outcome.failed ? 1 : 0;
  }

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
  auto kept = [&] { return std::count(writer->done().begin(), writer->done().end(), true); };
  // The command to finish ends each message: the last line on stderr ends with it.
  auto hint = [&] {
    return resume_hint(args, output.string(), kept(), scenario->replications,
                       " (with any number of ranks, or in one process)", writer->extends());
  };

  Progress progress(scenario->replications, already, Progress::style_for(args.quiet), stderr,
                    roadmap_runs_per_replication(*scenario));
  FarmOutcome outcome;
  try {
    outcome = coordinate_farm(
        mpi, *scenario, todo, options,
        [&](ReplicationResult&& result) {
          writer->write(result);
          progress.advance();
        },
        [&] {
          // mpirun and Slurm kill every rank shortly after this signal: close the file now,
          // with what is written, rather than be killed in the middle of a write.
          progress.finish();
          const std::string message = hint();
          writer.reset();
          fmt::print(stderr,
                     "cxsim: rank 0 stopped by signal {} (mpirun and Slurm send it to every "
                     "rank when one fails or the job is cancelled): {}\n",
                     signals.signal(), message);
          std::fflush(stderr);
          MpiSession::abort_job(128 + signals.signal());
        });
  } catch (const std::exception& e) {
    progress.finish();
    const std::string message = hint();
    writer.reset();
    std::fprintf(stderr, "cxsim: rank 0: %s\n%s\n", e.what(), message.c_str());
    std::fflush(stderr);
    MpiSession::abort_job(1);
  }
  progress.finish();

  if (outcome.failed) {
    const std::string message = hint();
    writer.reset();  // complete = 0
    fmt::print(stderr, "cxsim: rank {} failed: {}\n{}\n", outcome.failed_rank, outcome.error,
               message);
    return 1;
  }
  return finish_run(writer, output, args.quiet);
}

}  // namespace cxsim::cli
