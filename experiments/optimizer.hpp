// `cxsim optimize` without the file: for each budget (one, or each capex_total of a frontier,
// ascending), KN over the plans that budget allows, on observations from one evaluator, so a
// candidate's replication simulated for one budget serves the next. Deterministic: every
// decision depends on the seed alone, whatever the thread count or an interrupt in between.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "experiments/experiment_file.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/ranking_selection.hpp"

namespace cxsim {

struct BudgetSelection {
  double budget = std::numeric_limits<double>::quiet_NaN();  // NaN: no capex_total
  std::vector<int> candidates;  // the plans it allows (indices into the block's plans)
  SelectionResult result;       // its systems are `candidates`, in that order
  int best_candidate() const { return candidates[static_cast<std::size_t>(result.best)]; }
};

struct OptimizeRunOptions {
  int threads = 0;
  const std::atomic<bool>* stop = nullptr;   // set (SIGINT): end after the current stage
  std::vector<OptimizeObservation> resumed;  // consumed before, in order (a resumed file)
  std::function<void(const OptimizeObservation&)> on_observation;  // each new one, in order
  std::function<void()> on_stage;  // after each stage: every observation handed on so far is final
  bool common_random_numbers = true;  // the block's setting unless a caller measures otherwise
};

struct OptimizationRun {
  std::vector<BudgetSelection> selections;  // ascending budgets; the last is the widest
  bool stopped = false;
  std::int64_t observations = 0;  // distinct (candidate, replication) pairs consumed
};

OptimizationRun run_optimization(const LoadedExperiment& experiment, const OptimizeProblem& problem,
                                 const OptimizeRunOptions& options);

// The summary metric the objective names.
SummaryMetric objective_metric(const OptimizeBlock& block);

}  // namespace cxsim
