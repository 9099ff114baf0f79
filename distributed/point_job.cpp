// One point through the experiment runner itself, so a point computed on any rank is the point
// the single-process command computes.
#include "distributed/point_job.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "distributed/result_codec.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"

namespace cxsim {

TaskJob make_point_job(const ScenarioSource& source, PointOverrides overrides,
                       std::int64_t replications, int threads) {
  return [&source, overrides = std::move(overrides), replications, threads](std::int64_t item) {
    const std::array<int, 1> todo{static_cast<int>(item)};
    ExperimentRunOptions options;
    options.threads = threads;
    std::vector<std::byte> encoded;
    run_points(source, todo, overrides, replications, options,
               [&](PointRun&& run) {
                 // The runner dropped the by-segment and by-touchpoint rows (experiment files keep
                 // none): say so in the runs' shapes, which the message is checked against.
                 for (ReplicationResult& result : run.replications) {
                   for (auto* runs : {&result.roadmaps, &result.zero_defect}) {
                     for (RoadmapRun& r : *runs) {
                       if (r.by_segment.empty()) r.segments = 0;
                       if (r.by_touchpoint.empty()) r.touchpoints = 0;
                     }
                   }
                 }
                 encoded = encode_results(run.replications);
               },
               {});
    if (encoded.empty()) throw IoError("the runner returned without finishing the point");
    return encoded;
  };
}

int points_in_flight(const Scenario& base, int threads, std::int64_t replications) {
  const int t = LocalTasks::resolve_threads(threads);
  if (replications_in_flight(base, t) < t) return 1;
  return static_cast<int>(
      std::clamp<std::int64_t>(t / std::max<std::int64_t>(replications, 1), 1, t));
}

}  // namespace cxsim
