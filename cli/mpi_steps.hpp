// The steps every command takes the same way under mpirun or srun (CXSIM_MPI builds): agreeing
// that every rank loaded the same input, following rank 0 when it opens the file, and the farm
// on each side with the failure handling of docs/distributed.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/progress.hpp"
#include "cli/stop_signals.hpp"
#include "distributed/local_tasks.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/work_farm.hpp"

namespace cxsim::cli {

// Every rank has tried to load its input (`error` is set where it could not). Returns 0 when
// every rank did; else the exit code this rank returns, its message printed. Rank 0 instead
// rethrows its own error (for main to report), or throws a UsageError saying that another rank
// could not load the `what` ("scenario") when only others failed.
int agree_loaded(const MpiSession& mpi, const std::exception_ptr& error, std::string_view what);

// Every rank resolved its input to `digest` (a SHA-256): returns 0 when all equal rank 0's; else
// rank 0 throws a UsageError naming the first rank that differs (`digest_name`, e.g.
// "scenario_sha256", and `what` say what) and the others return 2.
int agree_same(const MpiSession& mpi, const std::string& digest, std::string_view what,
               std::string_view digest_name);

// After a step only rank 0 takes (opening the file), `error` set there if it failed: returns 0
// when it succeeded; else rank 0 rethrows it and the others return its exit code.
int follow_rank0(const MpiSession& mpi, const std::exception_ptr& error);

// Rank 0's `value` on every rank (a collective: every rank calls it), for a choice only rank 0
// can make, such as the batch size of a file it resumed.
int broadcast_from_rank0(int value);

// Rank 0's `bytes` on every rank (a collective: every rank calls it; the others' are ignored),
// for what rank 0 alone decides, such as the proposals of a calibration's next batch.
std::vector<std::byte> broadcast_bytes_from_rank0(std::vector<std::byte> bytes);

// A rank other than 0: runs what rank 0 hands out until the farm ends; returns the exit code.
// An error that leaves rank 0 waiting ends the whole job.
int work_as_rank(const MpiSession& mpi, LocalTasks& local, const FarmOptions& options,
                 const StopSignals& signals);

// How rank 0 ends a farm that did not finish: `hint` (the resume hint, which ends the last line)
// and `close` (closes the partial file with what it holds, complete = 0) are called once.
struct FarmEnding {
  Progress& progress;
  std::function<std::string()> hint;
  std::function<void()> close;
};

// Rank 0: the farm over `items` (todo in order), results to `sink`. Returns 0 when it ended
// normally, or after an orderly stop (options.stop raised without a signal: the items in flight
// are delivered first; the caller sees signals.stopped()); 1 when a rank failed (the message,
// naming the rank, and the hint printed; the file closed). A signal or an error on rank 0 closes
// the file, prints the message and the hint, and ends the job (MPI_Abort): mpirun and Slurm kill
// every rank shortly after a signal, so there is no time to wait for the items in flight.
int coordinate_as_rank0(const MpiSession& mpi, LocalTasks& local, std::int64_t items,
                        std::span<const std::int64_t> todo, const FarmOptions& options,
                        const FarmSink& sink, const StopSignals& signals, const FarmEnding& ending);

}  // namespace cxsim::cli
