// Avoidable cost by touchpoint (analysis.avoidable_cost_by_touchpoint): one zero-defect twin per
// touchpoint per roadmap, on the roadmap's own random numbers. With a single touchpoint the twin
// is the zero-defect counterfactual, bit for bit; on telecom-like data every touchpoint's
// failures cost money.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "engine/core/errors.hpp"
#include "engine/finance.hpp"
#include "engine/memory_budget.hpp"
#include "engine/replication.hpp"
#include "engine/statistics.hpp"

namespace cxsim {
namespace {

// One touchpoint, a network, uncertain parameters and an initiative that acts on the touchpoint.
const std::string kOneTouchpoint = R"(name: one_touchpoint
horizon_months: 24
replications: 4
seed: 11
agents: 3000
discount_rate_annual: 0.08
market:
  population: 300000
  competitor_pressure: {triangular: [0.0, 0.05, 0.2]}
  network: {type: small_world, mean_degree: 6}
churn:
  satisfaction: {triangular: [0.3, 0.45, 0.6]}
  unrecovered_failure: {triangular: [0.4, 0.6, 0.9]}
segments:
  - name: consumer
    share: 1.0
    initial_penetration: 0.3
    baseline_churn_monthly: {uniform: [0.009, 0.012]}
    performance: 8.05
    satisfaction: {mean: 7.6, sd: 1.5}
    expectation: {mean: 7.9, sd: 1.0}
    revenue: {price: 48.0, variable_cost: 15.0}
    acquisition_cost: 300
    adoption: {innovation: 0.0045, imitation: 0.05}
touchpoints:
  - name: billing
    contacts_per_month: 0.2
    failure_rate: {uniform: [0.3, 0.5]}
    recovery_rate: 0.45
    cost_per_contact: 6.0
    failure_cost: 15.0
    severity: 2.0
    recovered_severity: 0.5
initiatives:
  - name: billing_fix
    ramp_months: 6
    capex: {total: 600000, months: 6}
    opex_per_month: 8000
    sustaining_opex_per_month: 4000
    effects:
      - {target: touchpoints.billing.failure_rate, op: multiply, value: {triangular: [0.45, 0.6, 0.8]}}
analysis:
  zero_defect_counterfactual: true
  avoidable_cost_by_touchpoint: true
roadmaps:
  - name: baseline
  - name: fix
    initiatives: [billing_fix]
)";

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_bits(const RoadmapRun& a, const RoadmapRun& b) {
  return same_bits(a.timeseries, b.timeseries) && same_bits(a.by_segment, b.by_segment) &&
         same_bits(a.by_touchpoint, b.by_touchpoint) &&
         std::memcmp(a.summary.data(), b.summary.data(), sizeof(a.summary)) == 0;
}

double value(const std::vector<double>& v, TouchpointSummaryMetric m, std::size_t roadmaps,
             std::size_t touchpoints, std::size_t r, std::size_t k) {
  return v[(static_cast<std::size_t>(m) * roadmaps + r) * touchpoints + k];
}

Scenario telecom(const std::vector<std::string>& more = {}) {
  LoadOptions options;
  options.overrides = {"agents=2000", "replications=8",
                       "analysis.avoidable_cost_by_touchpoint=true"};
  options.overrides.insert(options.overrides.end(), more.begin(), more.end());
  return load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/telecom.yaml", options);
}

TEST(TouchpointTwins, TheKeyIsReadAndOffByDefault) {
  const Scenario on = load_scenario_text(kOneTouchpoint, "one.yaml");
  EXPECT_TRUE(on.avoidable_cost_by_touchpoint);
  LoadOptions off;
  off.overrides = {"analysis.avoidable_cost_by_touchpoint=null"};
  EXPECT_FALSE(load_scenario_text(kOneTouchpoint, "one.yaml", off).avoidable_cost_by_touchpoint);
  EXPECT_NE(on.resolved_yaml.find("avoidable_cost_by_touchpoint: true"), std::string::npos);
}

TEST(TouchpointTwins, WithOneTouchpointTheTwinIsTheZeroDefectCounterfactualBitForBit) {
  const Scenario sc = load_scenario_text(kOneTouchpoint, "one.yaml");
  ASSERT_EQ(sc.touchpoints.size(), 1u);
  for (std::int64_t rep = 0; rep < sc.replications; ++rep) {
    const ReplicationResult r = run_replication(sc, rep, nullptr);
    ASSERT_EQ(r.touchpoint_twins.size(), 1u);
    ASSERT_EQ(r.touchpoint_twins[0].size(), r.zero_defect.size());
    const std::vector<double> values = touchpoint_summary_values(r);
    const std::size_t M = r.roadmaps.size();
    for (std::size_t i = 0; i < M; ++i) {
      // Every summary metric (delta_npv, roi, payback, is_best among the twins included), every
      // time series, by segment and by touchpoint.
      EXPECT_TRUE(same_bits(r.touchpoint_twins[0][i], r.zero_defect[i]))
          << "replication " << rep << " roadmap " << i;
      const RoadmapRun& run = r.roadmaps[i];
      auto expect_bits = [&](TouchpointSummaryMetric m, SummaryMetric total) {
        const double a = value(values, m, M, 1, i, 0);
        const double b = run.at(total);
        EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0) << a << " vs " << b;
      };
      expect_bits(TouchpointSummaryMetric::avoidable_cost, SummaryMetric::avoidable_cost_total);
      expect_bits(TouchpointSummaryMetric::avoidable_cost_cash, SummaryMetric::avoidable_cost_cash);
      expect_bits(TouchpointSummaryMetric::avoidable_cost_terminal,
                  SummaryMetric::avoidable_cost_terminal);
    }
  }
}

TEST(TouchpointTwins, EachTwinRemovesOnlyItsTouchpointsFailures) {
  const Scenario sc = telecom({"replications=1"});
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const int K = static_cast<int>(sc.touchpoints.size());
  ASSERT_EQ(r.touchpoint_twins.size(), static_cast<std::size_t>(K));
  for (int k = 0; k < K; ++k) {
    for (std::size_t i = 0; i < r.roadmaps.size(); ++i) {
      const RoadmapRun& twin = r.touchpoint_twins[k][i];
      for (int j = 0; j < K; ++j) {
        double failures = 0;
        for (int t = 1; t <= twin.months; ++t)
          failures += twin.at(TouchpointMetric::failures, t, j);
        if (j == k) {
          EXPECT_EQ(failures, 0.0) << sc.touchpoints[k].name;
        } else {
          EXPECT_GT(failures, 0.0)
              << sc.touchpoints[j].name << " in the twin of " << sc.touchpoints[k].name;
        }
      }
      // The spend is the roadmap's: same initiatives, same draws.
      for (int t = 1; t <= twin.months; ++t) {
        EXPECT_EQ(twin.at(Metric::initiative_opex, t),
                  r.roadmaps[i].at(Metric::initiative_opex, t));
        EXPECT_EQ(twin.at(Metric::initiative_capex, t),
                  r.roadmaps[i].at(Metric::initiative_capex, t));
      }
    }
  }
}

TEST(TouchpointTwins, EveryTelecomTouchpointsFailuresCostMoneyInExpectation) {
  const Scenario sc = telecom();
  const std::size_t M = sc.roadmaps.size();
  const std::size_t K = sc.touchpoints.size();
  // [metric][roadmap][touchpoint] -> one value per replication
  std::vector<std::vector<double>> cost(M * K), per_failure(M * K);
  for (std::int64_t rep = 0; rep < sc.replications; ++rep) {
    const ReplicationResult r = run_replication(sc, rep, nullptr);
    const std::vector<double> v = touchpoint_summary_values(r);
    for (std::size_t i = 0; i < M; ++i) {
      for (std::size_t k = 0; k < K; ++k) {
        cost[i * K + k].push_back(value(v, TouchpointSummaryMetric::avoidable_cost, M, K, i, k));
        per_failure[i * K + k].push_back(
            value(v, TouchpointSummaryMetric::cost_per_failure, M, K, i, k));
      }
    }
  }
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t k = 0; k < K; ++k) {
      const SummaryStatistics s = summarize(cost[i * K + k]);
      // Paired on common random numbers, the twin's gain is far from noise: > 3 standard errors.
      EXPECT_GT(s.mean, 3 * s.se) << sc.roadmaps[i].name << " / " << sc.touchpoints[k].name;
      // A failure costs more than its direct handling cost (churn and WOM come on top).
      const double direct =
          sc.slot(static_cast<int>(k), TouchpointParam::failure_cost).value.mean();
      EXPECT_GT(summarize(per_failure[i * K + k]).mean, direct)
          << sc.roadmaps[i].name << " / " << sc.touchpoints[k].name;
    }
  }
}

TEST(TouchpointTwins, TheMemoryEstimateCountsTheTwins) {
  const Scenario with = telecom();
  const Scenario without = telecom({"analysis.avoidable_cost_by_touchpoint=false"});
  const int M = static_cast<int>(with.roadmaps.size());
  const int K = static_cast<int>(with.touchpoints.size());
  ASSERT_TRUE(with.zero_defect_counterfactual);
  EXPECT_EQ(roadmap_runs_per_replication(with), M * (2 + K));
  EXPECT_EQ(roadmap_runs_per_replication(without), M * 2);
  EXPECT_GT(replication_memory_bytes(with), replication_memory_bytes(without));
}

TEST(TouchpointTwins, TheLoadersSizeCheckCountsTheTwins) {
  const double memory = physical_memory_bytes();
  if (memory <= 0) GTEST_SKIP() << "physical memory unknown here";
  // Agents that fit with 2 roadmaps x (itself + zero-defect), not with a twin more per roadmap:
  // (1 + 4) populations and the network fit, (1 + 6) do not.
  const double per_agent = replication_memory_bytes(1.0, 5.0, NetworkType::small_world, 6) -
                           replication_memory_bytes(1.0, 4.0, NetworkType::small_world, 6);
  const double network =
      replication_memory_bytes(1.0, 4.0, NetworkType::small_world, 6) - 5.0 * per_agent;
  const auto agents = static_cast<std::int64_t>(memory / (6.0 * per_agent + network));
  LoadOptions options;
  options.overrides = {"agents=" + std::to_string(agents),
                       "market.population=" + std::to_string(10 * agents),
                       "analysis.avoidable_cost_by_touchpoint=false"};
  EXPECT_NO_THROW(load_scenario_text(kOneTouchpoint, "one.yaml", options));
  options.overrides.back() = "analysis.avoidable_cost_by_touchpoint=true";
  try {
    load_scenario_text(kOneTouchpoint, "one.yaml", options);
    ADD_FAILURE() << "a run that cannot fit with its twins was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("too large for this machine"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cxsim
