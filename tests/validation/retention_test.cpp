// MODEL.md s.7, Retention: constant hazard gives N0 (1 - h)^t, with and without (recovered)
// failures; churners pay for their last month and leave at its end.
#include <gtest/gtest.h>

#include "config/scenario_loader.hpp"
#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationRetention, ConstantHazardGivesGeometricSurvival) {
  expect_case(retention(test_options(), "retention.yaml"));
}

TEST(ValidationRetention, RecoveredFailuresDoNotDriveChurn) {
  expect_case(retention(test_options(), "retention_recovered_failures.yaml"));
}

TEST(ValidationRetention, UnrecoveredFailuresWouldBreakTheLaw) {
  // Negative control on the scenario: the same file with recovery off must fail the law.
  Options o = test_options();
  const CaseResult r = retention(o, "retention_recovered_failures.yaml");
  ASSERT_TRUE(r.claims[0].passed());
  LoadOptions lo;
  lo.overrides = {"touchpoints.support.recovery_rate=0"};
  const Scenario sc =
      load_scenario(o.source_dir + "/scenarios/validation/retention_recovered_failures.yaml", lo);
  const std::vector<ReplicationResult> results = simulate(sc, sc.replications);
  double active = 0.0;
  for (const ReplicationResult& rep : results) {
    active += rep.roadmaps[0].at(Metric::customers, 12) / sc.agent_weight();
  }
  active /= static_cast<double>(results.size());
  const Check& month12 = r.claims[0].checks[11];
  EXPECT_LT(active, month12.expected - 4 * month12.se);
}

}  // namespace
}  // namespace cxsim::validation
