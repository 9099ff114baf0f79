// The invariant behind the upper bounds of the parameter table: a scenario the loader accepts
// gives finite results, even with every number at the edge of its range (docs/scenario.md,
// "Bad input"). Random scenarios, small in agents, put each parameter at its lower or upper
// bound or behind a distribution that reaches past them; effects push at the bounds too.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "config/scenario_keys.hpp"
#include "config/scenario_loader.hpp"
#include "config/yaml_values.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/parameters.hpp"
#include "engine/replication.hpp"

namespace cxsim {
namespace {

const std::string kBase = R"(name: extreme
horizon_months: 12
replications: 2
agents: 40
market: {population: 10000000000, network: {type: random, mean_degree: 4}}
segments:
  - {name: a, share: 0.5, initial_penetration: 0.5, baseline_churn_monthly: 0.01,
     performance: 7, satisfaction: {mean: 7}, expectation: {mean: 7}, revenue: {price: 40}}
  - {name: b, share: 0.5, initial_penetration: 1, baseline_churn_monthly: 0.01,
     performance: 7, satisfaction: {mean: 7}, expectation: {mean: 7},
     revenue: {price: 40, purchases_per_month: 2}}
touchpoints:
  - {name: t, contacts_per_month: 1, failure_rate: 0.1}
  - {name: u, contacts_per_month: 1, failure_rate: 0.1}
initiatives:
  - name: big
    capex: {total: 1000000000000, months: 1}
    opex_per_month: 1000000000000
    sustaining_opex_per_month: 1000000000000
    effects:
      - {target: segments.*.revenue.price, op: multiply, value: 1000000000000}
      - {target: touchpoints.*.contacts_per_month, op: add, value: 1000000000000}
      - {target: touchpoints.t.failure_rate, op: set, value: -1000000000000}
      - {target: churn.satisfaction, op: multiply, value: 1000000000000}
      - {target: segments.*.baseline_churn_monthly, op: multiply, value: 0}
  - name: tiny
    capex: 0.000000000000001
    effects:
      - {target: segments.a.revenue.price, op: multiply, value: {uniform: [0, 1000000000000]}}
      - {target: segments.b.acquisition_cost, op: add, value: {normal: [0, 1000000000000000]}}
analysis: {zero_defect_counterfactual: true}
roadmaps:
  - name: baseline
  - {name: one, initiatives: [big]}
  - {name: both, initiatives: [tiny, big]}
  - {name: small, initiatives: [tiny]}
)";

// A value at an edge of [lo, hi], or a distribution that reaches past both edges.
std::string extreme_value(const ParamInfo& p, std::mt19937_64& rng) {
  const double hi = p.hi_exclusive ? std::nextafter(p.hi, p.lo) : p.hi;
  const double lo = p.lo;
  const int pick = static_cast<int>(rng() % 8);
  if (!p.distribution_ok || pick < 5) return format_number(pick % 2 == 0 ? hi : lo);
  switch (pick) {
    case 5:  // mean at the upper bound, draws far on both sides: clamped
      return "{normal: [" + format_number(hi) + ", 1e15]}";
    case 6:
      return "{uniform: [" + format_number(lo) + ", " + format_number(hi) + "]}";
    default:
      return hi <= 1.0 && lo >= 0.0 ? std::string("{beta: [0.05, 0.05]}")
                                    : "{triangular: [" + format_number(lo) + ", " +
                                          format_number(hi) + ", " + format_number(hi) + "]}";
  }
}

bool is_money(Metric m) {
  switch (m) {
    case Metric::revenue:
    case Metric::variable_cost:
    case Metric::cost_to_serve:
    case Metric::failure_cost:
    case Metric::acquisition_cost:
    case Metric::initiative_opex:
    case Metric::initiative_capex:
    case Metric::net_cash_flow:
    case Metric::discounted_cash_flow:
    case Metric::customer_equity:
      return true;
    default:
      return false;
  }
}

TEST(ExtremeValues, AcceptedScenariosAtTheBoundsGiveFiniteResults) {
  std::mt19937_64 rng(20240607);
  int accepted = 0;
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<std::string> sets;
    const int horizons[] = {1, 12, 600};
    sets.push_back("horizon_months=" + std::to_string(horizons[rng() % 3]));
    for (const ParamInfo& p : global_params()) {
      sets.push_back(std::string(p.key) + "=" + extreme_value(p, rng));
    }
    // A discount of 0 is refused with churn that can be 0 (which "big" makes it); a tiny one is
    // not, and leaves only the lifetime's floor between customer equity and infinity.
    const char* discounts[] = {"1e-300", "1", "{uniform: [1e-300, 1]}"};
    sets.push_back(std::string("discount_rate_annual=") + discounts[rng() % 3]);
    for (const std::string seg : {"a", "b"}) {
      for (const ParamInfo& p : segment_params()) {
        if (seg == "a" && std::string(p.key) == "revenue.purchases_per_month") continue;
        sets.push_back("segments." + seg + "." + std::string(p.key) + "=" + extreme_value(p, rng));
      }
    }
    for (const std::string tp : {"t", "u"}) {
      for (const ParamInfo& p : touchpoint_params()) {
        sets.push_back("touchpoints." + tp + "." + std::string(p.key) + "=" +
                       extreme_value(p, rng));
      }
      sets.push_back("touchpoints." + tp +
                     ".contacts_per_month=" + extreme_value(contacts_param(), rng));
    }
    Scenario scenario;
    try {
      scenario = load_scenario_text(kBase, "extreme.yaml", LoadOptions{sets});
    } catch (const ScenarioError& e) {
      // Refused combinations (a discount and a churn that can both be 0) are not the subject.
      for (const auto& d : e.diagnostics()) {
        ASSERT_EQ(d.path, "discount_rate_annual") << "trial " << trial << ": " << e.what();
      }
      continue;
    }
    ++accepted;
    for (std::int64_t r = 0; r < scenario.replications; ++r) {
      const ReplicationResult result = run_replication(scenario, r, nullptr);
      for (const auto* runs : {&result.roadmaps, &result.zero_defect}) {
        for (const RoadmapRun& run : *runs) {
          for (const SummaryMetric m :
               {SummaryMetric::npv, SummaryMetric::npv_cash, SummaryMetric::npv_terminal,
                SummaryMetric::npv_customer_equity_net, SummaryMetric::npv_customer_equity,
                SummaryMetric::npv_none, SummaryMetric::investment_pv,
                SummaryMetric::terminal_sustaining_cost, SummaryMetric::failure_cost_total}) {
            EXPECT_TRUE(std::isfinite(run.at(m))) << "trial " << trial << " summary metric "
                                                  << static_cast<int>(m) << " = " << run.at(m);
          }
          for (const double x : run.summary) {
            EXPECT_FALSE(std::isinf(x)) << "trial " << trial;
          }
          for (int m = 0; m < kMetrics; ++m) {
            for (int t = 1; t <= run.months; ++t) {
              const double x = run.at(static_cast<Metric>(m), t);
              EXPECT_FALSE(std::isinf(x)) << "trial " << trial << " metric " << m;
              if (is_money(static_cast<Metric>(m))) {
                EXPECT_TRUE(std::isfinite(x)) << "trial " << trial << " metric " << m;
                // Far from overflow: squares (standard deviations) stay finite too.
                EXPECT_LT(std::fabs(x), 1e100) << "trial " << trial << " metric " << m;
              }
            }
          }
          for (const double x : run.by_segment) EXPECT_FALSE(std::isinf(x)) << "trial " << trial;
          for (const double x : run.by_touchpoint) {
            EXPECT_FALSE(std::isinf(x)) << "trial " << trial;
          }
        }
      }
    }
  }
  EXPECT_GE(accepted, 50) << "too few scenarios accepted to test the invariant";
}

}  // namespace
}  // namespace cxsim
