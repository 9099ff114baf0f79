// Runs many replications in parallel (TBB), handing each result to a sink as it finishes, so
// memory stays bounded by the replications in flight, not by the run.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"
#include "engine/replication.hpp"

namespace cxsim {

struct RunnerOptions {
  int threads = 0;  // 0: every core
  ReplicationOptions replication;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): start no new replication
};

using ReplicationSink = std::function<void(ReplicationResult&&)>;

// Runs the replications in `todo`; `sink` is called once per finished replication, never
// concurrently. Returns how many finished (fewer than todo.size() only when stopped).
std::int64_t run_replications(const Scenario& scenario, std::span<const std::int64_t> todo,
                              const RunnerOptions& options, const ReplicationSink& sink);

}  // namespace cxsim
