// Coverage of the 95% bootstrap intervals over 2,000 repeated studies with N = 1024: the
// 200-study tests in tests/experiments check the 90-99% band of EXPERIMENTS.md; these pin the
// Monte Carlo coverage itself to within about a percentage point (slow: about half a minute).
#include <gtest/gtest.h>

#include "../experiments/analytic_functions.hpp"
#include "../experiments/coverage.hpp"

namespace cxsim {
namespace {

using testing::Coverage;

constexpr testing::CoverageStudy kLargeStudy{
    .studies = 2000, .base_samples = 1024, .resamples = 500};

// Each index over 2,000 studies has a binomial SE of 0.5% at 95%: [0.925, 0.975] is 5 SE each
// side, room for the slight undercoverage percentile intervals are known for (measured 93.5% to
// 95.1%). Pooled over the 2k indices (correlated within a study) the SE is at most that, so
// [0.935, 0.965] is at least 3 SE each side. The scrambled design must cover at least as often
// (no slack: its shares are measured on the same 2,000 seeds and sit at 100%).
void expect_large_coverage(const Coverage& mc, const Coverage& qmc) {
  std::printf("coverage Monte Carlo:%s\n", testing::describe(mc).c_str());
  std::printf("coverage Sobol design:%s\n", testing::describe(qmc).c_str());
  for (std::size_t i = 0; i < mc.s1.size(); ++i) {
    EXPECT_GE(mc.s1[i], 0.925) << "S1_" << i;
    EXPECT_LE(mc.s1[i], 0.975) << "S1_" << i;
    EXPECT_GE(mc.st[i], 0.925) << "ST_" << i;
    EXPECT_LE(mc.st[i], 0.975) << "ST_" << i;
    EXPECT_GE(qmc.s1[i], mc.s1[i]) << "S1_" << i;
    EXPECT_GE(qmc.st[i], mc.st[i]) << "ST_" << i;
  }
  EXPECT_GE(mc.pooled, 0.935);
  EXPECT_LE(mc.pooled, 0.965);
  // Negative control: intervals of half the width (about 68% for a normal interval).
  EXPECT_LE(mc.halved, 0.80);
}

TEST(SobolCoverage, IshigamiMonteCarloCoverageIsNear95PercentSlow) {
  const testing::Ishigami f;
  expect_large_coverage(testing::sobol_coverage(f, 3, f.s1(), f.st(), kLargeStudy, false),
                        testing::sobol_coverage(f, 3, f.s1(), f.st(), kLargeStudy, true));
}

TEST(SobolCoverage, SobolGMonteCarloCoverageIsNear95PercentSlow) {
  const testing::SobolG f{{0, 1, 4.5, 9}};
  expect_large_coverage(testing::sobol_coverage(f, 4, f.s1(), f.st(), kLargeStudy, false),
                        testing::sobol_coverage(f, 4, f.s1(), f.st(), kLargeStudy, true));
}

}  // namespace
}  // namespace cxsim
