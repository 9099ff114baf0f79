// Replications spread over the ranks of an MPI job: rank 0 hands out replication indices one
// at a time as ranks ask for them (so ranks that draw slow replications simply ask less often),
// runs some itself, and receives every result to pass to its sink; the other ranks compute.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "distributed/local_replications.hpp"
#include "distributed/mpi_session.hpp"
#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"
#include "engine/replication.hpp"

namespace cxsim {

struct FarmOptions {
  int threads = 0;  // per rank; 0: every core the rank may use
  ReplicationOptions replication;
  const std::atomic<bool>* stop = nullptr;  // raised by a signal on this rank
  FailureInjection failure;
};

struct FarmOutcome {
  bool failed = false;
  int failed_rank = -1;
  std::string error;         // what failed on failed_rank
  std::int64_t results = 0;  // rank 0: results passed to the sink; others: results sent
};

// Rank 0. `sink` gets every result, from any rank, on the calling thread. When `stop` is
// raised, `on_stop` is called at once (it may end the job; if it returns, the farm stops
// handing out work, waits for the replications in flight and returns). When a rank fails, the
// farm stops the same way and returns that rank and its error.
FarmOutcome coordinate_farm(const MpiSession& mpi, const Scenario& scenario,
                            std::span<const std::int64_t> todo, const FarmOptions& options,
                            const std::function<void(ReplicationResult&&)>& sink,
                            const std::function<void()>& on_stop);

// Every other rank: runs what rank 0 hands out and sends each result back.
FarmOutcome work_in_farm(const MpiSession& mpi, const Scenario& scenario,
                         const FarmOptions& options);

}  // namespace cxsim
