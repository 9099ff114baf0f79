// Replication-level guarantees: common random numbers, thread independence, consistency of
// breakdowns and of the cash-flow identity, and the zero-defect counterfactual.
#include "engine/replication.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>

#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

using testing::set;

// A scenario that exercises every mechanism: two segments, two touchpoints, a network,
// distributions, and two roadmaps besides the baseline (one identical to it).
Scenario rich_scenario() {
  Scenario sc;
  sc.file = "<test>";
  sc.name = "rich";
  sc.horizon_months = 18;
  sc.seed = 99;
  sc.agents = 6000;
  sc.population = 600000;
  sc.network = {NetworkType::small_world, 6, 0.1, true};
  sc.segments = {{"consumer", 0.7, 0.3, false, std::nullopt},
                 {"business", 0.3, 0.5, true, Distribution{DistributionKind::beta, 2, 150}}};
  sc.touchpoints = {{"billing"}, {"support"}};
  sc.layout = ParamLayout(2, 2);
  sc.slots = model_slots(sc.segments, sc.touchpoints);
  for (const std::string s : {"consumer", "business"}) {
    set(sc, "segments." + s + ".baseline_churn_monthly", 0.015);
    set(sc, "segments." + s + ".performance", 7.4);
    set(sc, "segments." + s + ".satisfaction.mean", 7.2);
    set(sc, "segments." + s + ".expectation.mean", 7.3);
    set(sc, "segments." + s + ".revenue.price", 45);
    set(sc, "segments." + s + ".revenue.variable_cost", 12);
    set(sc, "segments." + s + ".acquisition_cost", 250);
    set(sc, "segments." + s + ".adoption.innovation", 0.002);
    set(sc, "segments." + s + ".adoption.imitation", 0.05);
    set(sc, "segments." + s + ".adoption.negative_wom_deterrence", 0.05);
    set(sc, "segments." + s + ".wom.promoter_talk_probability", 0.1);
    set(sc, "segments." + s + ".wom.detractor_talk_probability", 0.2);
    set(sc, "segments." + s + ".wom.broadcast_reach", 0.5);
    set(sc, "segments." + s + ".winback_probability", 0.005);
    for (const std::string k : {"billing", "support"}) {
      set(sc, "touchpoints." + k + ".contacts_per_month." + s, 0.3);
    }
  }
  testing::slot(sc, "touchpoints.billing.failure_rate").value = {DistributionKind::uniform, 0.05,
                                                                 0.1};
  set(sc, "touchpoints.support.failure_rate", 0.1);
  set(sc, "touchpoints.billing.recovery_rate", 0.5);
  set(sc, "touchpoints.billing.failure_cost", 12);
  set(sc, "touchpoints.support.failure_cost", 20);
  set(sc, "touchpoints.billing.cost_per_contact", 3);

  Initiative fix;
  fix.name = "billing_fix";
  fix.start_month = 3;
  fix.ramp_months = 4;
  fix.capex_slot =
      testing::add_slot(sc, "initiatives.billing_fix.capex", Distribution::constant(2e6));
  fix.capex_months = 3;
  fix.opex_slot =
      testing::add_slot(sc, "initiatives.billing_fix.opex_per_month", Distribution::constant(2e4));
  Effect e;
  e.slots = {testing::slot_index(sc, "touchpoints.billing.failure_rate")};
  e.op = EffectOp::multiply;
  e.value_slot =
      testing::add_slot(sc, "initiatives.billing_fix.effects.touchpoints.billing.failure_rate",
                        Distribution{DistributionKind::triangular, 0.3, 0.5, 0.7});
  fix.effects = {e};
  sc.roadmaps = {{"baseline", {}}, {"fix", {fix}}, {"same_as_baseline", {}}};
  sc.zero_defect_counterfactual = true;
  return sc;
}

bool identical(const RoadmapRun& a, const RoadmapRun& b, bool with_summary = true) {
  auto same = [](const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
    }
    return true;
  };
  std::vector<double> sa(a.summary.begin(), a.summary.end());
  std::vector<double> sb(b.summary.begin(), b.summary.end());
  return same(a.timeseries, b.timeseries) && same(a.by_segment, b.by_segment) &&
         same(a.by_touchpoint, b.by_touchpoint) && (!with_summary || same(sa, sb));
}

TEST(Replication, RoadmapIdenticalToBaselineHasExactlyZeroDelta) {
  const Scenario sc = rich_scenario();
  for (int rep = 0; rep < 3; ++rep) {
    const ReplicationResult r = run_replication(sc, rep, nullptr);
    EXPECT_EQ(r.roadmaps[2].at(SummaryMetric::delta_npv), 0.0);
    // Summaries differ by definition (the baseline has no payback month; its twin pays back at
    // once).
    EXPECT_TRUE(identical(r.roadmaps[0], r.roadmaps[2], false));
    // Negative control: a roadmap that does something differs.
    EXPECT_NE(r.roadmaps[1].at(SummaryMetric::delta_npv), 0.0);
  }
}

TEST(Replication, IdenticalAtAnyThreadCount) {
  const Scenario sc = rich_scenario();
  auto run_with = [&](int threads) {
    tbb::task_arena arena(threads);
    ReplicationResult r;
    arena.execute([&] { r = run_replication(sc, 1, nullptr); });
    return r;
  };
  const ReplicationResult one = run_with(1);
  for (int threads : {2, 4}) {
    const ReplicationResult many = run_with(threads);
    for (std::size_t k = 0; k < one.roadmaps.size(); ++k) {
      EXPECT_TRUE(identical(one.roadmaps[k], many.roadmaps[k])) << threads << " threads";
      EXPECT_TRUE(identical(one.zero_defect[k], many.zero_defect[k])) << threads << " threads";
    }
  }
}

TEST(Replication, DifferentReplicationsDiffer) {
  const Scenario sc = rich_scenario();
  EXPECT_NE(run_replication(sc, 0, nullptr).roadmaps[0].at(SummaryMetric::npv),
            run_replication(sc, 1, nullptr).roadmaps[0].at(SummaryMetric::npv));
}

TEST(Replication, BreakdownsSumToTotals) {
  const Scenario sc = rich_scenario();
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  for (const RoadmapRun& run : r.roadmaps) {
    for (int t = 1; t <= run.months; ++t) {
      double customers = 0, churned = 0, acquisitions = 0, revenue = 0, failure_cost = 0;
      for (int s = 0; s < 2; ++s) {
        customers += run.at(SegmentMetric::customers, t, s);
        churned += run.at(SegmentMetric::churned, t, s);
        acquisitions += run.at(SegmentMetric::acquisitions, t, s);
        revenue += run.at(SegmentMetric::revenue, t, s);
      }
      for (int k = 0; k < 2; ++k) failure_cost += run.at(TouchpointMetric::failure_cost, t, k);
      EXPECT_DOUBLE_EQ(customers, run.at(Metric::customers, t));
      EXPECT_DOUBLE_EQ(churned, run.at(Metric::churned, t));
      EXPECT_DOUBLE_EQ(acquisitions, run.at(Metric::acquisitions, t));
      EXPECT_NEAR(revenue, run.at(Metric::revenue, t), 1e-9 * std::abs(revenue));
      EXPECT_NEAR(failure_cost, run.at(Metric::failure_cost, t),
                  1e-9 * std::abs(failure_cost) + 1e-9);
      EXPECT_DOUBLE_EQ(
          run.at(Metric::customers, t) + run.at(Metric::prospects, t) + run.at(Metric::lapsed, t),
          sc.population);
    }
  }
}

TEST(Replication, CashFlowIdentityHoldsEveryMonth) {
  const Scenario sc = rich_scenario();
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  for (const RoadmapRun& run : r.roadmaps) {
    double npv = 0;
    const double d = std::pow(1.1, 1.0 / 12) - 1;
    for (int t = 1; t <= run.months; ++t) {
      const double cf = run.at(Metric::revenue, t) - run.at(Metric::variable_cost, t) -
                        run.at(Metric::cost_to_serve, t) - run.at(Metric::failure_cost, t) -
                        run.at(Metric::acquisition_cost, t) - run.at(Metric::initiative_opex, t) -
                        run.at(Metric::initiative_capex, t);
      EXPECT_DOUBLE_EQ(cf, run.at(Metric::net_cash_flow, t));
      EXPECT_NEAR(run.at(Metric::discounted_cash_flow, t), cf / std::pow(1 + d, t), 1e-6);
      npv += run.at(Metric::discounted_cash_flow, t);
    }
    EXPECT_NEAR(run.at(SummaryMetric::npv_cash), npv, 1e-6 * std::abs(npv));
    // customer_equity_net: equity at T less the sustaining opex (roadmap "fix": 2e4 a month, in
    // force at T) over the customers' average discounted lifetime L_T.
    const int T = run.months;
    const double sustaining = (&run == &r.roadmaps[1] ? 2e4 : 0.0) *
                              run.at(Metric::discounted_lifetime, T) / std::pow(1 + d, T);
    EXPECT_NEAR(run.at(SummaryMetric::terminal_sustaining_cost), sustaining, 1e-9 * sustaining);
    npv += run.at(Metric::customer_equity, T) / std::pow(1 + d, T) - sustaining;
    EXPECT_NEAR(run.at(SummaryMetric::npv), npv, 1e-6 * std::abs(npv));
    EXPECT_EQ(run.at(SummaryMetric::npv_cash) + run.at(SummaryMetric::npv_terminal),
              run.at(SummaryMetric::npv));
  }
}

TEST(Replication, ZeroDefectCounterfactualHasNoFailuresAndPricesThem) {
  const Scenario sc = rich_scenario();
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  ASSERT_EQ(r.zero_defect.size(), r.roadmaps.size());
  for (std::size_t k = 0; k < r.roadmaps.size(); ++k) {
    for (int t = 1; t <= sc.horizon_months; ++t) {
      EXPECT_EQ(r.zero_defect[k].at(Metric::failure_cost, t), 0.0);
    }
    const double avoidable = r.roadmaps[k].at(SummaryMetric::avoidable_cost_total);
    const double npv_gap =
        r.zero_defect[k].at(SummaryMetric::npv) - r.roadmaps[k].at(SummaryMetric::npv);
    EXPECT_NEAR(avoidable, npv_gap, 1e-12 * std::abs(npv_gap));
    EXPECT_EQ(avoidable, r.roadmaps[k].at(SummaryMetric::avoidable_cost_cash) +
                             r.roadmaps[k].at(SummaryMetric::avoidable_cost_terminal));
    // Avoidable cost includes at least the direct ledger's discounted value.
    EXPECT_GT(avoidable, 0.5 * r.roadmaps[k].at(SummaryMetric::failure_cost_total));
  }
}

TEST(Replication, DrawnParametersAreReportedAndShared) {
  const Scenario sc = rich_scenario();
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  ASSERT_EQ(r.parameters.size(), 2u);  // billing failure rate, billing_fix effect value
  EXPECT_GE(r.parameters[0], 0.05);
  EXPECT_LE(r.parameters[0], 0.1);
  EXPECT_GE(r.parameters[1], 0.3);
  EXPECT_LE(r.parameters[1], 0.7);
}

TEST(Replication, IndependentStreamsBreakCommonRandomNumbers) {
  const Scenario sc = rich_scenario();
  ReplicationOptions independent;
  independent.independent_streams = true;
  const ReplicationResult r = run_replication(sc, 0, nullptr, independent);
  EXPECT_NE(r.roadmaps[2].at(SummaryMetric::delta_npv), 0.0);
}

}  // namespace
}  // namespace cxsim
