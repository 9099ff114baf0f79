// Pins MODEL.md s.4: ramps, change capacity, effect composition, bounds, spend.
#include "engine/roadmap_schedule.hpp"

#include <gtest/gtest.h>

#include "engine/parameter_draws.hpp"
#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

Initiative initiative(const std::string& name, int start, int ramp, int end = 0) {
  Initiative in;
  in.name = name;
  in.start_month = start;
  in.ramp_months = ramp;
  in.end_month = end;
  return in;
}

TEST(RoadmapSchedule, RampIsLinearFromStart) {
  Roadmap r{"r", {initiative("a", 3, 4)}};
  RoadmapSchedule s(r, 12, 0);
  EXPECT_EQ(s.strength(0, 2), 0.0);
  EXPECT_EQ(s.strength(0, 3), 0.0);
  EXPECT_EQ(s.strength(0, 4), 0.25);
  EXPECT_EQ(s.strength(0, 6), 0.75);
  EXPECT_EQ(s.strength(0, 7), 1.0);
  EXPECT_EQ(s.strength(0, 12), 1.0);
}

TEST(RoadmapSchedule, NoRampMeansFullFromStartAndEffectsStopAfterEnd) {
  Roadmap r{"r", {initiative("a", 2, 0, 5)}};
  RoadmapSchedule s(r, 12, 0);
  EXPECT_EQ(s.strength(0, 1), 0.0);
  EXPECT_EQ(s.strength(0, 2), 1.0);
  EXPECT_EQ(s.strength(0, 5), 1.0);
  EXPECT_EQ(s.strength(0, 6), 0.0);
  EXPECT_FALSE(s.effects_active(0, 6));
}

TEST(RoadmapSchedule, ChangeCapacitySlowsConcurrentRamps) {
  // Four initiatives ramping over 4 months from month 1 with capacity 2: each advances by
  // half a month per month while all four ramp.
  Roadmap r{
      "r",
      {initiative("a", 1, 4), initiative("b", 1, 4), initiative("c", 1, 4), initiative("d", 1, 4)}};
  RoadmapSchedule limited(r, 12, 2);
  RoadmapSchedule unlimited(r, 12, 0);
  EXPECT_EQ(limited.strength(0, 2), 0.125);
  EXPECT_EQ(unlimited.strength(0, 2), 0.25);
  EXPECT_EQ(limited.strength(0, 9), 1.0);
  EXPECT_LT(limited.strength(0, 8), 1.0);
  // Within capacity nothing changes.
  RoadmapSchedule enough(r, 12, 4);
  for (int t = 1; t <= 12; ++t) EXPECT_EQ(enough.strength(0, t), unlimited.strength(0, t));
}

TEST(RoadmapSchedule, PhasedRoadmapIsNotSlowed) {
  Roadmap r{"r", {initiative("a", 1, 3), initiative("b", 4, 3), initiative("c", 7, 3)}};
  RoadmapSchedule s(r, 12, 1);
  EXPECT_EQ(s.strength(2, 10), 1.0);
  EXPECT_EQ(s.strength(1, 5), 1.0 / 3);
}

TEST(RoadmapSchedule, CapexSpreadsEvenlyAndOpexRunsToEnd) {
  Scenario sc = testing::make_scenario(10, 12);
  Initiative in = initiative("a", 3, 0, 8);
  in.capex_slot = testing::add_slot(sc, "initiatives.a.capex", Distribution::constant(1200));
  in.capex_months = 4;
  in.opex_slot = testing::add_slot(sc, "initiatives.a.opex_per_month", Distribution::constant(10));
  Roadmap r{"r", {in}};
  RoadmapSchedule s(r, 12, 0);
  const ParameterDraw d = draw_parameters(sc, 0);
  double capex = 0, opex = 0;
  for (int t = 1; t <= 12; ++t) {
    const MonthSpend m = roadmap_spend(r, s, d.values, t);
    EXPECT_EQ(m.capex, (t >= 3 && t <= 6) ? 300.0 : 0.0) << t;
    EXPECT_EQ(m.opex, (t >= 3 && t <= 8) ? 10.0 : 0.0) << t;
    capex += m.capex;
    opex += m.opex;
  }
  EXPECT_EQ(capex, 1200.0);
  EXPECT_EQ(opex, 60.0);
}

TEST(RoadmapSchedule, EffectsComposeInOrderWithEachOp) {
  Scenario sc = testing::make_scenario(10, 12, 1);
  const int target = testing::slot_index(sc, "touchpoints.t0.failure_rate");
  testing::set(sc, "touchpoints.t0.failure_rate", 0.2);
  auto effect = [&](EffectOp op, double value) {
    Effect e;
    e.target = "touchpoints.t0.failure_rate";
    e.slots = {target};
    e.op = op;
    e.value_slot =
        testing::add_slot(sc, "v" + std::to_string(sc.slots.size()), Distribution::constant(value));
    return e;
  };
  Initiative a = initiative("a", 1, 0);
  a.effects = {effect(EffectOp::multiply, 0.5), effect(EffectOp::add, 0.05)};
  Initiative b = initiative("b", 1, 2);
  b.effects = {effect(EffectOp::set, 0.01)};
  Roadmap r{"r", {a, b}};
  RoadmapSchedule s(r, 12, 0);
  const ParameterDraw d = draw_parameters(sc, 0);
  std::vector<double> v;
  roadmap_month_vector(sc, r, s, d.values, 1, false, v);
  EXPECT_DOUBLE_EQ(v[target], 0.2 * 0.5 + 0.05);  // b has frac 0 in its first month
  roadmap_month_vector(sc, r, s, d.values, 2, false, v);
  EXPECT_DOUBLE_EQ(v[target], 0.15 + 0.5 * (0.01 - 0.15));
  roadmap_month_vector(sc, r, s, d.values, 3, false, v);
  EXPECT_NEAR(v[target], 0.01, 1e-15);
  // Zero-defect counterfactual: failure rates 0 after the effects.
  roadmap_month_vector(sc, r, s, d.values, 3, true, v);
  EXPECT_EQ(v[target], 0.0);
}

TEST(RoadmapSchedule, BoundsAreReappliedAndCounted) {
  Scenario sc = testing::make_scenario(10, 12, 1);
  const int target = testing::slot_index(sc, "touchpoints.t0.failure_rate");
  testing::set(sc, "touchpoints.t0.failure_rate", 0.5);
  Effect e;
  e.slots = {target};
  e.op = EffectOp::multiply;
  e.value_slot = testing::add_slot(sc, "v", Distribution::constant(3.0));
  Initiative a = initiative("a", 1, 0);
  a.effects = {e};
  Roadmap r{"r", {a}};
  RoadmapSchedule s(r, 12, 0);
  const ParameterDraw d = draw_parameters(sc, 0);
  std::vector<double> v;
  EXPECT_EQ(roadmap_month_vector(sc, r, s, d.values, 1, false, v), 1);
  EXPECT_EQ(v[target], 1.0);
}

}  // namespace
}  // namespace cxsim
