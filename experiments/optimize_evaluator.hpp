// The simulations of `cxsim optimize`: every candidate plan as a roadmap of one validated
// scenario (with the file's baseline, so delta_npv is defined), and the context that owns the
// random-number policy and the bookkeeping of what was simulated. Replication j of a candidate
// is replication j of the scenario (every draw keyed by seed, agent and replication, never by
// roadmap), so candidates run in any grouping are paired exactly; observations are handed on in
// the order the procedure consumes them, whatever the order they were computed in.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "agents/network.hpp"
#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"
#include "experiments/experiment_file.hpp"

namespace cxsim {

// One candidate in one replication: its summary metrics (RESULTS.md; is_best is NaN: it depends
// on which other roadmaps ran beside it).
struct OptimizeObservation {
  int candidate = 0;
  std::int64_t replication = 0;
  std::array<double, kSummaryMetrics> summary{};
};

// The plans of the block as roadmaps: roadmap 0 is the file's baseline, roadmap 1 + c candidate
// c, validated in one build of the scenario with the experiment's overrides.
struct OptimizeProblem {
  Scenario master;
  std::vector<std::string> names;  // candidate_0, ... (the roadmap names)
  std::vector<std::string> yaml;   // each candidate as one line of flow YAML
  std::string best_name;           // a name no roadmap of the scenario has: optimized, ...
};

// ScenarioError when the scenario refuses a plan (its own messages).
OptimizeProblem make_optimize_problem(const LoadedExperiment& experiment);
// The same for these plans (the screening's batches) instead of the block's.
OptimizeProblem make_optimize_problem(const LoadedExperiment& experiment,
                                      const std::vector<Plan>& plans);

class CandidateEvaluator {
 public:
  // `metric`: the objective (a SummaryMetric). Without common random numbers every candidate's
  // replication j gets its own replication number, and the baseline beside it its own streams.
  // Observation j is replication first_replication + j of the scenario (with common random
  // numbers), the replication an observation records.
  CandidateEvaluator(const OptimizeProblem& problem, SummaryMetric metric,
                     bool common_random_numbers, int threads, std::int64_t first_replication = 0);
  ~CandidateEvaluator();

  // Observations already consumed (a resumed file), in their order.
  void preload(const std::vector<OptimizeObservation>& consumed);
  // Simulates the pairs (candidate, replication) not yet known, in parallel.
  void prefetch(std::span<const std::pair<int, std::int64_t>> wanted);
  // The objective of candidate c in replication j; the first time, hands the observation to
  // on_new (in consumption order).
  double observe(int candidate, std::int64_t j);
  // How many stages ahead a procedure should prefetch for this many survivors: enough work for
  // every thread.
  int lookahead(int survivors) const;

  std::function<void(const OptimizeObservation&)> on_new;
  std::int64_t consumed() const { return consumed_count_; }

 private:
  static std::uint64_t key(int candidate, std::int64_t j) {
    return (static_cast<std::uint64_t>(candidate) << 40) | static_cast<std::uint64_t>(j);
  }

  const OptimizeProblem& problem_;
  Scenario skeleton_;  // the master without roadmaps
  SummaryMetric metric_;
  bool crn_;
  int threads_;
  std::int64_t first_replication_;
  std::unique_ptr<Network> shared_network_;  // network.per_replication: false
  std::unordered_map<std::uint64_t, double> consumed_;
  std::map<std::uint64_t, OptimizeObservation> pending_;  // simulated, not yet consumed
  std::int64_t consumed_count_ = 0;
};

}  // namespace cxsim
