// Replications as parallel tasks, at most as many in flight as threads and memory allow; agent
// blocks and roadmaps within each replication are parallel too.
#include "engine/runner.hpp"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <optional>

#include "agents/network.hpp"
#include "agents/network_spares.hpp"
#include "engine/memory_budget.hpp"

namespace cxsim {

std::int64_t run_replications(const Scenario& scenario, std::span<const std::int64_t> todo,
                              const RunnerOptions& options, const ReplicationSink& sink) {
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  std::optional<Network> shared;
  if (!scenario.network.per_replication) {
    arena.execute([&] {
      shared = build_network(scenario.network, static_cast<std::uint32_t>(scenario.agents),
                             scenario.seed, 0);
    });
  }
  const int in_flight = replications_in_flight(scenario, arena.max_concurrency());
  // One spare network per replication in flight at most: what the run holds anyway.
  NetworkSpares spares(static_cast<std::size_t>(in_flight));
  std::size_t next = 0;
  std::int64_t finished = 0;
  arena.execute([&] {
    // A pipeline with `in_flight` tokens: replication indices enter in order, replications run
    // in parallel, finished ones reach the sink one at a time in whatever order they finish.
    tbb::parallel_pipeline(
        static_cast<std::size_t>(in_flight),
        tbb::make_filter<void, std::int64_t>(tbb::filter_mode::serial_in_order,
                                             [&](tbb::flow_control& fc) -> std::int64_t {
                                               if (next == todo.size() ||
                                                   (options.stop && options.stop->load())) {
                                                 fc.stop();
                                                 return 0;
                                               }
                                               return todo[next++];
                                             }) &
            tbb::make_filter<std::int64_t, ReplicationResult>(
                tbb::filter_mode::parallel,
                [&](std::int64_t replication) {
                  ReplicationResult result;
                  // Isolation keeps a thread that waits inside this replication from picking
                  // up another pipeline token's work.
                  tbb::this_task_arena::isolate([&] {
                    result = run_replication(scenario, replication, shared ? &*shared : nullptr,
                                             options.replication, &spares);
                  });
                  return result;
                }) &
            tbb::make_filter<ReplicationResult, void>(tbb::filter_mode::serial_out_of_order,
                                                      [&](ReplicationResult result) {
                                                        sink(std::move(result));
                                                        ++finished;
                                                      }));
  });
  return finished;
}

}  // namespace cxsim
