// Work items (replications of a run, points of an experiment) spread over the ranks of an MPI
// job: rank 0 hands out item indices one at a time as ranks ask for them (so ranks that draw slow
// items simply ask less often), runs some itself, and receives every encoded result to pass to
// its sink; the other ranks compute. The farm knows nothing of what an item is.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "distributed/local_tasks.hpp"
#include "distributed/mpi_session.hpp"

namespace cxsim {

struct FarmOptions {
  const std::atomic<bool>* stop = nullptr;  // raised by a signal on this rank
  FailureInjection failure;                 // its abort mode (the throw mode is LocalTasks')
};

struct FarmOutcome {
  bool failed = false;
  int failed_rank = -1;
  std::string error;         // what failed on failed_rank
  std::int64_t results = 0;  // rank 0: results passed to the sink; others: results sent
};

// Item `item`'s result, as its LocalTasks job encoded it.
using FarmSink = std::function<void(std::int64_t item, std::vector<std::byte>&& result)>;

// Rank 0. Items are 0 .. items - 1; `todo` (in order) are those to run. `sink` gets every
// result, from any rank, on the calling thread, each item once and only from the rank it was
// handed to. When `stop` is raised, `on_stop` is called at once (it may end the job; if it
// returns, the farm stops handing out work, waits for the items in flight and returns). When a
// rank fails, the farm stops the same way and returns that rank and its error.
FarmOutcome coordinate_farm(const MpiSession& mpi, LocalTasks& local, std::int64_t items,
                            std::span<const std::int64_t> todo, const FarmOptions& options,
                            const FarmSink& sink, const std::function<void()>& on_stop);

// Every other rank: runs what rank 0 hands out and sends each result back.
FarmOutcome work_in_farm(const MpiSession& mpi, LocalTasks& local, const FarmOptions& options);

}  // namespace cxsim
