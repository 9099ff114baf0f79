// Running the roadmaps of one replication, in parallel, on shared draws and shared agents.
#include "engine/replication.hpp"

#include <tbb/parallel_for.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "agents/network_spares.hpp"
#include "engine/finance.hpp"
#include "engine/initial_population.hpp"
#include "engine/month_kernel.hpp"
#include "engine/month_parameters.hpp"
#include "engine/parameter_draws.hpp"
#include "engine/roadmap_schedule.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Copies one month's totals into the run, in real-world units (times the agent weight).
void record_month(const MonthTotals& m, double w, int t, RoadmapRun& run) {
  double active = 0, sat = 0, promoters = 0, detractors = 0, equity = 0, lifetime = 0;
  double customers = 0;
  auto add = [&](Metric metric, double v) { run.at(metric, t) += w * v; };
  for (int s = 0; s < static_cast<int>(m.segments.size()); ++s) {
    const MonthTotals::PerSegment& ps = m.segments[s];
    add(Metric::customers, ps.customers_end);
    add(Metric::prospects, ps.prospects_end);
    add(Metric::lapsed, ps.lapsed_end);
    add(Metric::acquisitions, ps.acquisitions);
    add(Metric::churned, ps.churned);
    add(Metric::winbacks, ps.winbacks);
    add(Metric::revenue, ps.revenue);
    add(Metric::variable_cost, ps.variable_cost);
    add(Metric::acquisition_cost, ps.acquisition_cost);
    active += ps.active_during;
    sat += ps.satisfaction_sum;
    promoters += ps.promoters;
    detractors += ps.detractors;
    equity += ps.customer_equity;
    lifetime += ps.discounted_lifetime;
    customers += ps.customers_end;

    run.at(SegmentMetric::customers, t, s) = w * ps.customers_end;
    run.at(SegmentMetric::churned, t, s) = w * ps.churned;
    run.at(SegmentMetric::acquisitions, t, s) = w * ps.acquisitions;
    run.at(SegmentMetric::revenue, t, s) = w * ps.revenue;
    run.at(SegmentMetric::satisfaction_mean, t, s) =
        ps.active_during > 0 ? ps.satisfaction_sum / ps.active_during : kNaN;
    run.at(SegmentMetric::nps, t, s) =
        ps.active_during > 0 ? 100.0 * (ps.promoters - ps.detractors) / ps.active_during : kNaN;
  }
  for (int k = 0; k < static_cast<int>(m.touchpoints.size()); ++k) {
    const MonthTotals::PerTouchpoint& pt = m.touchpoints[k];
    add(Metric::cost_to_serve, pt.cost_to_serve);
    add(Metric::failure_cost, pt.failure_cost);
    run.at(TouchpointMetric::contacts, t, k) = w * pt.contacts;
    run.at(TouchpointMetric::failures, t, k) = w * pt.failures;
    run.at(TouchpointMetric::recovered, t, k) = w * pt.recovered;
    run.at(TouchpointMetric::failure_cost, t, k) = w * pt.failure_cost;
  }
  run.at(Metric::satisfaction_mean, t) = active > 0 ? sat / active : kNaN;
  run.at(Metric::nps, t) = active > 0 ? 100.0 * (promoters - detractors) / active : kNaN;
  run.at(Metric::promoters, t) = w * promoters;
  run.at(Metric::detractors, t) = w * detractors;
  run.at(Metric::customer_equity, t) = w * equity;
  run.at(Metric::discounted_lifetime, t) = customers > 0 ? lifetime / customers : 0.0;
  run.at(Metric::wom_positive, t) = w * m.wom_positive;
  run.at(Metric::wom_negative, t) = w * m.wom_negative;
}

// `failure_free`: the touchpoints whose failure rate is 0 after the roadmap's effects (none for
// the roadmap itself, all for its zero-defect counterfactual, one for a per-touchpoint twin).
RoadmapRun run_roadmap(const Scenario& sc, int roadmap_index, std::span<const int> failure_free,
                       const ParameterDraw& draw, const Population& initial, const Network& network,
                       const StreamKey& key, double& initial_equity) {
  const Roadmap& roadmap = sc.roadmaps[roadmap_index];
  const int T = sc.horizon_months;
  const double w = sc.agent_weight();
  RoadmapRun run(T, sc.layout.segments(), sc.layout.touchpoints());
  RoadmapSchedule schedule(roadmap, T, sc.change_capacity);
  Population pop = initial;
  KernelScratch scratch;
  std::vector<double> v;
  for (int t = 1; t <= T; ++t) {
    const int clamps = roadmap_month_vector(sc, roadmap, schedule, draw.values, t, failure_free, v);
    const MonthParameters params = shape_month_parameters(sc, v, draw.values);
    if (t == 1) initial_equity = w * initial_customer_equity(params, pop);
    const MonthTotals totals = simulate_month(params, network, key, t, pop, scratch);
    record_month(totals, w, t, run);
    const MonthSpend spend = roadmap_spend(roadmap, schedule, draw.values, t);
    run.at(Metric::initiative_capex, t) = spend.capex;
    run.at(Metric::initiative_opex, t) = spend.opex;
    run.at(Metric::parameter_clamps, t) = clamps + draw.clamps;
  }
  return run;
}

}  // namespace

ReplicationResult run_replication(const Scenario& sc, std::int64_t replication,
                                  const Network* shared_network, const ReplicationOptions& options,
                                  NetworkSpares* spares) {
  ReplicationResult result;
  result.replication = replication;
  const ParameterDraw draw = draw_parameters(sc, replication);
  result.parameters = draw.uncertain;

  const auto rep_word = static_cast<std::uint32_t>(replication);
  Network own_network;
  if (shared_network == nullptr) {
    own_network = build_network(sc.network, static_cast<std::uint32_t>(sc.agents), sc.seed,
                                rep_word, spares ? spares->take() : Network());
  }
  const Network& network = shared_network ? *shared_network : own_network;
  const StreamKey base_key{sc.seed, rep_word};
  const Population initial = make_initial_population(sc, draw.values, base_key, draw.heterogeneity);

  // Variants of every roadmap, each a block of n_roadmaps runs: the roadmap itself, its
  // zero-defect counterfactual (when enabled), then one twin per touchpoint (when enabled). Each
  // variant lists the touchpoints it makes failure-free.
  const int n_roadmaps = static_cast<int>(sc.roadmaps.size());
  const int n_touchpoints = sc.layout.touchpoints();
  std::vector<std::vector<int>> variants{{}};
  if (sc.zero_defect_counterfactual) variants.push_back(all_touchpoints(sc));
  const std::size_t first_twin = variants.size();
  if (sc.avoidable_cost_by_touchpoint) {
    for (int k = 0; k < n_touchpoints; ++k) variants.push_back({k});
  }
  std::vector<RoadmapRun> runs(static_cast<std::size_t>(n_roadmaps) * variants.size());
  std::vector<double> equity0(runs.size(), 0.0);
  tbb::parallel_for(0, static_cast<int>(runs.size()), [&](int job) {
    const int roadmap = job % n_roadmaps;
    const std::vector<int>& failure_free = variants[static_cast<std::size_t>(job / n_roadmaps)];
    // Every variant of a roadmap draws the same random numbers as the roadmap (same StreamKey).
    StreamKey key = base_key;
    if (options.independent_streams) {
      // A distinct counter word per roadmap: no number is shared between roadmaps.
      key.replication = rep_word ^ (0x9e3779b9u * static_cast<std::uint32_t>(roadmap + 1));
    }
    runs[job] = run_roadmap(sc, roadmap, failure_free, draw, initial, network, key, equity0[job]);
  });
  if (spares != nullptr && shared_network == nullptr) spares->give(std::move(own_network));

  const double d =
      monthly_discount_rate(draw.values[sc.layout.global(GlobalParam::discount_rate_annual)]);
  for (std::size_t job = 0; job < runs.size(); ++job) {
    // A zero-defect or per-touchpoint twin carries its roadmap's sustaining cost over its own
    // lifetimes.
    const Roadmap& roadmap = sc.roadmaps[job % static_cast<std::size_t>(n_roadmaps)];
    const TerminalInputs terminal{
        sc.terminal_value, sustaining_opex_at_horizon(roadmap, sc.horizon_months, draw.values)};
    settle_finances(runs[job], d, equity0[job], terminal);
  }
  auto variant = [&](std::size_t v) {
    const auto begin = runs.begin() + static_cast<std::ptrdiff_t>(v * n_roadmaps);
    return std::vector<RoadmapRun>(std::make_move_iterator(begin),
                                   std::make_move_iterator(begin + n_roadmaps));
  };
  result.roadmaps = variant(0);
  compare_with_baseline(result.roadmaps, sc.baseline, d);
  if (sc.zero_defect_counterfactual) {
    result.zero_defect = variant(1);
    compare_with_baseline(result.zero_defect, sc.baseline, d);
    set_avoidable_costs(result.roadmaps, result.zero_defect);
  }
  if (sc.avoidable_cost_by_touchpoint) {
    for (int k = 0; k < n_touchpoints; ++k) {
      result.touchpoint_twins.push_back(variant(first_twin + static_cast<std::size_t>(k)));
      // Paired among the twins of one touchpoint, as the zero-defect runs are among themselves.
      compare_with_baseline(result.touchpoint_twins.back(), sc.baseline, d);
    }
  }
  return result;
}

}  // namespace cxsim
