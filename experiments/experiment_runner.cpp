// One TBB pipeline over (point, replication) pairs in point-major order: a serial stage loads each
// point's scenario as its first replication enters, replications run in parallel, a serial stage
// collects them and hands each complete point on. Tokens are bounded by threads and memory as in
// `cxsim run`, so at most a few points are open at once.
#include "experiments/experiment_runner.hpp"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <optional>

#include "agents/network.hpp"
#include "engine/memory_budget.hpp"
#include "engine/replication.hpp"

namespace cxsim {

namespace {

struct OpenPoint {
  PointRun run;
  std::optional<Network> shared_network;  // network.per_replication: false
  std::int64_t remaining = 0;
  std::int64_t first_replication = 0;
};

struct Task {
  std::shared_ptr<OpenPoint> point;
  std::int64_t replication = 0;
};

}  // namespace

std::int64_t run_points(const ScenarioSource& source, std::span<const int> todo,
                        const PointOverrides& overrides, std::int64_t replications,
                        const ExperimentRunOptions& options, const PointSink& sink,
                        const std::function<void()>& on_replication) {
  const PointScenario scenario = [&](int point) {
    LoadOptions load;
    load.overrides = overrides(point);
    load.describe = false;  // the file holds the base scenario's text, not each point's
    return std::make_shared<const Scenario>(build_scenario(source, load));
  };
  return run_scenarios(todo, scenario, replications, options, sink, on_replication);
}

std::int64_t run_scenarios(std::span<const int> todo, const PointScenario& make_scenario,
                           std::int64_t replications, const ExperimentRunOptions& options,
                           const PointSink& sink, const std::function<void()>& on_replication) {
  if (todo.empty() || replications <= 0) return 0;
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  std::size_t next_point = 0;
  std::int64_t next_replication = 0;
  std::shared_ptr<OpenPoint> current;
  std::int64_t finished = 0;
  int in_flight = 0;

  auto open_point = [&](int point) {
    auto open = std::make_shared<OpenPoint>();
    std::shared_ptr<const Scenario> scenario = make_scenario(point);
    if (!scenario->network.per_replication) {
      open->shared_network = build_network(
          scenario->network, static_cast<std::uint32_t>(scenario->agents), scenario->seed, 0);
    }
    open->run.point = point;
    open->run.scenario = std::move(scenario);
    open->run.replications.resize(static_cast<std::size_t>(replications));
    open->remaining = replications;
    if (options.first_replication) open->first_replication = options.first_replication(point);
    return open;
  };

  arena.execute([&] {
    // Sized by the first point's scenario (factors never change agents, roadmaps or horizon).
    current = open_point(todo[0]);
    in_flight = replications_in_flight(*current->run.scenario, arena.max_concurrency());
    tbb::parallel_pipeline(
        static_cast<std::size_t>(in_flight),
        tbb::make_filter<
            void, Task>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> Task {
          if (next_point == todo.size() || (options.stop && options.stop->load())) {
            fc.stop();
            return {};
          }
          if (!current) current = open_point(todo[next_point]);
          Task task{current, next_replication};
          if (++next_replication == replications) {
            next_replication = 0;
            ++next_point;
            current.reset();
          }
          return task;
        }) & tbb::make_filter<Task, Task>(tbb::filter_mode::parallel, [&](Task task) {
          OpenPoint& p = *task.point;
          ReplicationResult result;
          tbb::this_task_arena::isolate([&] {
            result = run_replication(*p.run.scenario, p.first_replication + task.replication,
                                     p.shared_network ? &*p.shared_network : nullptr);
          });
          for (auto* runs : {&result.roadmaps, &result.zero_defect}) {
            for (RoadmapRun& run : *runs) {
              if (!options.keep_segments) run.by_segment = {};
              run.by_touchpoint = {};
              if (options.summaries_only) run.timeseries = {};
            }
          }
          result.touchpoint_twins = {};
          p.run.replications[static_cast<std::size_t>(task.replication)] = std::move(result);
          return task;
        }) & tbb::make_filter<Task, void>(tbb::filter_mode::serial_out_of_order, [&](Task task) {
          if (on_replication) on_replication();
          if (--task.point->remaining == 0) {
            sink(std::move(task.point->run));
            ++finished;
          }
        }));
  });
  return finished;
}

}  // namespace cxsim
