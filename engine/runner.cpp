// Replications as parallel tasks; agent blocks within each replication are parallel too.
#include "engine/runner.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <mutex>
#include <optional>

#include "agents/network.hpp"

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
  std::mutex sink_mutex;
  std::int64_t finished = 0;
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, todo.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          for (std::size_t i = range.begin(); i != range.end(); ++i) {
            if (options.stop && options.stop->load()) return;
            ReplicationResult result;
            // Isolation keeps a thread that waits inside this replication from starting
            // another one, which bounds the replications (and populations) in memory.
            tbb::this_task_arena::isolate([&] {
              result = run_replication(scenario, todo[i], shared ? &*shared : nullptr,
                                       options.replication);
            });
            std::lock_guard<std::mutex> lock(sink_mutex);
            sink(std::move(result));
            ++finished;
          }
        },
        tbb::simple_partitioner());
  });
  return finished;
}

}  // namespace cxsim
