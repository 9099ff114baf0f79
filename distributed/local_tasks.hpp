// The work items one rank runs at a time (replications of `cxsim run`, points of an experiment):
// each is a TBB task in this rank's arena, started by the thread that talks MPI and handed back
// to it, encoded, when finished, so that thread never computes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

namespace cxsim {

// Test hook for the fault-handling tests (docs/distributed.md): CXSIM_TEST_FAIL_RANK=r and
// CXSIM_TEST_FAIL_AFTER=n make rank r fail once n of its work items are finished;
// CXSIM_TEST_FAIL_MODE=abort (default) kills the process, =throw makes the next item throw.
struct FailureInjection {
  int rank = -1;
  std::int64_t after = 0;
  bool abort = true;

  static FailureInjection from_environment();
  bool applies_to(int r) const { return rank >= 0 && rank == r; }
};

// Computes one work item and returns its result as the message rank 0 receives. Called from
// several threads at once: whatever it shares must be read-only.
using TaskJob = std::function<std::vector<std::byte>(std::int64_t item)>;

struct LocalTaskOptions {
  int slots = 1;                   // items run at once
  int threads = 0;                 // threads of this rank (0: every core it may use)
  std::string noun = "work item";  // for messages: "replication 3: ..."
  int rank = 0;
  FailureInjection failure;
};

// One finished item: its encoded result, or what went wrong.
struct FinishedItem {
  std::int64_t item = 0;
  std::optional<std::vector<std::byte>> result;
  std::string error;  // set when result is empty
};

class LocalTasks {
 public:
  // make_job runs once, inside this rank's arena, so that what it prepares for every item
  // (a network shared by all replications) is built with the rank's threads.
  LocalTasks(const LocalTaskOptions& options, const std::function<TaskJob()>& make_job);
  ~LocalTasks();  // waits for the items still running
  LocalTasks(const LocalTasks&) = delete;
  LocalTasks& operator=(const LocalTasks&) = delete;

  int rank() const { return options_.rank; }
  int slots() const { return options_.slots; }
  int in_flight() const;
  int free_slots() const { return slots() - in_flight(); }

  // Starts one item (the caller keeps in_flight() <= slots()).
  void start(std::int64_t item);

  // Moves the finished items into `out`; when there are none, waits up to `wait` for one.
  // Returns how many were still running at that moment (read together with the move, so 0 with
  // nothing moved means every started item has been handed back).
  int take(std::vector<FinishedItem>& out, std::chrono::microseconds wait);

  // Every core this process may use, or `threads` when positive.
  static int resolve_threads(int threads);

 private:
  struct Shared {
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<FinishedItem> finished;
    int in_flight = 0;
  };

  LocalTaskOptions options_;
  std::int64_t started_ = 0;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  // The rank's threads plus this (mostly waiting) thread.
  tbb::global_control parallelism_;
  tbb::task_arena arena_;
  TaskJob job_;
};

}  // namespace cxsim
