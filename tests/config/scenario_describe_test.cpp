// describe_scenario: the resolved YAML loads back to an equal Scenario.
#include "config/scenario_describe.hpp"

#include <gtest/gtest.h>

#include "config/scenario_loader.hpp"
#include "engine/core/errors.hpp"
#include "scenario_fixtures.hpp"

namespace cxsim {
namespace {

bool same(const Distribution& a, const Distribution& b) {
  return a.kind == b.kind && a.a == b.a && a.b == b.b && a.c == b.c;
}

void expect_equal(const Scenario& x, const Scenario& y) {
  EXPECT_EQ(x.name, y.name);
  EXPECT_EQ(x.description, y.description);
  EXPECT_EQ(x.horizon_months, y.horizon_months);
  EXPECT_EQ(x.replications, y.replications);
  EXPECT_EQ(x.seed, y.seed);
  EXPECT_EQ(x.agents, y.agents);
  EXPECT_EQ(x.population, y.population);
  EXPECT_EQ(x.terminal_value, y.terminal_value);
  EXPECT_EQ(x.network.type, y.network.type);
  EXPECT_EQ(x.network.mean_degree, y.network.mean_degree);
  EXPECT_EQ(x.network.rewire_probability, y.network.rewire_probability);
  EXPECT_EQ(x.network.per_replication, y.network.per_replication);
  EXPECT_EQ(x.change_capacity, y.change_capacity);
  EXPECT_EQ(x.zero_defect_counterfactual, y.zero_defect_counterfactual);
  EXPECT_EQ(x.avoidable_cost_by_touchpoint, y.avoidable_cost_by_touchpoint);
  ASSERT_EQ(x.segments.size(), y.segments.size());
  for (std::size_t i = 0; i < x.segments.size(); ++i) {
    EXPECT_EQ(x.segments[i].name, y.segments[i].name);
    EXPECT_EQ(x.segments[i].share, y.segments[i].share);
    EXPECT_EQ(x.segments[i].initial_penetration, y.segments[i].initial_penetration);
    EXPECT_EQ(x.segments[i].transactional, y.segments[i].transactional);
    ASSERT_EQ(x.segments[i].churn_heterogeneity.has_value(),
              y.segments[i].churn_heterogeneity.has_value());
    if (x.segments[i].churn_heterogeneity) {
      EXPECT_TRUE(same(*x.segments[i].churn_heterogeneity, *y.segments[i].churn_heterogeneity));
    }
  }
  ASSERT_EQ(x.touchpoints.size(), y.touchpoints.size());
  for (std::size_t i = 0; i < x.touchpoints.size(); ++i) {
    EXPECT_EQ(x.touchpoints[i].name, y.touchpoints[i].name);
  }
  ASSERT_EQ(x.slots.size(), y.slots.size());
  for (std::size_t i = 0; i < x.slots.size(); ++i) {
    EXPECT_EQ(x.slots[i].path, y.slots[i].path) << i;
    EXPECT_TRUE(same(x.slots[i].value, y.slots[i].value)) << x.slots[i].path;
    EXPECT_EQ(x.slots[i].lo, y.slots[i].lo) << x.slots[i].path;
    EXPECT_EQ(x.slots[i].hi, y.slots[i].hi) << x.slots[i].path;
    EXPECT_EQ(x.slots[i].hi_exclusive, y.slots[i].hi_exclusive);
    EXPECT_EQ(x.slots[i].target_ok, y.slots[i].target_ok);
  }
  ASSERT_EQ(x.roadmaps.size(), y.roadmaps.size());
  EXPECT_EQ(x.baseline, y.baseline);
  for (std::size_t r = 0; r < x.roadmaps.size(); ++r) {
    EXPECT_EQ(x.roadmaps[r].name, y.roadmaps[r].name);
    ASSERT_EQ(x.roadmaps[r].initiatives.size(), y.roadmaps[r].initiatives.size());
    for (std::size_t i = 0; i < x.roadmaps[r].initiatives.size(); ++i) {
      const Initiative& a = x.roadmaps[r].initiatives[i];
      const Initiative& b = y.roadmaps[r].initiatives[i];
      EXPECT_EQ(a.name, b.name);
      EXPECT_EQ(a.start_month, b.start_month);
      EXPECT_EQ(a.end_month, b.end_month);
      EXPECT_EQ(a.ramp_months, b.ramp_months);
      EXPECT_EQ(a.capex_slot, b.capex_slot);
      EXPECT_EQ(a.capex_months, b.capex_months);
      EXPECT_EQ(a.opex_slot, b.opex_slot);
      EXPECT_EQ(a.sustaining_opex_slot, b.sustaining_opex_slot);
      ASSERT_EQ(a.effects.size(), b.effects.size());
      for (std::size_t e = 0; e < a.effects.size(); ++e) {
        EXPECT_EQ(a.effects[e].target, b.effects[e].target);
        EXPECT_EQ(a.effects[e].slots, b.effects[e].slots);
        EXPECT_EQ(a.effects[e].op, b.effects[e].op);
        EXPECT_EQ(a.effects[e].value_slot, b.effects[e].value_slot);
      }
    }
  }
}

void round_trip(const std::string& text, const std::vector<std::string>& sets = {}) {
  const Scenario first = load_scenario_text(text, "first.yaml", LoadOptions{sets});
  Scenario second;
  try {
    second = load_scenario_text(first.resolved_yaml, "second.yaml");
  } catch (const ScenarioError& e) {
    FAIL() << e.what() << "\n" << first.resolved_yaml;
  }
  expect_equal(first, second);
  // Describing is a fixed point after one round.
  EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
  EXPECT_EQ(describe_scenario(first), first.resolved_yaml);
}

TEST(ScenarioDescribe, ExampleRoundTrips) {
  round_trip(testing::kExample);
}

TEST(ScenarioDescribe, MinimalRoundTrips) {
  round_trip(testing::kMinimal);
}

TEST(ScenarioDescribe, AVariantBuiltWithoutDescribeIsTheSameScenarioWithoutItsText) {
  // LoadOptions::describe = false (an experiment's points, a calibration's simulations): the
  // same scenario, only resolved_yaml left empty; the default still writes it.
  const ScenarioSource source = read_scenario_text(testing::kExample, "example.yaml", ".");
  LoadOptions quiet;
  quiet.overrides = {"seed=7"};
  quiet.describe = false;
  LoadOptions described = quiet;
  described.describe = true;
  const Scenario without = build_scenario(source, quiet);
  const Scenario with = build_scenario(source, described);
  EXPECT_TRUE(without.resolved_yaml.empty());
  EXPECT_FALSE(with.resolved_yaml.empty());
  EXPECT_EQ(with.resolved_yaml, describe_scenario(without));
  expect_equal(without, with);
}

TEST(ScenarioDescribe, OverridesAndOddValuesRoundTrip) {
  std::string text = testing::kExample;
  text +=
      "  - name: everything_late\n"
      "    initiatives:\n"
      "      - {use: app_revamp, start_month: 10, end_month: 20, ramp_months: 2, "
      "opex_per_month: {lognormal: [9, 0.5]}}\n"
      "      - {use: billing_fix, capex: {total: {normal: [1e6, 1e5]}, months: 3}}\n";
  round_trip(text,
             {R"(description="Quotes \" and # hash: colon\nnewline")", "seed=18446744073709551615",
              "terminal_value=none", "market.network.per_replication=false",
              "segments.consumer.performance=0.1234567890123",
              "segments.business.heterogeneity={baseline_churn_monthly: {beta: [0.668, 3.806]}}"});
}

TEST(ScenarioDescribe, SustainingOpexRoundTrips) {
  std::string text = testing::kExample;
  const std::string opex = "    opex_per_month: 20000\n";
  text.replace(text.find(opex), opex.size(), opex + "    sustaining_opex_per_month: 12000\n");
  text +=
      "  - name: own_run_rate\n"
      "    initiatives:\n"
      "      - {use: app_revamp, sustaining_opex_per_month: {uniform: [1000, 2000]}}\n";
  round_trip(text, {"terminal_value=customer_equity_net"});
  const Scenario sc = load_scenario_text(text, "x.yaml");
  EXPECT_NE(sc.resolved_yaml.find("sustaining_opex_per_month: 12000"), std::string::npos)
      << sc.resolved_yaml;
  EXPECT_NE(sc.resolved_yaml.find("sustaining_opex_per_month: {uniform: [1000, 2000]}"),
            std::string::npos)
      << sc.resolved_yaml;
}

TEST(ScenarioDescribe, BundledScenariosRoundTrip) {
  for (const char* name : {"telecom", "banking", "retail_transactional"}) {
    const Scenario sc =
        load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
    round_trip(sc.resolved_yaml);
  }
}

TEST(ScenarioDescribe, SummaryInComments) {
  const Scenario sc = load_scenario_text(testing::kExample, "x.yaml");
  const std::string& y = sc.resolved_yaml;
  EXPECT_EQ(y.rfind("# telecom_postpaid", 0), 0u);
  EXPECT_NE(y.find("# segments: consumer 85%, business 15% (transactional)"), std::string::npos)
      << y;
  EXPECT_NE(
      y.find("#   app_then_billing: app_revamp (months 3-30); billing_fix (months 13-36, ramp 6)"),
      std::string::npos)
      << y;
  // Defaults are written out.
  EXPECT_NE(y.find("replications: 200"), std::string::npos);
  EXPECT_NE(y.find("recovered_severity: 0"), std::string::npos);
  EXPECT_NE(y.find("{use: billing_fix, start_month: 13, capex: 2000000}"), std::string::npos);
}

}  // namespace
}  // namespace cxsim
