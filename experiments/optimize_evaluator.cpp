// Candidates run in groups of up to kGroup roadmaps beside the baseline, one replication per
// task, tasks in parallel (each isolated, its roadmaps and agent blocks parallel inside). A
// group's scenario is the validated master with only its roadmaps: the draws, the population and
// the network of replication j are the master's whatever the group, so a candidate's values do
// not depend on which candidates ran beside it.
#include "experiments/optimize_evaluator.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/replication.hpp"
#include "experiments/optimize_space.hpp"

namespace cxsim {

namespace {

constexpr std::size_t kGroup = 16;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> roadmap_names(const ScenarioSource& source) {
  std::vector<std::string> out;
  if (const YamlTree* maps = source.document.find("roadmaps"); maps && maps->is_sequence()) {
    for (const auto& item : maps->items) out.push_back(item.item_name());
  }
  return out;
}

struct Task {
  std::int64_t replication = 0;  // of the scenario
  std::int64_t j = 0;            // the observation's replication (after the screening's)
  std::vector<int> candidates;
  const Network* network = nullptr;
};

}  // namespace

OptimizeProblem make_optimize_problem(const LoadedExperiment& experiment) {
  return make_optimize_problem(experiment, experiment.spec.optimize.plans);
}

OptimizeProblem make_optimize_problem(const LoadedExperiment& experiment,
                                      const std::vector<Plan>& plans) {
  const OptimizeBlock& block = experiment.spec.optimize;
  OptimizeProblem p;
  const std::string prefix = unused_prefix(experiment.source, "candidate_");
  std::vector<YamlTree> roadmaps;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    p.names.push_back(prefix + std::to_string(i));
    p.yaml.push_back(plan_yaml(p.names.back(), block, plans[i]));
    roadmaps.push_back(plan_roadmap(p.names.back(), block, plans[i], block.loc));
  }
  LoadOptions load;
  load.overrides = experiment.spec.overrides;
  p.master = build_scenario(with_roadmaps(experiment.source, std::move(roadmaps)), load);
  if (p.master.roadmaps.size() != plans.size() + 1 || p.master.baseline != 0) {
    throw std::logic_error("make_optimize_problem: the plans did not become roadmaps 1..K");
  }
  const std::vector<std::string> taken = roadmap_names(experiment.source);
  p.best_name = "optimized";
  for (int n = 2; std::find(taken.begin(), taken.end(), p.best_name) != taken.end(); ++n) {
    p.best_name = "optimized_" + std::to_string(n);
  }
  return p;
}

CandidateEvaluator::CandidateEvaluator(const OptimizeProblem& problem, SummaryMetric metric,
                                       bool common_random_numbers, int threads,
                                       std::int64_t first_replication)
    : problem_(problem),
      skeleton_(problem.master),
      metric_(metric),
      crn_(common_random_numbers),
      threads_(threads > 0 ? threads : tbb::this_task_arena::max_concurrency()),
      first_replication_(first_replication) {
  skeleton_.roadmaps.clear();
  skeleton_.resolved_yaml.clear();
  skeleton_.baseline = 0;
  // Twins are not part of any objective: not run.
  skeleton_.zero_defect_counterfactual = false;
  skeleton_.avoidable_cost_by_touchpoint = false;
  if (!skeleton_.network.per_replication) {
    shared_network_ = std::make_unique<Network>(build_network(
        skeleton_.network, static_cast<std::uint32_t>(skeleton_.agents), skeleton_.seed, 0));
  }
}

CandidateEvaluator::~CandidateEvaluator() = default;

void CandidateEvaluator::preload(const std::vector<OptimizeObservation>& consumed) {
  for (const auto& o : consumed) {
    consumed_[key(o.candidate, o.replication)] = o.summary[static_cast<std::size_t>(metric_)];
    ++consumed_count_;
  }
}

int CandidateEvaluator::lookahead(int survivors) const {
  const std::size_t per_stage = crn_ ? (static_cast<std::size_t>(survivors) + kGroup - 1) / kGroup
                                     : static_cast<std::size_t>(survivors);
  const std::size_t want = 2 * static_cast<std::size_t>(threads_);
  const std::size_t stages = (want + per_stage - 1) / std::max<std::size_t>(per_stage, 1);
  return static_cast<int>(std::clamp<std::size_t>(stages, 1, 64));
}

void CandidateEvaluator::prefetch(std::span<const std::pair<int, std::int64_t>> wanted) {
  std::vector<std::pair<std::int64_t, int>> missing;  // (j, candidate)
  for (const auto& [c, j] : wanted) {
    const std::uint64_t k = key(c, first_replication_ + j);
    if (!consumed_.count(k) && !pending_.count(k)) missing.emplace_back(first_replication_ + j, c);
  }
  if (missing.empty()) return;
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());

  const auto K = static_cast<std::int64_t>(problem_.names.size());
  std::vector<Task> tasks;
  for (std::size_t at = 0; at < missing.size();) {
    Task t;
    t.j = missing[at].first;
    t.replication = t.j;
    if (crn_) {
      while (at < missing.size() && missing[at].first == t.j && t.candidates.size() < kGroup) {
        t.candidates.push_back(missing[at++].second);
      }
    } else {
      const int c = missing[at++].second;
      t.candidates.push_back(c);
      // Its own replication number: no draw in common with any other candidate's.
      t.replication = (t.j - first_replication_ + 1) * K + c;
      if (t.replication > std::numeric_limits<std::uint32_t>::max()) {
        throw std::runtime_error(
            "without common random numbers, candidates x replications must stay below 2^32");
      }
    }
    tasks.push_back(std::move(t));
  }

  tbb::task_arena arena(threads_);
  std::vector<std::vector<OptimizeObservation>> results(tasks.size());
  arena.execute([&] {
    // One network per replication, shared by its groups (with common random numbers).
    std::map<std::int64_t, Network> networks;
    if (crn_ && !shared_network_ && skeleton_.network.per_replication) {
      std::vector<std::int64_t> js;
      for (const Task& t : tasks) {
        if (js.empty() || js.back() != t.j) js.push_back(t.j);
      }
      std::vector<Network> built(js.size());
      tbb::parallel_for(std::size_t{0}, js.size(), [&](std::size_t i) {
        built[i] = build_network(skeleton_.network, static_cast<std::uint32_t>(skeleton_.agents),
                                 skeleton_.seed, static_cast<std::uint32_t>(js[i]));
      });
      for (std::size_t i = 0; i < js.size(); ++i) networks.emplace(js[i], std::move(built[i]));
    }
    for (Task& t : tasks) {
      if (shared_network_) {
        t.network = shared_network_.get();
      } else if (const auto it = networks.find(t.j); it != networks.end()) {
        t.network = &it->second;
      }
    }
    tbb::parallel_for(std::size_t{0}, tasks.size(), std::size_t{1}, [&](std::size_t i) {
      const Task& t = tasks[i];
      Scenario sc = skeleton_;
      sc.roadmaps.reserve(t.candidates.size() + 1);
      sc.roadmaps.push_back(problem_.master.roadmaps[0]);
      for (const int c : t.candidates) {
        sc.roadmaps.push_back(problem_.master.roadmaps[static_cast<std::size_t>(c) + 1]);
      }
      ReplicationOptions options;
      options.independent_streams = !crn_;
      ReplicationResult r;
      tbb::this_task_arena::isolate(
          [&] { r = run_replication(sc, t.replication, t.network, options); });
      for (std::size_t q = 0; q < t.candidates.size(); ++q) {
        OptimizeObservation o;
        o.candidate = t.candidates[q];
        o.replication = t.j;
        o.summary = r.roadmaps[q + 1].summary;
        o.summary[static_cast<std::size_t>(SummaryMetric::is_best)] = kNaN;
        for (const TerminalChoiceMetrics& m : kTerminalChoiceMetrics) {
          o.summary[static_cast<std::size_t>(m.is_best)] = kNaN;
        }
        results[i].push_back(o);
      }
    });
  });
  for (auto& group : results) {
    for (auto& o : group) {
      const double v = o.summary[static_cast<std::size_t>(metric_)];
      if (std::isnan(v)) {
        throw std::runtime_error(fmt::format(
            "the objective is NaN for {} in replication {} (expected a metric defined in every "
            "replication)",
            problem_.names[static_cast<std::size_t>(o.candidate)], o.replication));
      }
      pending_.emplace(key(o.candidate, o.replication), o);
    }
  }
}

double CandidateEvaluator::observe(int candidate, std::int64_t j) {
  const std::uint64_t k = key(candidate, first_replication_ + j);
  if (const auto it = consumed_.find(k); it != consumed_.end()) return it->second;
  auto it = pending_.find(k);
  if (it == pending_.end()) {
    const std::pair<int, std::int64_t> one{candidate, j};
    prefetch(std::span(&one, 1));
    it = pending_.find(k);
  }
  const OptimizeObservation o = it->second;
  pending_.erase(it);
  const double v = o.summary[static_cast<std::size_t>(metric_)];
  consumed_[k] = v;
  ++consumed_count_;
  if (on_new) on_new(o);
  return v;
}

}  // namespace cxsim
