// cxsim optimize over 100 macroreplications (independent seeds) of the knapsack too large to race
// (scenarios/experiments/knapsack_large_optimize.yaml, 2,421 feasible plans, values known in
// closed form): after screening, the chosen roadmap is within the indifference zone of the true
// best in at least `confidence` of them; how often the short list holds such a plan, and the
// replications spent (screening and selection) against the first stage alone of racing every
// feasible plan. Negative control: the best of the search's initial population alone (no
// generations, no selection) is within the zone far less often. docs/experiments.md quotes the
// numbers it prints (slow: minutes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "experiments/experiment_file.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/optimizer.hpp"
#include "experiments/plan_screening.hpp"
#include "knapsack_large_values.hpp"

namespace cxsim {
namespace {

constexpr int kMacroreplications = 100;
constexpr std::uint64_t kFirstSeed = 2001;  // apart from the seeds the CI test uses

TEST(OptimizeScreening, SelectsWithinTheZoneInAtLeastConfidenceOfMacroreplicationsSlow) {
  const testing::KnapsackLargeSpace space = testing::knapsack_large_space();
  int correct = 0, listed = 0, initial = 0;
  double spent = 0, screening = 0, evaluated = 0, max_spent = 0;
  double confidence = 0, delta = 0, first_stage_all = 0;
  for (int m = 0; m < kMacroreplications; ++m) {
    ExperimentLoadOptions o;
    o.seed = kFirstSeed + static_cast<std::uint64_t>(m);
    LoadedExperiment e =
        load_experiment(testing::knapsack_large_experiment(), ExperimentKind::optimize, o);
    OptimizeBlock& block = e.spec.optimize;
    ASSERT_TRUE(block.screened);
    confidence = block.confidence;
    delta = block.indifference_zone;
    first_stage_all = block.feasible_plans * static_cast<double>(block.first_stage);
    auto right = [&](const Plan& p) {
      return space.best - testing::knapsack_large_value(block, p) < delta;
    };

    apply_screening(block, screen_plans(e, 0));
    const ScreeningOutcome& s = block.screening_outcome;
    // The best of the initial population by its screening score.
    int first_best = -1;
    for (std::size_t k = 0; k < s.evaluated.size(); ++k) {
      if (s.generation[k] != 0) continue;
      if (first_best < 0 || s.objective[k] > s.objective[static_cast<std::size_t>(first_best)]) {
        first_best = static_cast<int>(k);
      }
    }
    initial += right(s.evaluated[static_cast<std::size_t>(first_best)]) ? 1 : 0;
    listed += std::any_of(block.plans.begin(), block.plans.end(), right) ? 1 : 0;

    const OptimizeProblem problem = make_optimize_problem(e);
    const OptimizationRun run = run_optimization(e, problem, OptimizeRunOptions{});
    ASSERT_EQ(run.selections.size(), 1u);
    const auto chosen = static_cast<std::size_t>(run.selections[0].best_candidate());
    correct += right(block.plans[chosen]) ? 1 : 0;
    const double total = static_cast<double>(run.selections[0].result.total + s.observations);
    spent += total;
    max_spent = std::max(max_spent, total);
    screening += static_cast<double>(s.observations);
    evaluated += static_cast<double>(s.evaluated.size());
  }
  const double M = kMacroreplications;
  std::printf(
      "knapsack_large, %d macroreplications, %d feasible plans, zone %.0f, confidence %.2f\n"
      "  chosen within the zone: %d (%.2f); short list holding such a plan: %d (%.2f)\n"
      "  plans evaluated by the screening: %.1f a run\n"
      "  replications: %.1f a run (screening %.1f, selection %.1f; max %.0f), against %.0f for\n"
      "    the first stage alone of racing every feasible plan (%.1fx)\n"
      "  negative control, the best of the initial population alone: %d (%.2f)\n",
      kMacroreplications, space.feasible, delta, confidence, correct, correct / M, listed,
      listed / M, evaluated / M, spent / M, screening / M, (spent - screening) / M, max_spent,
      first_stage_all, first_stage_all / (spent / M), initial, initial / M);
  EXPECT_GE(correct, confidence * M);
  EXPECT_LT(initial, confidence * M);
  EXPECT_LT(spent / M, first_stage_all);
}

}  // namespace
}  // namespace cxsim
