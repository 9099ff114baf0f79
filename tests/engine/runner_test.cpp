// The runner: every replication reaches the sink once, a stop request is honoured, and memory
// bounds how many replications are in flight.
#include "engine/runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "engine/memory_budget.hpp"
#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

TEST(Runner, EveryReplicationReachesTheSinkOnce) {
  Scenario sc = testing::make_scenario(500, 3);
  const std::vector<std::int64_t> todo{4, 0, 7, 2, 9};
  std::multiset<std::int64_t> seen;
  const std::int64_t n =
      run_replications(sc, todo, {}, [&](ReplicationResult&& r) { seen.insert(r.replication); });
  EXPECT_EQ(n, 5);
  EXPECT_EQ(seen, (std::multiset<std::int64_t>{0, 2, 4, 7, 9}));
}

TEST(Runner, StopRequestStartsNoNewReplication) {
  Scenario sc = testing::make_scenario(500, 3);
  std::vector<std::int64_t> todo(50);
  for (int i = 0; i < 50; ++i) todo[i] = i;
  std::atomic<bool> stop{false};
  RunnerOptions options;
  options.threads = 1;
  options.stop = &stop;
  int seen = 0;
  run_replications(sc, todo, options, [&](ReplicationResult&&) {
    if (++seen == 3) stop.store(true);
  });
  EXPECT_GE(seen, 3);
  EXPECT_LT(seen, 50);
}

TEST(MemoryBudget, ReplicationsInFlightAreBoundedByMemory) {
  Scenario small = testing::make_scenario(1000, 3);
  EXPECT_EQ(replications_in_flight(small, 8), 8);
  Scenario huge = testing::make_scenario(1000, 3);
  huge.agents = 4'000'000'000;  // far more than fits: still one at a time, never zero
  EXPECT_EQ(replications_in_flight(huge, 8), 1);
  EXPECT_GT(replication_memory_bytes(1e6, 4, NetworkType::small_world, 10),
            replication_memory_bytes(1e6, 4, NetworkType::none, 10));
}

}  // namespace
}  // namespace cxsim
