// The plans of cxsim optimize: spending by month as the constraints count it (capex spread from
// the start, each plan year apart, opex while in force), enumeration with pruning against a
// brute force over every subset x start choice, and the YAML of a plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "experiments/optimize_space.hpp"

namespace {

using cxsim::InitiativeSpend;
using cxsim::Plan;
using cxsim::PlanConstraints;
using cxsim::PlannedStart;

TEST(OptimizeSpace, CapexSpreadsOverItsMonthsAndEachPlanYearIsCapped) {
  // 12M over 6 months from month 10: 6M in year 1 (months 10-12), 6M in year 2.
  const std::vector<InitiativeSpend> spend{{12e6, 6, 0.0, 0}};
  PlanConstraints c;
  c.horizon = 36;
  c.capex_per_year = 6e6;
  double total = 0;
  EXPECT_TRUE(cxsim::meets_constraints({{0, 10}}, spend, c, total));
  EXPECT_EQ(total, 12e6);
  // From month 8: 10M in year 1.
  EXPECT_FALSE(cxsim::meets_constraints({{0, 8}}, spend, c, total));
  // From month 13: all 12M in year 2.
  EXPECT_FALSE(cxsim::meets_constraints({{0, 13}}, spend, c, total));
  c.capex_per_year = PlanConstraints::kNoLimit;
  c.capex_total = 11e6;
  EXPECT_FALSE(cxsim::meets_constraints({{0, 10}}, spend, c, total));
}

TEST(OptimizeSpace, OpexCountsInEveryMonthAnInitiativeIsInForce) {
  // 100 a month from its start to its end_month (or the horizon).
  const std::vector<InitiativeSpend> spend{{0, 1, 100, 0}, {0, 1, 100, 6}};
  PlanConstraints c;
  c.horizon = 24;
  c.opex_per_month = 150;
  double total = 0;
  EXPECT_FALSE(cxsim::meets_constraints({{0, 1}, {1, 1}}, spend, c, total));
  EXPECT_TRUE(cxsim::meets_constraints({{0, 7}, {1, 1}}, spend, c, total));   // no overlap
  EXPECT_FALSE(cxsim::meets_constraints({{0, 6}, {1, 1}}, spend, c, total));  // month 6
}

TEST(OptimizeSpace, EnumerationMatchesABruteForceAndPutsTheEmptyPlanFirst) {
  const std::vector<InitiativeSpend> spend{
      {7e6, 1, 0, 0}, {4e6, 3, 1e5, 0}, {3e6, 1, 2e5, 0}, {3e6, 12, 0, 0}};
  const std::vector<std::vector<int>> starts{{1, 13}, {1, 7, 13}, {1, 13}, {1, 13}};
  PlanConstraints c;
  c.horizon = 36;
  c.capex_total = 1e7;
  c.capex_per_year = 7e6;
  c.opex_per_month = 2.5e5;
  const cxsim::Enumeration e = cxsim::enumerate_plans(starts, spend, c, 2000);
  EXPECT_FALSE(e.too_many);
  EXPECT_EQ(e.all_plans, 3.0 * 4 * 3 * 3);
  ASSERT_FALSE(e.plans.empty());
  EXPECT_TRUE(e.plans[0].starts.empty());
  // Brute force: every choice, checked alone.
  std::size_t feasible = 0;
  std::vector<PlannedStart> chosen;
  std::function<void(std::size_t)> all = [&](std::size_t i) {
    if (i == starts.size()) {
      double total = 0;
      feasible += cxsim::meets_constraints(chosen, spend, c, total) ? 1 : 0;
      return;
    }
    all(i + 1);
    for (const int s : starts[i]) {
      chosen.push_back({static_cast<int>(i), s});
      all(i + 1);
      chosen.pop_back();
    }
  };
  all(0);
  EXPECT_EQ(e.plans.size(), feasible);
  for (const Plan& p : e.plans) {
    double total = 0;
    EXPECT_TRUE(cxsim::meets_constraints(p.starts, spend, c, total));
    EXPECT_EQ(p.capex_total, total);
    // Roadmap order: by start month, then in the block's order.
    EXPECT_TRUE(std::is_sorted(p.starts.begin(), p.starts.end(), [](auto& a, auto& b) {
      return a.start_month != b.start_month ? a.start_month < b.start_month
                                            : a.initiative < b.initiative;
    }));
  }
  // Cut at the limit, and says so.
  const cxsim::Enumeration cut = cxsim::enumerate_plans(starts, spend, c, 5);
  EXPECT_TRUE(cut.too_many);
  EXPECT_EQ(cut.plans.size(), 5u);
}

TEST(OptimizeSpace, APlanPastesAsARoadmap) {
  cxsim::OptimizeBlock block;
  block.initiatives = {"billing_fix", "digital_app"};
  Plan p;
  p.starts = {{1, 1}, {0, 13}};
  EXPECT_EQ(cxsim::plan_yaml("optimized", block, p),
            "{name: optimized, initiatives: [{use: digital_app, start_month: 1}, {use: "
            "billing_fix, start_month: 13}]}");
  EXPECT_EQ(cxsim::plan_label(block, p), "digital_app@1 + billing_fix@13");
  EXPECT_EQ(cxsim::plan_yaml("x", block, Plan{}), "{name: x, initiatives: []}");
  const cxsim::YamlTree t = cxsim::plan_roadmap("x", block, p, {});
  ASSERT_NE(t.find("initiatives"), nullptr);
  EXPECT_EQ(t.find("initiatives")->items.size(), 2u);
  EXPECT_EQ(t.find("initiatives")->items[1].find("start_month")->text, "13");
}

}  // namespace
