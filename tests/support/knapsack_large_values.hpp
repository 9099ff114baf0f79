// The closed forms of scenarios/experiments/knapsack_large.yaml (its header): seven initiatives on
// separate segments of 10,000 customers, so a plan's delta_npv is the sum of its initiatives'
// values, and the true best plan under knapsack_large_optimize.yaml's constraints by enumerating
// every subset x start choice here, apart from the engine's own enumeration.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "experiments/optimize_spec.hpp"

namespace cxsim::testing {

// The experiment of the known answer.
inline std::string knapsack_large_experiment() {
  return std::string(CXSIM_SOURCE_DIR) + "/scenarios/experiments/knapsack_large_optimize.yaml";
}

struct KnapsackLargeOption {
  std::string name;
  double capex;
  double rise;
};

inline const std::vector<KnapsackLargeOption>& knapsack_large_options() {
  static const std::vector<KnapsackLargeOption> options{
      {"a_raise", 7e6, 60}, {"b_raise", 4e6, 38}, {"c_raise", 3e6, 28},  {"d_raise", 3e6, 20},
      {"e_raise", 2e6, 18}, {"f_raise", 5e6, 40}, {"g_raise", 1.5e6, 10}};
  return options;
}

inline constexpr int kKnapsackLargeStarts[] = {1, 7, 13, 19};
inline constexpr double kKnapsackLargeCapexTotal = 12e6;
inline constexpr double kKnapsackLargeCapexPerYear = 8e6;

// E[rise] x 10,000 purchases a month over months s..24, discounted monthly at 1.05^(1/12) - 1,
// minus the capex spent in month s.
inline double knapsack_large_value(const std::string& initiative, int start) {
  for (const auto& o : knapsack_large_options()) {
    if (o.name != initiative) continue;
    const double v = 1.0 / std::pow(1.05, 1.0 / 12.0);
    double annuity = 0;
    for (int t = start; t <= 24; ++t) annuity += std::pow(v, t);
    return o.rise * 10000 * annuity - o.capex * std::pow(v, start);
  }
  return std::nan("");
}

// A plan's value: the sum of its initiatives'.
inline double knapsack_large_value(const OptimizeBlock& block, const Plan& plan) {
  double v = 0;
  for (const auto& s : plan.starts) {
    v += knapsack_large_value(block.initiatives[static_cast<std::size_t>(s.initiative)],
                              s.start_month);
  }
  return v;
}

struct KnapsackLargeSpace {
  double best = -1e300;
  int feasible = 0;
  std::vector<double> values;  // of every feasible plan
};

// Every subset x start choice (0: left out) under the total and per-year caps (capex is spent in
// the start month).
inline KnapsackLargeSpace knapsack_large_space() {
  KnapsackLargeSpace out;
  const auto& options = knapsack_large_options();
  const std::size_t n = options.size();
  std::vector<int> choice(n, 0);
  auto visit = [&](auto&& self, std::size_t i) -> void {
    if (i == n) {
      double total = 0, year1 = 0, year2 = 0, value = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (choice[k] == 0) continue;
        total += options[k].capex;
        (choice[k] <= 12 ? year1 : year2) += options[k].capex;
        value += knapsack_large_value(options[k].name, choice[k]);
      }
      const double slack = 1e-6;
      if (total > kKnapsackLargeCapexTotal + slack || year1 > kKnapsackLargeCapexPerYear + slack ||
          year2 > kKnapsackLargeCapexPerYear + slack) {
        return;
      }
      ++out.feasible;
      out.values.push_back(value);
      out.best = std::max(out.best, value);
      return;
    }
    choice[i] = 0;
    self(self, i + 1);
    for (const int s : kKnapsackLargeStarts) {
      choice[i] = s;
      self(self, i + 1);
    }
    choice[i] = 0;
  };
  visit(visit, 0);
  return out;
}

}  // namespace cxsim::testing
