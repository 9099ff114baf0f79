// Pins MODEL.md s.1: exact segment sizes and initial customers, random membership.
#include "engine/initial_population.hpp"

#include <gtest/gtest.h>

#include "engine/parameter_draws.hpp"
#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

TEST(InitialPopulation, LargestRemainderSumsExactly) {
  const std::vector<double> w{0.333, 0.333, 0.334};
  const auto out = largest_remainder(w, 10);
  EXPECT_EQ(out[0] + out[1] + out[2], 10);
  EXPECT_EQ(out[2], 4);
  const std::vector<double> shares{0.85, 0.15};
  EXPECT_EQ(largest_remainder(shares, 1001), (std::vector<std::int64_t>{851, 150}));
}

TEST(InitialPopulation, CountsAreExactAndMembershipRandom) {
  Scenario sc = testing::make_scenario(1001, 1);
  sc.segments = {{"a", 0.85, 0.3, false, std::nullopt}, {"b", 0.15, 0.5, false, std::nullopt}};
  sc.layout = ParamLayout(2, 0);
  sc.slots = model_slots(sc.segments, sc.touchpoints);
  const ParameterDraw d = draw_parameters(sc, 0);
  const Population a = make_initial_population(sc, d.values, {7, 0});
  const Population b = make_initial_population(sc, d.values, {7, 1});
  int seg_b = 0, active_a = 0, active_b = 0, same = 0;
  for (std::uint32_t i = 0; i < a.size(); ++i) {
    seg_b += a.segment[i] == 1;
    active_a += a.segment[i] == 0 && a.status[i] == Status::active;
    active_b += a.segment[i] == 1 && a.status[i] == Status::active;
    same += a.segment[i] == b.segment[i];
  }
  EXPECT_EQ(seg_b, 150);
  EXPECT_EQ(active_a, 255);  // 0.3 * 851 = 255.3
  EXPECT_EQ(active_b, 75);
  EXPECT_LT(same, 1001);  // another replication draws other members
}

TEST(InitialPopulation, HeterogeneousChurnIsDrawnPerAgentWithinBounds) {
  Scenario sc = testing::make_scenario(5000, 1);
  sc.segments[0].churn_heterogeneity = Distribution{DistributionKind::beta, 0.668, 3.806};
  const ParameterDraw d = draw_parameters(sc, 0);
  const Population p = make_initial_population(sc, d.values, {1, 0});
  double sum = 0;
  for (std::uint32_t i = 0; i < p.size(); ++i) {
    ASSERT_GT(p.base_churn[i], 0.0f);
    ASSERT_LT(p.base_churn[i], 1.0f);
    sum += p.base_churn[i];
  }
  const double mean = 0.668 / (0.668 + 3.806);
  const double var = 0.668 * 3.806 / (std::pow(4.474, 2) * 5.474);
  EXPECT_NEAR(sum / 5000, mean, 4 * std::sqrt(var / 5000));
}

}  // namespace
}  // namespace cxsim
