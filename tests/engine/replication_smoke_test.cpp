// First end-to-end checks of one replication on zero-variance settings.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/replication.hpp"
#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

TEST(Replication, NoChurnNoAdoptionKeepsEveryCustomer) {
  Scenario sc = testing::make_scenario(10000, 12);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  ASSERT_EQ(r.roadmaps.size(), 1u);
  for (int t = 1; t <= 12; ++t) {
    EXPECT_EQ(r.roadmaps[0].at(Metric::customers, t), 10000.0);
    EXPECT_EQ(r.roadmaps[0].at(Metric::revenue, t), 100000.0);
  }
}

TEST(Replication, ConstantHazardRetention) {
  Scenario sc = testing::make_scenario(20000, 24);
  testing::set(sc, "segments.a.baseline_churn_monthly", 0.05);
  testing::set(sc, "churn.satisfaction", 0.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  for (int t = 1; t <= 24; ++t) {
    const double expected = 20000 * std::pow(0.95, t);
    const double se = std::sqrt(20000 * std::pow(0.95, t) * (1 - std::pow(0.95, t)));
    EXPECT_NEAR(r.roadmaps[0].at(Metric::customers, t), expected, 4 * se) << "month " << t;
  }
}

}  // namespace
}  // namespace cxsim
