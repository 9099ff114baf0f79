// The work item of an experiment (`cxsim sweep`, `cxsim sensitivity`, `cxsim attribute`) under
// MPI: every replication of one point, run on the rank's threads as the single-process command
// runs it, encoded for rank 0.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "config/scenario_loader.hpp"
#include "distributed/local_tasks.hpp"
#include "engine/core/scenario.hpp"
#include "experiments/experiment_runner.hpp"

namespace cxsim {

// Item p runs point p's `replications` replications with run_points (the point's scenario built
// from `source` and overrides(p), by-segment and by-touchpoint timeseries dropped) on `threads`
// threads, and encodes them in replication order (encode_results). A ScenarioError (a point the
// scenario refuses) propagates. `source` and what `overrides` refers to must outlive the job.
TaskJob make_point_job(const ScenarioSource& source, PointOverrides overrides,
                       std::int64_t replications, int threads);

// A point's replications from the message its job sent, checked to be `replications` of them in
// replication order (IoError naming the `noun` and item otherwise).
std::vector<ReplicationResult> decode_point(std::span<const std::byte> bytes,
                                            std::int64_t replications, std::string_view noun,
                                            std::int64_t item);

// The same for points whose scenario `scenario(p)` makes (run_scenarios: an attribution's
// batches of sub-roadmaps). What `scenario` refers to must outlive the job.
TaskJob make_scenario_job(PointScenario scenario, std::int64_t replications, int threads);

// Points one rank runs at once: as many as fill its threads with replications (at least one),
// or one when memory bounds the replications in flight below the threads (run_points then
// bounds them within the point).
int points_in_flight(const Scenario& base, int threads, std::int64_t replications);

}  // namespace cxsim
