// Pins MODEL.md s.5: one draw per replication per uncertain number, clamped and counted.
#include "engine/parameter_draws.hpp"

#include <gtest/gtest.h>

#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

TEST(ParameterDraws, ConstantsPassThroughAndDistributionsAreDrawn) {
  Scenario sc = testing::make_scenario(10, 1, 1);
  testing::slot(sc, "touchpoints.t0.failure_rate").value = {DistributionKind::uniform, 0.1, 0.2};
  const ParameterDraw a = draw_parameters(sc, 0);
  const ParameterDraw again = draw_parameters(sc, 0);
  const ParameterDraw b = draw_parameters(sc, 1);
  ASSERT_EQ(a.uncertain.size(), 1u);
  EXPECT_EQ(a.uncertain[0], again.uncertain[0]);
  EXPECT_NE(a.uncertain[0], b.uncertain[0]);
  EXPECT_EQ(a.values[testing::slot_index(sc, "segments.a.revenue.price")], 10.0);
  EXPECT_EQ(uncertain_slots(sc),
            (std::vector<int>{testing::slot_index(sc, "touchpoints.t0.failure_rate")}));
}

TEST(ParameterDraws, OutOfBoundsDrawsAreClampedAndCounted) {
  Scenario sc = testing::make_scenario(10, 1, 1);
  testing::slot(sc, "touchpoints.t0.failure_rate").value = {DistributionKind::normal, 0.0, 1.0};
  int clamped = 0;
  for (int r = 0; r < 200; ++r) {
    const ParameterDraw d = draw_parameters(sc, r);
    EXPECT_GE(d.uncertain[0], 0.0);
    EXPECT_LE(d.uncertain[0], 1.0);
    clamped += d.clamps;
  }
  // P(outside [0, 1]) = 0.5 + 0.1587: about 132 of 200 (sd 6.7).
  EXPECT_NEAR(clamped, 200 * 0.6587, 4 * std::sqrt(200 * 0.6587 * 0.3413));
}

TEST(ParameterDraws, DrawDoesNotDependOnOtherParameters) {
  Scenario sc = testing::make_scenario(10, 1, 2);
  testing::slot(sc, "touchpoints.t1.failure_rate").value = {DistributionKind::uniform, 0.1, 0.2};
  const double alone = draw_parameters(sc, 5).uncertain[0];
  testing::slot(sc, "touchpoints.t0.failure_rate").value = {DistributionKind::uniform, 0.3, 0.4};
  EXPECT_EQ(draw_parameters(sc, 5).uncertain[1], alone);
}

}  // namespace
}  // namespace cxsim
