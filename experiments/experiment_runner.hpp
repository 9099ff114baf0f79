// Runs the points of an experiment: every (point, replication) pair as a parallel task, agent
// blocks and roadmaps within each, on every core. Replication r of every point uses replication
// r's random numbers (the same seed; every draw keyed by its path, agent and replication), so
// differences between points are not noise. A point reaches the sink once all its replications
// are done, with them in replication order, so what is written does not depend on scheduling.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"

namespace cxsim {

struct PointRun {
  int point = 0;
  std::shared_ptr<const Scenario> scenario;     // the base scenario with the point's overrides
  std::vector<ReplicationResult> replications;  // in replication order
};

struct ExperimentRunOptions {
  int threads = 0;                          // 0: every core
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): start no new replication
  bool summaries_only = false;              // drop each roadmap's timeseries too
  bool keep_segments = false;               // keep the timeseries by segment
  // The replication index of a point's first replication (its replications follow): points
  // that need independent simulations (ABC) give each its own. Unset: 0 for every point.
  std::function<std::int64_t(int point)> first_replication;
};

using PointOverrides = std::function<std::vector<std::string>(int point)>;
using PointSink = std::function<void(PointRun&&)>;
// The scenario of a point, made when its first replication starts.
using PointScenario = std::function<std::shared_ptr<const Scenario>(int point)>;

// Runs `replications` replications of each point in `todo` (in order). A point's scenario is
// `source` built with overrides(point), loaded when its first replication starts; a ScenarioError
// there propagates (after the replications in flight finish). `sink` gets each finished point,
// `on_replication` each finished replication, never concurrently. Timeseries by segment and by
// touchpoint are dropped as replications finish: experiment files keep /timeseries_mean only.
// Returns the points finished (fewer than todo.size() only when stopped).
std::int64_t run_points(const ScenarioSource& source, std::span<const int> todo,
                        const PointOverrides& overrides, std::int64_t replications,
                        const ExperimentRunOptions& options, const PointSink& sink,
                        const std::function<void()>& on_replication);

// The same with each point's scenario made by `scenario` (points that are not overrides of one
// document: the batches of an attribution). Every point has the first one's agents and horizon.
std::int64_t run_scenarios(std::span<const int> todo, const PointScenario& scenario,
                           std::int64_t replications, const ExperimentRunOptions& options,
                           const PointSink& sink, const std::function<void()>& on_replication);

}  // namespace cxsim
