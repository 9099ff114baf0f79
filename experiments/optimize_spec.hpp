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

// What one candidate initiative spends, as the constraints count it: capex as written (a
// distribution's mean) spread evenly over capex_months from its start, opex (a mean) in every
// month it is in force (start to end_month, or the horizon).
struct InitiativeSpend {
  double capex = 0.0;
  int capex_months = 1;
  double opex = 0.0;
  int end_month = 0;  // 0: to the horizon
};

struct PlanConstraints {
  int horizon = 12;
  double capex_total = kNoLimit;
  double capex_per_year = kNoLimit;
  double opex_per_month = kNoLimit;
  static constexpr double kNoLimit = 1e300;
};

// The `screening:` keys (docs/experiments.md, "Screening large spaces"): how a space with more
// feasible plans than kMaxOptimizePlans is searched before KN races a short list of it.
struct ScreeningSettings {
  std::string method = "gaco";  // pagmo's extended ant colony optimiser (mixed integer)
  int population = 32;          // plans per generation
  int generations = 20;         // after the first population
  int shortlist = 12;           // the best distinct plans found that KN races (plus the empty plan)
  std::int64_t replications = 0;  // per screened plan, replications 0..n-1; 0: the first stage
};

// What the screening found (filled by the run, before the file is created): every plan it
// evaluated in the order first evaluated, its screening objective over the same replications,
// and the generation that first evaluated it (0: the initial population).
struct ScreeningOutcome {
  std::vector<Plan> evaluated;
  std::vector<double> objective;
  std::vector<int> generation;
  std::vector<int> shortlist;     // indices into evaluated, best first: KN's candidates 1..K
  std::int64_t observations = 0;  // evaluated x replications
  int empty_plan = -1;            // the plan with no initiative among evaluated; -1 if not
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

  // A space too large to race: `plans` holds the empty plan until the screening puts its short
  // list after it (experiments/plan_screening.hpp).
  bool screened = false;
  double feasible_plans = 0.0;  // counted when screened (at most kMaxCountedPlans)
  ScreeningSettings screening;
  std::vector<std::vector<int>> allowed_starts;  // per initiative, ascending (the exclusions out)
  std::vector<InitiativeSpend> spend;            // per initiative
  PlanConstraints limits;                        // under the largest capex_total
  ScreeningOutcome screening_outcome;
  // The first replication KN uses: after the screening's, so that its observations are
  // independent of the choice of the short list.
  std::int64_t first_replication() const { return screened ? screening.replications : 0; }
};

// The largest number of plans enumerated and raced; larger spaces are refused.
inline constexpr std::size_t kMaxOptimizePlans = 2000;
// Feasible plans of a screened space are counted up to this many (the count is reported, not
// used).
inline constexpr double kMaxCountedPlans = 1e7;

}  // namespace cxsim
