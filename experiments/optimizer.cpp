// One selection per budget on a shared evaluator: each budget's systems are its plans, mapped
// onto the evaluator's candidates.
#include "experiments/optimizer.hpp"

#include <stdexcept>

namespace cxsim {

namespace {

// KN's view of one budget's plans.
class BudgetSource : public ObservationSource {
 public:
  BudgetSource(CandidateEvaluator& evaluator, const std::vector<int>& candidates,
               const OptimizeRunOptions& options)
      : evaluator_(evaluator), candidates_(candidates), options_(options) {}

  void prefetch(std::span<const std::pair<int, std::int64_t>> wanted) override {
    std::vector<std::pair<int, std::int64_t>> mapped;
    mapped.reserve(wanted.size());
    for (const auto& [s, j] : wanted)
      mapped.emplace_back(candidates_[static_cast<std::size_t>(s)], j);
    evaluator_.prefetch(mapped);
  }
  double observe(int system, std::int64_t j) override {
    return evaluator_.observe(candidates_[static_cast<std::size_t>(system)], j);
  }
  int lookahead(int survivors) const override { return evaluator_.lookahead(survivors); }
  void stage_done() override {
    if (options_.on_stage) options_.on_stage();
  }
  bool stopped() const override { return options_.stop != nullptr && options_.stop->load(); }

 private:
  CandidateEvaluator& evaluator_;
  const std::vector<int>& candidates_;
  const OptimizeRunOptions& options_;
};

}  // namespace

SummaryMetric objective_metric(const OptimizeBlock& block) {
  const auto infos = summary_metric_infos();
  for (std::size_t m = 0; m < infos.size(); ++m) {
    if (infos[m].name == block.metric) return static_cast<SummaryMetric>(m);
  }
  throw std::invalid_argument("objective_metric: unknown metric " + block.metric);
}

OptimizationRun run_optimization(const LoadedExperiment& experiment, const OptimizeProblem& problem,
                                 const OptimizeRunOptions& options) {
  const OptimizeBlock& block = experiment.spec.optimize;
  CandidateEvaluator evaluator(problem, objective_metric(block), options.common_random_numbers,
                               options.threads, block.first_replication());
  evaluator.preload(options.resumed);
  evaluator.on_new = options.on_observation;

  OptimizationRun run;
  std::vector<double> budgets = block.capex_total;
  if (budgets.empty()) budgets.push_back(std::numeric_limits<double>::quiet_NaN());
  for (const double budget : budgets) {
    BudgetSelection sel;
    sel.budget = budget;
    for (std::size_t p = 0; p < block.plans.size(); ++p) {
      const double x = block.plans[p].capex_total;
      if (std::isnan(budget) || x <= budget + 1e-9 * std::max(1.0, budget)) {
        sel.candidates.push_back(static_cast<int>(p));
      }
    }
    SelectionOptions so;
    so.indifference_zone = block.indifference_zone;
    so.confidence = block.confidence;
    so.first_stage = static_cast<int>(block.first_stage);
    // The screening's replications count in the budget.
    so.budget = block.max_replications - block.screening_outcome.observations;
    so.percentile = block.percentile;
    so.seed = experiment.base.seed;
    BudgetSource source(evaluator, sel.candidates, options);
    sel.result = select_best(static_cast<int>(sel.candidates.size()), so, source);
    if (sel.result.end == SelectionEnd::stopped) {
      run.stopped = true;
      break;
    }
    run.selections.push_back(std::move(sel));
  }
  run.observations = evaluator.consumed();
  return run;
}

}  // namespace cxsim
