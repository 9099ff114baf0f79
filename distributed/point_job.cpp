// One point through the experiment runner itself, so a point computed on any rank is the point
// the single-process command computes.
#include "distributed/point_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "distributed/result_codec.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"

namespace cxsim {

namespace {

// The point's replications as rank 0 decodes them. The runner dropped the by-segment and
// by-touchpoint rows (experiment files keep none), and with summaries_only the timeseries too:
// say so in the runs' shapes, which the message is checked against.
std::vector<std::byte> encode_point(PointRun& run) {
  for (ReplicationResult& result : run.replications) {
    for (auto* runs : {&result.roadmaps, &result.zero_defect}) {
      for (RoadmapRun& r : *runs) {
        if (r.by_segment.empty()) r.segments = 0;
        if (r.by_touchpoint.empty()) r.touchpoints = 0;
        if (r.timeseries.empty()) r.months = 0;
      }
    }
  }
  return encode_results(run.replications);
}

ExperimentRunOptions job_options(int threads) {
  ExperimentRunOptions options;
  options.threads = threads;
  return options;
}

}  // namespace

TaskJob make_point_job(const ScenarioSource& source, PointOverrides overrides,
                       std::int64_t replications, int threads) {
  return [&source, overrides = std::move(overrides), replications, threads](std::int64_t item) {
    const std::array<int, 1> todo{static_cast<int>(item)};
    std::vector<std::byte> encoded;
    run_points(source, todo, overrides, replications, job_options(threads),
               [&](PointRun&& run) { encoded = encode_point(run); }, {});
    if (encoded.empty()) throw IoError("the runner returned without finishing the point");
    return encoded;
  };
}

TaskJob make_scenario_job(PointScenario scenario, std::int64_t replications, int threads) {
  return [scenario = std::move(scenario), replications, threads](std::int64_t item) {
    const std::array<int, 1> todo{static_cast<int>(item)};
    ExperimentRunOptions options = job_options(threads);
    options.summaries_only = true;  // as the single-process attribution runs its batches
    std::vector<std::byte> encoded;
    run_scenarios(todo, scenario, replications, options,
                  [&](PointRun&& run) { encoded = encode_point(run); }, {});
    if (encoded.empty()) throw IoError("the runner returned without finishing the point");
    return encoded;
  };
}

std::vector<ReplicationResult> decode_point(std::span<const std::byte> bytes,
                                            std::int64_t replications, std::string_view noun,
                                            std::int64_t item) {
  std::vector<ReplicationResult> results = decode_results(bytes);
  if (static_cast<std::int64_t>(results.size()) != replications) {
    throw IoError(fmt::format("the result of {} {} holds {} replications, expected {}", noun, item,
                              results.size(), replications));
  }
  for (std::int64_t r = 0; r < replications; ++r) {
    if (results[static_cast<std::size_t>(r)].replication != r) {
      throw IoError(fmt::format("the result of {} {} is out of replication order", noun, item));
    }
  }
  return results;
}

int points_in_flight(const Scenario& base, int threads, std::int64_t replications) {
  const int t = LocalTasks::resolve_threads(threads);
  if (replications_in_flight(base, t) < t) return 1;
  return static_cast<int>(
      std::clamp<std::int64_t>(t / std::max<std::int64_t>(replications, 1), 1, t));
}

}  // namespace cxsim
