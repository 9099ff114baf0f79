// cxsim optimize over 100 macroreplications (independent seeds) of the knapsack problem of
// scenarios/experiments/knapsack_optimize.yaml, whose plan values are known in closed form: the
// chosen roadmap is within the indifference zone of the true best in at least `confidence` of
// them, and the replications KN spends are measured against equal allocation (the paired
// Bonferroni procedure with the same guarantee, and the smallest equal count that reaches the
// same confidence in these macroreplications) and against independent streams instead of
// common random numbers. docs/experiments.md quotes the numbers it prints (slow: minutes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "experiments/experiment_file.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/optimizer.hpp"

namespace cxsim {
namespace {

constexpr int kMacroreplications = 100;
constexpr std::uint64_t kFirstSeed = 1001;  // apart from the seeds the CI test uses
constexpr std::int64_t kEqualMax = 100;     // equal allocations tried: 2 .. kEqualMax each

const std::string kFile =
    std::string(CXSIM_SOURCE_DIR) + "/scenarios/experiments/knapsack_optimize.yaml";

// knapsack.yaml's closed form: E[rise] x 10,000 purchases a month over months s..24,
// discounted monthly at 1.05^(1/12) - 1, minus the capex spent in month s.
double option_value(const std::string& initiative, int start) {
  const std::map<std::string, std::pair<double, double>> spec{{"a_raise", {7e6, 60}},
                                                              {"b_raise", {4e6, 38}},
                                                              {"c_raise", {3e6, 28}},
                                                              {"d_raise", {3e6, 20}}};
  const auto [capex, rise] = spec.at(initiative);
  const double v = 1.0 / std::pow(1.05, 1.0 / 12.0);
  double annuity = 0;
  for (int t = start; t <= 24; ++t) annuity += std::pow(v, t);
  return rise * 10000 * annuity - capex * std::pow(v, start);
}

std::vector<double> true_values(const OptimizeBlock& block) {
  std::vector<double> out;
  for (const Plan& p : block.plans) {
    double v = 0;
    for (const auto& s : p.starts) {
      v += option_value(block.initiatives[static_cast<std::size_t>(s.initiative)], s.start_month);
    }
    out.push_back(v);
  }
  return out;
}

LoadedExperiment load(std::uint64_t seed) {
  ExperimentLoadOptions o;
  o.seed = seed;
  return load_experiment(kFile, ExperimentKind::optimize, o);
}

TEST(OptimizeKnapsack, SelectsWithinTheZoneInAtLeastConfidenceOfMacroreplicationsSlow) {
  const LoadedExperiment first = load(kFirstSeed);
  const OptimizeBlock& block = first.spec.optimize;
  const std::vector<double> value = true_values(block);
  const auto K = value.size();
  const double best_value = *std::max_element(value.begin(), value.end());
  const double delta = block.indifference_zone;
  auto right = [&](int c) { return best_value - value[static_cast<std::size_t>(c)] < delta; };
  // The problem is as designed: one plan in the zone, and the standalone choice outside it.
  EXPECT_EQ(
      std::count_if(value.begin(), value.end(), [&](double v) { return best_value - v < delta; }),
      1);
  EXPECT_GT(best_value - (option_value("a_raise", 1) + option_value("c_raise", 13)), delta);

  int correct_crn = 0, correct_ind = 0;
  double spent_crn = 0, spent_ind = 0, bonferroni = 0, max_spent = 0;
  // correct_equal[n]: macroreplications in which the best mean after n replications of every
  // candidate (common random numbers) is within the zone.
  std::vector<int> correct_equal(static_cast<std::size_t>(kEqualMax) + 1, 0);
  for (int m = 0; m < kMacroreplications; ++m) {
    const LoadedExperiment e = load(kFirstSeed + static_cast<std::uint64_t>(m));
    const OptimizeProblem problem = make_optimize_problem(e);
    OptimizeRunOptions options;
    const OptimizationRun crn = run_optimization(e, problem, options);
    ASSERT_EQ(crn.selections.size(), 1u);
    const SelectionResult& r = crn.selections[0].result;
    correct_crn += right(crn.selections[0].best_candidate()) ? 1 : 0;
    spent_crn += static_cast<double>(r.total);
    max_spent = std::max(max_spent, static_cast<double>(r.total));
    bonferroni += r.equal_allocation;

    options.common_random_numbers = false;
    const OptimizationRun ind = run_optimization(e, problem, options);
    correct_ind += right(ind.selections[0].best_candidate()) ? 1 : 0;
    spent_ind += static_cast<double>(ind.selections[0].result.total);

    CandidateEvaluator ev(problem, objective_metric(e.spec.optimize), true, 0);
    std::vector<std::pair<int, std::int64_t>> all;
    for (std::int64_t j = 0; j < kEqualMax; ++j) {
      for (int c = 0; c < static_cast<int>(K); ++c) all.emplace_back(c, j);
    }
    ev.prefetch(all);
    std::vector<double> sum(K, 0.0);
    for (std::int64_t j = 0; j < kEqualMax; ++j) {
      for (std::size_t c = 0; c < K; ++c) sum[c] += ev.observe(static_cast<int>(c), j);
      if (j + 1 < 2) continue;
      const auto chosen = std::max_element(sum.begin(), sum.end()) - sum.begin();
      correct_equal[static_cast<std::size_t>(j + 1)] += right(static_cast<int>(chosen)) ? 1 : 0;
    }
  }
  const double M = kMacroreplications;
  std::int64_t equal_n = -1;  // the smallest n from which every larger one reaches it too
  for (std::int64_t n = kEqualMax; n >= 2; --n) {
    if (correct_equal[static_cast<std::size_t>(n)] < block.confidence * M) break;
    equal_n = n;
  }
  const double equal_empirical = equal_n > 0 ? static_cast<double>(equal_n * K) : std::nan("");
  std::printf(
      "knapsack, %d macroreplications, %zu candidates, zone %.0f, confidence %.2f\n"
      "  KN, common random numbers: correct %d (%.2f), replications %.1f a run (max %.0f)\n"
      "  KN, independent streams:   correct %d (%.2f), replications %.1f a run (%.2fx CRN)\n"
      "  equal allocation, paired Bonferroni (same guarantee): %.1f a run (%.2fx KN)\n"
      "  equal allocation reaching %.2f here: %lld each, %.0f a run (%.2fx KN)\n",
      kMacroreplications, K, delta, block.confidence, correct_crn, correct_crn / M, spent_crn / M,
      max_spent, correct_ind, correct_ind / M, spent_ind / M, spent_ind / spent_crn, bonferroni / M,
      bonferroni / spent_crn, block.confidence, static_cast<long long>(equal_n), equal_empirical,
      equal_empirical / (spent_crn / M));
  for (std::int64_t n : {2, 3, 4, 5, 10, 20, 50, 100}) {
    std::printf("    equal n = %3lld: correct %d\n", static_cast<long long>(n),
                correct_equal[static_cast<std::size_t>(n)]);
  }
  EXPECT_GE(correct_crn, block.confidence * M);
  EXPECT_GE(correct_ind, block.confidence * M);
  EXPECT_LT(spent_crn, bonferroni);
  EXPECT_LT(spent_crn, spent_ind);
  // Negative control: the first stage's means alone (n = 2 each) choose wrong far more often.
  EXPECT_LT(correct_equal[2], block.confidence * M);
}

}  // namespace
}  // namespace cxsim
