// The search over integer start choices (pagmo's gaco, run through experiments/gaco_search.hpp:
// one objective, minus the screening score, a generation scored in one call), and the cache of
// plans already scored (the search revisits them; a revisit costs nothing and counts nothing).
#include "experiments/plan_screening.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "engine/statistics.hpp"
#include "experiments/gaco_search.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/optimize_space.hpp"
#include "experiments/optimizer.hpp"

namespace cxsim {

namespace {

// The scores of every plan evaluated so far, and how to score new ones.
class ScreeningSearch {
 public:
  ScreeningSearch(const LoadedExperiment& experiment, int threads, const std::atomic<bool>* stop)
      : experiment_(experiment),
        block_(experiment.spec.optimize),
        metric_(objective_metric(block_)),
        threads_(threads),
        stop_(stop) {}

  // Minus the score of each decision vector (gaco minimises), new plans simulated together.
  std::vector<double> fitness(const std::vector<std::vector<double>>& xs) {
    if (stop_ != nullptr && stop_->load()) throw ScreeningStopped();
    std::vector<int> index(xs.size());
    std::vector<Plan> fresh;
    std::vector<std::vector<int>> fresh_codes;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      std::vector<int> code;
      Plan plan = decode_plan(block_, xs[i], code);
      if (const auto it = known_.find(code); it != known_.end()) {
        index[i] = it->second;
        continue;
      }
      const auto at = std::find(fresh_codes.begin(), fresh_codes.end(), code);
      if (at != fresh_codes.end()) {
        index[i] = -1 - static_cast<int>(at - fresh_codes.begin());
        continue;
      }
      index[i] = -1 - static_cast<int>(fresh.size());
      fresh.push_back(std::move(plan));
      fresh_codes.push_back(std::move(code));
    }
    const std::vector<double> scores = score(fresh);
    const int first = static_cast<int>(outcome_.evaluated.size());
    for (std::size_t f = 0; f < fresh.size(); ++f) {
      known_.emplace(fresh_codes[f], first + static_cast<int>(f));
      outcome_.evaluated.push_back(std::move(fresh[f]));
      outcome_.objective.push_back(scores[f]);
      outcome_.generation.push_back(generation_);
    }
    ++generation_;
    std::vector<double> out(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const int k = index[i] >= 0 ? index[i] : first + (-1 - index[i]);
      out[i] = -outcome_.objective[static_cast<std::size_t>(k)];
    }
    return out;
  }

  ScreeningOutcome finish() {
    const auto& o = outcome_.objective;
    std::vector<int> order(o.size());
    std::iota(order.begin(), order.end(), 0);
    // Best first; ties in the order first evaluated.
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return o[static_cast<std::size_t>(a)] > o[static_cast<std::size_t>(b)];
    });
    for (std::size_t k = 0; k < outcome_.evaluated.size(); ++k) {
      if (outcome_.evaluated[k].starts.empty()) outcome_.empty_plan = static_cast<int>(k);
    }
    for (const int k : order) {
      if (static_cast<int>(outcome_.shortlist.size()) == block_.screening.shortlist) break;
      if (outcome_.evaluated[static_cast<std::size_t>(k)].starts.empty()) continue;
      outcome_.shortlist.push_back(k);
    }
    if (outcome_.shortlist.empty()) {
      // KN needs a second candidate beside the plan with no initiative.
      throw std::runtime_error(
          "the screening found no feasible plan with an initiative (expected at least one: a "
          "larger screening population or more generations)");
    }
    outcome_.observations =
        static_cast<std::int64_t>(outcome_.evaluated.size()) * block_.screening.replications;
    return std::move(outcome_);
  }

 private:
  // The objective's statistic of each plan over replications 0..n-1, on one evaluator.
  std::vector<double> score(const std::vector<Plan>& plans) const {
    if (plans.empty()) return {};
    const OptimizeProblem problem = make_optimize_problem(experiment_, plans);
    CandidateEvaluator evaluator(problem, metric_, true, threads_);
    const std::int64_t n = block_.screening.replications;
    std::vector<std::pair<int, std::int64_t>> wanted;
    for (std::int64_t j = 0; j < n; ++j) {
      for (std::size_t c = 0; c < plans.size(); ++c) wanted.emplace_back(static_cast<int>(c), j);
    }
    evaluator.prefetch(wanted);
    std::vector<double> out(plans.size());
    for (std::size_t c = 0; c < plans.size(); ++c) {
      std::vector<double> values(static_cast<std::size_t>(n));
      for (std::int64_t j = 0; j < n; ++j) {
        values[static_cast<std::size_t>(j)] = evaluator.observe(static_cast<int>(c), j);
      }
      if (std::isnan(block_.percentile)) {
        double sum = 0.0;
        for (const double v : values) sum += v;
        out[c] = sum / static_cast<double>(n);
      } else {
        std::sort(values.begin(), values.end());
        out[c] = percentile_sorted(values, block_.percentile);
      }
    }
    return out;
  }

  const LoadedExperiment& experiment_;
  const OptimizeBlock& block_;
  SummaryMetric metric_;
  int threads_;
  const std::atomic<bool>* stop_;
  std::map<std::vector<int>, int> known_;
  ScreeningOutcome outcome_;
  int generation_ = 0;
};

// The search's seed, from the experiment's (pagmo takes 32 bits).
unsigned search_seed(std::uint64_t seed) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL;  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<unsigned>((z ^ (z >> 31)) & 0xffffffffULL);
}

}  // namespace

Plan decode_plan(const OptimizeBlock& block, const std::vector<double>& x, std::vector<int>& code) {
  const std::size_t n = block.allowed_starts.size();
  code.assign(n, 0);
  std::vector<PlannedStart> chosen;
  for (std::size_t i = 0; i < n && i < x.size(); ++i) {
    const auto m = static_cast<long>(block.allowed_starts[i].size());
    const long v = std::clamp(std::lround(x[i]), 0L, m);
    code[i] = static_cast<int>(v);
    if (v > 0) {
      chosen.push_back(
          {static_cast<int>(i), block.allowed_starts[i][static_cast<std::size_t>(v - 1)]});
    }
  }
  double capex = 0.0;
  while (!chosen.empty() && !meets_constraints(chosen, block.spend, block.limits, capex)) {
    code[static_cast<std::size_t>(chosen.back().initiative)] = 0;
    chosen.pop_back();
  }
  return make_plan(chosen, block.spend);
}

ScreeningOutcome screen_plans(const LoadedExperiment& experiment, int threads,
                              const std::atomic<bool>* stop) {
  const OptimizeBlock& block = experiment.spec.optimize;
  const ScreeningSettings& s = block.screening;
  ScreeningSearch search(experiment, threads, stop);
  GacoSearch gaco;
  for (const auto& starts : block.allowed_starts) {
    gaco.upper.push_back(static_cast<double>(starts.size()));
  }
  gaco.generations = static_cast<unsigned>(s.generations);
  gaco.population = static_cast<unsigned>(s.population);
  gaco.seed = search_seed(experiment.base.seed);
  gaco.evaluate = [&](const std::vector<std::vector<double>>& xs) { return search.fitness(xs); };
  run_gaco(gaco);
  return search.finish();
}

void apply_screening(OptimizeBlock& block, ScreeningOutcome outcome) {
  block.plans.assign(1, Plan{});
  for (const int k : outcome.shortlist) {
    block.plans.push_back(outcome.evaluated[static_cast<std::size_t>(k)]);
  }
  block.screening_outcome = std::move(outcome);
}

}  // namespace cxsim
