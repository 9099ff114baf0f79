// Collective checks (MPI_Bcast, MPI_Allreduce over exit codes and digests) and the two sides of
// the farm with their messages.
#include "cli/mpi_steps.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "engine/core/errors.hpp"

namespace cxsim::cli {

namespace {

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

int broadcast_from_rank0(int value) {
  return from_rank0(value);
}

std::vector<std::byte> broadcast_bytes_from_rank0(std::vector<std::byte> bytes) {
  std::int64_t size = static_cast<std::int64_t>(bytes.size());
  MPI_Bcast(&size, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
  if (size > std::numeric_limits<int>::max()) {
    throw IoError(fmt::format("MPI: a broadcast of {} bytes exceeds one MPI message", size));
  }
  bytes.resize(static_cast<std::size_t>(size));
  MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, 0, MPI_COMM_WORLD);
  return bytes;
}

int agree_loaded(const MpiSession& mpi, const std::exception_ptr& error, std::string_view what) {
  const int mine = error ? exit_code_of(error) : kOk;
  const int rank0_load = from_rank0(mine);
  const int any_load = max_over_ranks(mine);
  if (rank0_load != kOk) {
    if (mpi.rank() == 0) std::rethrow_exception(error);  // main reports it
    return rank0_load;
  }
  if (any_load == kOk) return kOk;
  if (error) {
    std::fprintf(stderr, "cxsim: rank %d: %s\n", mpi.rank(), message_of(error).c_str());
    return mine;
  }
  if (mpi.rank() == 0) {
    throw UsageError(fmt::format(
        "another rank could not load the {} (its message is above); every rank must see the "
        "same {} files",
        what, what));
  }
  return any_load;
}

int agree_same(const MpiSession& mpi, const std::string& digest, std::string_view what,
               std::string_view digest_name) {
  std::array<char, 64> mine{};
  std::copy_n(digest.begin(), std::min(digest.size(), mine.size()), mine.begin());
  std::array<char, 64> rank0 = mine;
  MPI_Bcast(rank0.data(), static_cast<int>(rank0.size()), MPI_CHAR, 0, MPI_COMM_WORLD);
  const int differing = max_over_ranks(rank0 != mine ? mpi.rank() : -1);
  if (differing < 0) return kOk;
  if (mpi.rank() != 0) return 2;
  throw UsageError(fmt::format(
      "rank {} resolved a different {} than rank 0 ({} differs); every rank must see the same "
      "{} files and options",
      differing, what, digest_name, what));
}

int follow_rank0(const MpiSession& mpi, const std::exception_ptr& error) {
  const int status = from_rank0(error ? exit_code_of(error) : kOk);
  if (status != kOk && mpi.rank() == 0) std::rethrow_exception(error);
  return status;
}

int work_as_rank(const MpiSession& mpi, LocalTasks& local, const FarmOptions& options,
                 const StopSignals& signals) {
  FarmOutcome outcome;
  try {
    outcome = work_in_farm(mpi, local, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cxsim: rank %d: %s\n", mpi.rank(), e.what());
    MpiSession::abort_job(1);
  }
  if (outcome.failed && signals.stopped()) return 128 + signals.signal();
  return outcome.failed ? 1 : 0;
}

int coordinate_as_rank0(const MpiSession& mpi, LocalTasks& local, std::int64_t items,
                        std::span<const std::int64_t> todo, const FarmOptions& options,
                        const FarmSink& sink, const StopSignals& signals,
                        const FarmEnding& ending) {
  FarmOutcome outcome;
  try {
    outcome = coordinate_farm(mpi, local, items, todo, options, sink, [&] {
      if (signals.signal() == 0) return;  // an orderly stop: the farm winds down
      // mpirun and Slurm kill every rank shortly after this signal: close the file now, with
      // what is written, rather than be killed in the middle of a write.
      ending.progress.finish();
      const std::string message = ending.hint();
      ending.close();
      fmt::print(stderr,
                 "cxsim: rank 0 stopped by signal {} (mpirun and Slurm send it to every rank "
                 "when one fails or the job is cancelled): {}\n",
                 signals.signal(), message);
      std::fflush(stderr);
      MpiSession::abort_job(128 + signals.signal());
    });
  } catch (const std::exception& e) {
    ending.progress.finish();
    const std::string message = ending.hint();
    ending.close();
    std::fprintf(stderr, "cxsim: rank 0: %s\n%s\n", e.what(), message.c_str());
    std::fflush(stderr);
    MpiSession::abort_job(1);
  }
  ending.progress.finish();
  if (!outcome.failed) return 0;
  const std::string message = ending.hint();
  ending.close();  // complete = 0
  fmt::print(stderr, "cxsim: rank {} failed: {}\n{}\n", outcome.failed_rank, outcome.error,
             message);
  return 1;
}

}  // namespace cxsim::cli
