// MODEL.md s.3 on the engine: the exact check of the terminal value net of sustaining cost,
// the NPV split, P(best) shares, sustaining opex defaults and overrides, and the zero-defect
// twin's own lifetimes.
#include <gtest/gtest.h>

#include <cmath>

#include "config/scenario_loader.hpp"
#include "engine/finance.hpp"
#include "engine/replication.hpp"
#include "engine/roadmap_schedule.hpp"

namespace cxsim {
namespace {

constexpr double kOpex = 250000;  // X of the exact check
constexpr double kHazard = 0.02;  // constant h
constexpr double kAnnual = 0.10;

// Constant hazard: no touchpoints, no WOM, no price change, every churn coefficient 0, no
// acquisition. The "spend" roadmap's initiative has no effects and costs kOpex in months 1..T.
std::string exact_scenario(const std::string& terminal_value) {
  return R"(name: exact_check
horizon_months: 24
replications: 3
seed: 7
agents: 2000
discount_rate_annual: 0.10
terminal_value: )" +
         terminal_value +
         R"(
market: {population: 200000}
churn: {satisfaction: 0, price: 0, unrecovered_failure: 0, negative_wom: 0, competitor: 0}
segments:
  - name: all
    share: 1
    initial_penetration: 0.5
    baseline_churn_monthly: 0.02
    performance: 7
    satisfaction: {mean: 7}
    expectation: {mean: 7}
    revenue: {price: 30, variable_cost: 10}
    adoption: {innovation: 0, imitation: 0}
    winback_probability: 0
initiatives:
  - name: overhead
    opex_per_month: 250000
roadmaps:
  - name: baseline
  - name: spend
    initiatives: [overhead]
)";
}

double monthly(double annual) {
  return std::pow(1.0 + annual, 1.0 / 12.0) - 1.0;
}

// -X sum_{t=1..T} (1 + d)^-t: the cash part, the whole delta under customer_equity and none.
double gross_delta(int T, double d) {
  double pv = 0;
  for (int t = 1; t <= T; ++t) pv += kOpex / std::pow(1.0 + d, t);
  return -pv;
}

// ... less X / ((d + h) (1 + d)^T) under customer_equity_net.
double net_delta(int T, double d) {
  return gross_delta(T, d) - kOpex / ((d + kHazard) * std::pow(1.0 + d, T));
}

bool near_relative(double a, double b, double tolerance) {
  return std::abs(a - b) <= tolerance * std::abs(b);
}

TEST(TerminalValue, ExactCheckOfMODELSection3) {
  const double d = monthly(kAnnual);
  for (const std::string choice : {"customer_equity_net", "customer_equity", "none"}) {
    const Scenario sc = load_scenario_text(exact_scenario(choice), "exact.yaml");
    const int T = sc.horizon_months;
    const double expected = choice == "customer_equity_net" ? net_delta(T, d) : gross_delta(T, d);
    for (std::int64_t rep = 0; rep < sc.replications; ++rep) {
      const ReplicationResult r = run_replication(sc, rep, nullptr);
      const RoadmapRun& spend = r.roadmaps[1];
      ASSERT_GT(spend.at(Metric::customers, T), 0.0);
      EXPECT_TRUE(near_relative(spend.at(SummaryMetric::delta_npv), expected, 1e-9))
          << choice << ": got " << spend.at(SummaryMetric::delta_npv) << ", expected " << expected;
      EXPECT_NEAR(spend.at(SummaryMetric::roi), -1.0, 1e-9) << choice;
      // Every choice is in the file whatever the run's choice.
      EXPECT_TRUE(near_relative(spend.at(SummaryMetric::delta_npv_customer_equity_net),
                                net_delta(T, d), 1e-9));
      EXPECT_TRUE(near_relative(spend.at(SummaryMetric::delta_npv_customer_equity),
                                gross_delta(T, d), 1e-9));
      EXPECT_TRUE(near_relative(spend.at(SummaryMetric::delta_npv_none), gross_delta(T, d), 1e-9));
      // L_T = 1 / (d + h) for every customer.
      EXPECT_NEAR(spend.at(Metric::discounted_lifetime, T), 1.0 / (d + kHazard), 1e-9);
    }
  }
}

// Negative control: the old gross formula is not what customer_equity_net gives.
TEST(TerminalValue, GrossFormulaFailsTheNetCheck) {
  const Scenario sc = load_scenario_text(exact_scenario("customer_equity_net"), "exact.yaml");
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const double d = monthly(kAnnual);
  EXPECT_FALSE(near_relative(r.roadmaps[1].at(SummaryMetric::delta_npv),
                             gross_delta(sc.horizon_months, d), 1e-9));
}

TEST(TerminalValue, NpvSplitsIntoCashAndTerminalAndIsBestSumsToOne) {
  const Scenario sc = load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/telecom.yaml",
                                    {{"agents=3000", "replications=4"}});
  for (std::int64_t rep = 0; rep < sc.replications; ++rep) {
    const ReplicationResult r = run_replication(sc, rep, nullptr);
    for (const auto* runs : {&r.roadmaps, &r.zero_defect}) {
      std::array<double, 4> best_sum{};
      for (const RoadmapRun& run : *runs) {
        EXPECT_EQ(run.at(SummaryMetric::npv_cash) + run.at(SummaryMetric::npv_terminal),
                  run.at(SummaryMetric::npv));
        EXPECT_EQ(run.at(SummaryMetric::npv), run.at(SummaryMetric::npv_customer_equity_net));
        EXPECT_EQ(run.at(SummaryMetric::npv_none), run.at(SummaryMetric::npv_cash));
        best_sum[0] += run.at(SummaryMetric::is_best);
        best_sum[1] += run.at(SummaryMetric::is_best_customer_equity_net);
        best_sum[2] += run.at(SummaryMetric::is_best_customer_equity);
        best_sum[3] += run.at(SummaryMetric::is_best_none);
      }
      for (double s : best_sum) EXPECT_DOUBLE_EQ(s, 1.0);
    }
    for (std::size_t k = 0; k < r.roadmaps.size(); ++k) {
      const RoadmapRun& run = r.roadmaps[k];
      EXPECT_EQ(run.at(SummaryMetric::avoidable_cost_cash) +
                    run.at(SummaryMetric::avoidable_cost_terminal),
                run.at(SummaryMetric::avoidable_cost_total));
      // The twin keeps its roadmap's run-rate cost O_T but over its own, longer lifetimes.
      const RoadmapRun& twin = r.zero_defect[k];
      const int T = sc.horizon_months;
      const double o_t =
          run.at(SummaryMetric::terminal_sustaining_cost) / run.at(Metric::discounted_lifetime, T);
      const double twin_o_t = twin.at(SummaryMetric::terminal_sustaining_cost) /
                              twin.at(Metric::discounted_lifetime, T);
      if (o_t > 0) {
        EXPECT_NEAR(twin_o_t, o_t, 1e-9 * o_t);
        EXPECT_GT(twin.at(Metric::discounted_lifetime, T), run.at(Metric::discounted_lifetime, T));
      }
      if (k > 0) {
        EXPECT_EQ(run.at(SummaryMetric::paid_back),
                  std::isnan(run.at(SummaryMetric::payback_month)) ? 0.0 : 1.0);
      }
    }
    EXPECT_TRUE(std::isnan(r.roadmaps[0].at(SummaryMetric::paid_back)));
  }
}

TEST(TerminalValue, SustainingOpexDefaultsToTheUsesOpexAndCanBeOverridden) {
  const std::string text = exact_scenario("customer_equity_net") + R"(  - name: cheaper_after
    initiatives: [{use: overhead, opex_per_month: 100000}]
  - name: own_run_rate
    initiatives: [{use: overhead, sustaining_opex_per_month: 40000}]
  - name: ended
    initiatives: [{use: overhead, end_month: 23}]
)";
  const Scenario sc = load_scenario_text(text, "sustaining.yaml");
  std::vector<double> base(sc.slots.size());
  for (std::size_t i = 0; i < base.size(); ++i) base[i] = sc.slots[i].value.mean();
  auto o_t = [&](int roadmap) {
    return sustaining_opex_at_horizon(sc.roadmaps[static_cast<std::size_t>(roadmap)],
                                      sc.horizon_months, base);
  };
  EXPECT_EQ(o_t(0), 0.0);
  EXPECT_EQ(o_t(1), 250000.0);  // unset: the opex
  EXPECT_EQ(o_t(2), 100000.0);  // unset: the use's effective opex after its override
  EXPECT_EQ(o_t(3), 40000.0);   // the entry's own run rate
  EXPECT_EQ(o_t(4), 0.0);       // ended before the horizon: nothing after it
  const std::string library = exact_scenario("customer_equity_net");
  const std::string with_library_rate =
      library.substr(0, library.find("roadmaps:")) + "    sustaining_opex_per_month: 60000\n" +
      library.substr(library.find("roadmaps:")) +
      "  - name: cheaper\n    initiatives: [{use: overhead, opex_per_month: 100000}]\n";
  const Scenario lib = load_scenario_text(with_library_rate, "library.yaml");
  std::vector<double> lib_base(lib.slots.size());
  for (std::size_t i = 0; i < lib_base.size(); ++i) lib_base[i] = lib.slots[i].value.mean();
  EXPECT_EQ(sustaining_opex_at_horizon(lib.roadmaps[1], lib.horizon_months, lib_base), 60000.0);
  // An opex override leaves a library run rate that was set explicitly alone.
  EXPECT_EQ(sustaining_opex_at_horizon(lib.roadmaps[2], lib.horizon_months, lib_base), 60000.0);
}

TEST(TerminalValue, EntryHazardIncludesCompetitorPressure) {
  // Everyone churns at h0 = 0.02 with b_comp * pressure added on the log-odds; new customers
  // are valued at that entry hazard too (MODEL.md s.3), so with pressure their CLV is lower.
  std::string text = exact_scenario("customer_equity");
  text.replace(text.find("competitor: 0}"), 14, "competitor: 1}");
  text.replace(text.find("market: {population: 200000}"), 28,
               "market: {population: 200000, competitor_pressure: 0.5}");
  text.replace(text.find("innovation: 0,"), 14, "innovation: 0.5,");
  const Scenario sc = load_scenario_text(text, "pressure.yaml");
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const RoadmapRun& run = r.roadmaps[0];
  const double d = monthly(kAnnual);
  const double logit = std::log(kHazard / (1 - kHazard)) + 0.5;
  const double h = 1.0 / (1.0 + std::exp(-logit));
  // Every customer, old or new, has the same hazard: L_t = 1 / (d + h) exactly.
  ASSERT_GT(run.at(Metric::acquisitions, 1), 0.0);
  for (int t = 1; t <= sc.horizon_months; ++t) {
    EXPECT_NEAR(run.at(Metric::discounted_lifetime, t), 1.0 / (d + h), 1e-9) << t;
  }
}

}  // namespace
}  // namespace cxsim
