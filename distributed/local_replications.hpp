// The replications one rank runs at a time: each is a TBB task in this rank's arena, started by
// the thread that talks MPI and handed back to it when finished, so that thread never computes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include "agents/network.hpp"
#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"
#include "engine/replication.hpp"

namespace cxsim {

// Test hook for the fault-handling tests (docs/distributed.md): CXSIM_TEST_FAIL_RANK=r and
// CXSIM_TEST_FAIL_AFTER=n make rank r fail once n of its replications are finished;
// CXSIM_TEST_FAIL_MODE=abort (default) kills the process, =throw makes the replication throw.
struct FailureInjection {
  int rank = -1;
  std::int64_t after = 0;
  bool abort = true;

  static FailureInjection from_environment();
  bool applies_to(int r) const { return rank >= 0 && rank == r; }
};

// One finished replication: its result, or what went wrong.
struct FinishedReplication {
  std::int64_t replication = 0;
  std::optional<ReplicationResult> result;
  std::string error;  // set when result is empty
};

class LocalReplications {
 public:
  // threads: replications run at once (0: every core this process may use).
  LocalReplications(const Scenario& scenario, int threads, const ReplicationOptions& options,
                    int rank, const FailureInjection& failure);
  ~LocalReplications();  // waits for the replications still running
  LocalReplications(const LocalReplications&) = delete;
  LocalReplications& operator=(const LocalReplications&) = delete;

  int slots() const { return slots_; }
  int in_flight() const;
  int free_slots() const { return slots_ - in_flight(); }

  // Starts one replication (the caller keeps in_flight() <= slots()).
  void start(std::int64_t replication);

  // Moves the finished replications into `out`; when there are none, waits up to `wait` for one.
  // Returns how many were still running at that moment (read together with the move, so 0 with
  // nothing moved means every started replication has been handed back).
  int take(std::vector<FinishedReplication>& out, std::chrono::microseconds wait);

 private:
  struct Shared {
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<FinishedReplication> finished;
    int in_flight = 0;
  };

  const Scenario& scenario_;
  ReplicationOptions options_;
  int rank_;
  FailureInjection failure_;
  int slots_;
  std::int64_t started_ = 0;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  // slots_ workers plus this (mostly waiting) thread.
  tbb::global_control parallelism_;
  tbb::task_arena arena_;
  std::optional<Network> network_;
};

}  // namespace cxsim
