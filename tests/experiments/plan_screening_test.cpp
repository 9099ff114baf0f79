// The screening of spaces too large to race (experiments/plan_screening.hpp): counting feasible
// plans as the enumeration would, decoding a search vector into a feasible plan, and the known
// answer of scenarios/experiments/knapsack_large_optimize.yaml (2,421 feasible plans, values
// that add): over several seeds the roadmap chosen after screening is within the indifference
// zone of the true best that the test enumerates from the closed forms, and the standalone
// choice is not (tests/experiments_slow runs 100 seeds).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "experiments/experiment_file.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/optimize_space.hpp"
#include "experiments/optimizer.hpp"
#include "experiments/plan_screening.hpp"
#include "knapsack_large_values.hpp"

namespace cxsim {
namespace {

TEST(PlanScreening, CountsTheFeasiblePlansTheEnumerationFindsUpToACap) {
  const std::vector<std::vector<int>> starts{{1, 13}, {1, 7, 13}, {1}, {7, 13}};
  const std::vector<InitiativeSpend> spend{
      {5e6, 1, 0, 0}, {4e6, 3, 0, 0}, {3e6, 1, 1e5, 0}, {2e6, 1, 0, 0}};
  PlanConstraints limits;
  limits.horizon = 24;
  limits.capex_total = 9e6;
  limits.capex_per_year = 7e6;
  limits.opex_per_month = 1e5;
  const Enumeration all = enumerate_plans(starts, spend, limits, 100000);
  ASSERT_FALSE(all.too_many);
  EXPECT_EQ(count_feasible_plans(starts, spend, limits, 1e9),
            static_cast<double>(all.plans.size()));
  EXPECT_EQ(count_feasible_plans(starts, spend, limits, 5.0), 5.0);
}

TEST(PlanScreening, DecodingRoundsClampsAndRepairsByLeavingTheLastInitiativesOut) {
  OptimizeBlock block;
  block.initiatives = {"a", "b", "c"};
  block.allowed_starts = {{1, 13}, {1, 13}, {1}};
  block.spend = {{5e6, 1, 0, 0}, {4e6, 1, 0, 0}, {3e6, 1, 0, 0}};
  block.limits.horizon = 24;
  block.limits.capex_total = 9.5e6;
  std::vector<int> code;
  // a@1 + b@13 + c@1 spends 12M: c is left out, then a@1 + b@13 (9M) meets the budget.
  Plan p = decode_plan(block, {1.2, 2.0, 0.6}, code);
  EXPECT_EQ(code, (std::vector<int>{1, 2, 0}));
  ASSERT_EQ(p.starts.size(), 2u);
  EXPECT_EQ(p.starts[0].initiative, 0);
  EXPECT_EQ(p.starts[1].start_month, 13);
  EXPECT_EQ(p.capex_total, 9e6);
  // Out of the bounds: clamped; the plan in roadmap order (by start month).
  p = decode_plan(block, {-3.0, 9.0, 1.0}, code);
  EXPECT_EQ(code, (std::vector<int>{0, 2, 1}));
  ASSERT_EQ(p.starts.size(), 2u);
  EXPECT_EQ(p.starts[0].initiative, 2);
  EXPECT_EQ(p.starts[1].initiative, 1);
  // A feasible vector is its own plan.
  decode_plan(block, {0.0, 1.0, 1.0}, code);
  EXPECT_EQ(code, (std::vector<int>{0, 1, 1}));
}

TEST(PlanScreening, TheKnapsackTooLargeToRaceIsSolvedWithinTheZoneAndTheStandaloneChoiceIsNot) {
  const testing::KnapsackLargeSpace space = testing::knapsack_large_space();
  ASSERT_EQ(space.feasible, 2421);
  const double standalone =
      testing::knapsack_large_value("a_raise", 1) + testing::knapsack_large_value("b_raise", 13);
  for (const std::uint64_t seed : {11u, 12u, 13u}) {
    ExperimentLoadOptions o;
    o.seed = seed;
    LoadedExperiment e =
        load_experiment(testing::knapsack_large_experiment(), ExperimentKind::optimize, o);
    OptimizeBlock& block = e.spec.optimize;
    ASSERT_TRUE(block.screened);
    EXPECT_EQ(block.feasible_plans, space.feasible);
    const double delta = block.indifference_zone;
    EXPECT_GT(space.best - standalone, delta);  // the standalone choice is wrong

    apply_screening(block, screen_plans(e, 0));
    const ScreeningOutcome& s = block.screening_outcome;
    ASSERT_EQ(block.plans.size(), static_cast<std::size_t>(block.screening.shortlist) + 1);
    EXPECT_TRUE(block.plans[0].starts.empty());
    // The short list: distinct plans with an initiative, best screening score first.
    std::set<std::string> labels;
    for (std::size_t k = 0; k < s.shortlist.size(); ++k) {
      const auto at = static_cast<std::size_t>(s.shortlist[k]);
      EXPECT_FALSE(s.evaluated[at].starts.empty());
      labels.insert(plan_label(block, s.evaluated[at]));
      if (k > 0) {
        EXPECT_GE(s.objective[static_cast<std::size_t>(s.shortlist[k - 1])], s.objective[at]);
      }
    }
    EXPECT_EQ(labels.size(), s.shortlist.size());
    EXPECT_EQ(s.observations,
              static_cast<std::int64_t>(s.evaluated.size()) * block.screening.replications);

    const OptimizeProblem problem = make_optimize_problem(e);
    const OptimizationRun run = run_optimization(e, problem, OptimizeRunOptions{});
    ASSERT_EQ(run.selections.size(), 1u);
    const SelectionResult& r = run.selections[0].result;
    const Plan& chosen = block.plans[static_cast<std::size_t>(run.selections[0].best_candidate())];
    EXPECT_LT(space.best - testing::knapsack_large_value(block, chosen), delta)
        << "seed " << seed << ": chose " << plan_label(block, chosen);
    EXPECT_LE(r.total + s.observations, block.max_replications);
  }
}

}  // namespace
}  // namespace cxsim
