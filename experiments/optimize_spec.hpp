// What an `optimize:` block asks for (EXPERIMENTS.md), after validation: the candidate
// initiatives and start months, the constraints, the objective and the selection's guarantee, and
// the feasible plans that the constraints leave (every candidate initiative may be left out).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "config/yaml_tree.hpp"

namespace cxsim {

// One initiative of a plan: an index into OptimizeBlock::initiatives and its start month.
struct PlannedStart {
  int initiative = 0;
  int start_month = 1;
};

// A candidate roadmap: its initiatives in roadmap order (by start month, ties in the order of
// the block's `initiatives` list), with what it spends as the constraints count it.
struct Plan {
  std::vector<PlannedStart> starts;
  double capex_total = 0.0;  // over the horizon, capex as written (a distribution's mean)
};

struct OptimizeBlock {
  std::vector<std::string> initiatives;  // library names, in file order
  std::vector<int> start_months;         // ascending
  // Constraints (NaN: none). Several capex_total values make a frontier: one selection per
  // budget, ascending.
  std::vector<double> capex_total;
  double capex_per_year = std::numeric_limits<double>::quiet_NaN();
  double opex_per_month = std::numeric_limits<double>::quiet_NaN();
  std::string metric = "delta_npv";  // objective: a summary metric, maximised
  std::string statistic = "mean";    // mean, or pNN (a percentile, 1..99)
  double percentile = std::numeric_limits<double>::quiet_NaN();  // NN when a percentile
  double indifference_zone = 0.0;
  double confidence = 0.95;
  std::int64_t max_replications = 20000;  // per budget: observations over all candidates
  // Extension (for measuring what common random numbers buy; never for decisions): false gives
  // every candidate's replications their own random numbers.
  bool common_random_numbers = true;
  std::int64_t first_stage = 0;  // replications per candidate before any elimination (n0)

  // The space: every subset x start month choice meeting the constraints (under the largest
  // capex_total), the empty plan first, in enumeration order.
  std::vector<Plan> plans;
  double all_plans = 0.0;  // every subset x start month choice, feasible or not
  // (initiative, start) pairs that no plan can use, with the reason ("billing_fix at 31: capex
  // runs past the horizon").
  std::vector<std::string> excluded_starts;
  SourceLoc loc;  // the block, for messages
};

// The largest number of plans enumerated and raced; larger spaces are refused.
inline constexpr std::size_t kMaxOptimizePlans = 2000;

}  // namespace cxsim
