// Sobol indices of the Ishigami and G functions against their closed forms, Morris mu* against
// its exact expectation on the design's grid, and the NaN rules.
//
// Tolerances are 4 bootstrap standard errors (DESIGN.md "Tests"). On a scrambled Sobol design
// the bootstrap treats the points as independent, which overstates the error of a quasi-random
// estimate, so 4 SE is conservative there; each test also checks that a wrong truth (a neighbour
// model's closed form) lies outside the same tolerance, so the tolerance is not vacuous.
#include "experiments/sensitivity_estimators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "analytic_functions.hpp"

namespace cxsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTolerance = 4.0;  // in bootstrap standard errors

bool within(double estimate, double truth, double se) {
  return std::fabs(estimate - truth) <= kTolerance * se;
}

// Every estimate within 4 SE of the truth and its 95% interval covering it; returns how many of
// a wrong truth's values fall outside the same tolerance.
int expect_sobol_matches(const SobolIndices& s, const std::vector<double>& s1,
                         const std::vector<double>& st, const std::vector<double>& wrong_s1,
                         const std::vector<double>& wrong_st) {
  int rejected = 0;
  for (std::size_t i = 0; i < s1.size(); ++i) {
    std::printf(
        "S1_%zu %.4f +- %.4f [%.4f, %.4f] truth %.4f | ST_%zu %.4f +- %.4f [%.4f, %.4f] "
        "truth %.4f\n",
        i, s.s1[i], s.s1_se[i], s.s1_low[i], s.s1_high[i], s1[i], i, s.st[i], s.st_se[i],
        s.st_low[i], s.st_high[i], st[i]);
    EXPECT_TRUE(within(s.s1[i], s1[i], s.s1_se[i]))
        << "S1_" << i << " = " << s.s1[i] << " +- " << s.s1_se[i] << ", truth " << s1[i];
    EXPECT_TRUE(within(s.st[i], st[i], s.st_se[i]))
        << "ST_" << i << " = " << s.st[i] << " +- " << s.st_se[i] << ", truth " << st[i];
    EXPECT_LE(s.s1_low[i], s1[i]);
    EXPECT_GE(s.s1_high[i], s1[i]);
    EXPECT_LE(s.st_low[i], st[i]);
    EXPECT_GE(s.st_high[i], st[i]);
    rejected += !within(s.s1[i], wrong_s1[i], s.s1_se[i]);
    rejected += !within(s.st[i], wrong_st[i], s.st_se[i]);
  }
  return rejected;
}

TEST(SobolIndices, IshigamiMatchesAnalyticValues) {
  const testing::Ishigami f;
  // The closed forms give S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
  ASSERT_NEAR(f.s1()[0], 0.3139, 1e-4);
  ASSERT_NEAR(f.st()[2], 0.2437, 1e-4);
  const int n = 1 << 13, k = 3;
  const Design d = saltelli_design(n, k, 2024);
  const SobolIndices s = sobol_indices(testing::evaluate(f, d), n, k);
  EXPECT_NEAR(s.variance, f.variance(), 0.05 * f.variance());
  // Negative control: the closed form of Ishigami with b = 0.05 is rejected.
  const testing::Ishigami wrong{7.0, 0.05};
  EXPECT_GE(expect_sobol_matches(s, f.s1(), f.st(), wrong.s1(), wrong.st()), 2);
}

TEST(SobolIndices, SobolGMatchesAnalyticValues) {
  const testing::SobolG f;
  const int n = 1 << 13, k = f.factors();
  const Design d = saltelli_design(n, k, 77);
  const SobolIndices s = sobol_indices(testing::evaluate(f, d), n, k);
  // Negative control: the first two coefficients swapped (factor 0 and 1 confused) is rejected.
  testing::SobolG wrong;
  std::swap(wrong.a[0], wrong.a[1]);
  EXPECT_GE(expect_sobol_matches(s, f.s1(), f.st(), wrong.s1(), wrong.st()), 2);
}

// The error of one scrambled Sobol study, measured honestly: R independent shifts are R
// independent, unbiased-in-the-limit estimates, so their mean and its SE (sd / sqrt R) test the
// estimator to far tighter bounds than the bootstrap SE of a single study allows.
template <typename F>
void expect_scrambled_mean_matches(const F& f, int k, const std::vector<double>& s1,
                                   const std::vector<double>& st,
                                   const std::vector<double>& wrong_s1) {
  const int n = 1 << 12, replicates = 32;
  std::vector<std::vector<double>> s1_rep(k), st_rep(k);
  for (int r = 0; r < replicates; ++r) {
    const SobolIndices s =
        sobol_indices(testing::evaluate(f, saltelli_design(n, k, 500 + r)), n, k, {.resamples = 0});
    for (int i = 0; i < k; ++i) {
      s1_rep[i].push_back(s.s1[i]);
      st_rep[i].push_back(s.st[i]);
    }
  }
  auto mean_se = [&](const std::vector<double>& v) {
    double m = 0, ss = 0;
    for (double x : v) m += x;
    m /= v.size();
    for (double x : v) ss += (x - m) * (x - m);
    return std::pair{m, std::sqrt(ss / (v.size() - 1) / v.size())};
  };
  int rejected = 0;
  for (int i = 0; i < k; ++i) {
    const auto [m1, se1] = mean_se(s1_rep[i]);
    const auto [mt, set] = mean_se(st_rep[i]);
    std::printf("scrambled mean S1_%d %.5f +- %.5f truth %.5f | ST_%d %.5f +- %.5f truth %.5f\n", i,
                m1, se1, s1[i], i, mt, set, st[i]);
    EXPECT_LE(std::fabs(m1 - s1[i]), kTolerance * se1) << "S1_" << i;
    EXPECT_LE(std::fabs(mt - st[i]), kTolerance * set) << "ST_" << i;
    rejected += std::fabs(m1 - wrong_s1[i]) > kTolerance * se1;
  }
  EXPECT_GE(rejected, 1) << "negative control";
}

TEST(SobolIndices, IshigamiScrambledReplicatesAverageToAnalyticValues) {
  const testing::Ishigami f;
  // Negative control: S1 of Ishigami with b = 0.09 (S1_0 0.302 instead of 0.314).
  expect_scrambled_mean_matches(f, 3, f.s1(), f.st(), testing::Ishigami{7.0, 0.09}.s1());
}

TEST(SobolIndices, SobolGScrambledReplicatesAverageToAnalyticValues) {
  const testing::SobolG f;
  // Negative control: a_1 = 1.1 instead of 1 (S1_1 0.170 instead of 0.179).
  testing::SobolG wrong;
  wrong.a[1] = 1.1;
  expect_scrambled_mean_matches(f, f.factors(), f.s1(), f.st(), wrong.s1());
}

TEST(SobolIndices, BlockOverloadSplitsTheSaltelliOrder) {
  const testing::SobolG f{{0, 1, 9}};
  const int n = 256, k = 3;
  const std::vector<double> y = testing::evaluate(f, saltelli_design(n, k, 1));
  std::vector<std::vector<double>> ab;
  for (int i = 0; i < k; ++i) ab.emplace_back(y.begin() + (2 + i) * n, y.begin() + (3 + i) * n);
  const SobolIndices blocks =
      sobol_indices(std::vector<double>(y.begin(), y.begin() + n),
                    std::vector<double>(y.begin() + n, y.begin() + 2 * n), ab, {.resamples = 50});
  const SobolIndices whole = sobol_indices(y, n, k, {.resamples = 50});
  EXPECT_EQ(blocks.s1, whole.s1);
  EXPECT_EQ(blocks.st_high, whole.st_high);
  EXPECT_THROW(sobol_indices(y, n, k + 1), std::invalid_argument);
}

TEST(SobolIndices, EstimatorFormulasOnNumbersWorkedByHand) {
  // yA = (0, 2), yB = (1, 3), yAB_0 = (1, 2): V = var(0, 2, 1, 3) = 1.25 around m = 1.5,
  // S1 = mean((1 - m) (1 - 0), (3 - m) (2 - 2)) / V = -0.25 / 1.25,
  // ST = mean(1, 0) / 2 / V = 0.25 / 1.25.
  const SobolIndices s = sobol_indices({0, 2}, {1, 3}, {{1, 2}}, {.resamples = 0});
  EXPECT_DOUBLE_EQ(s.variance, 1.25);
  EXPECT_DOUBLE_EQ(s.s1[0], -0.2);
  EXPECT_DOUBLE_EQ(s.st[0], 0.2);
  EXPECT_TRUE(std::isnan(s.s1_low[0]));  // no resamples, no interval
}

TEST(SobolIndices, ConstantOutputGivesNaN) {
  // 0.1 is not exact in binary: a computed variance would be a hair above 0, not 0.
  const std::vector<double> c(64, 0.1);
  const SobolIndices s = sobol_indices(c, c, {c, c});
  EXPECT_EQ(s.variance, 0.0);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(std::isnan(s.s1[i]));
    EXPECT_TRUE(std::isnan(s.st[i]));
    EXPECT_TRUE(std::isnan(s.s1_low[i]));
    EXPECT_TRUE(std::isnan(s.st_high[i]));
  }
}

TEST(SobolIndices, NaNOutputsGiveNaNIndices) {
  const testing::SobolG f{{0, 1}};
  const int n = 64, k = 2;
  std::vector<double> y = testing::evaluate(f, saltelli_design(n, k, 5));
  y[2 * n + 3] = kNaN;  // in AB_0: only factor 0 is lost
  SobolIndices s = sobol_indices(y, n, k, {.resamples = 20});
  EXPECT_TRUE(std::isnan(s.s1[0]) && std::isnan(s.st[0]) && std::isnan(s.s1_high[0]));
  EXPECT_TRUE(std::isfinite(s.s1[1]) && std::isfinite(s.st[1]) && std::isfinite(s.s1_high[1]));
  y[5] = kNaN;  // in A: every factor is lost
  s = sobol_indices(y, n, k, {.resamples = 20});
  EXPECT_TRUE(std::isnan(s.variance));
  EXPECT_TRUE(std::isnan(s.s1[1]) && std::isnan(s.st[1]) && std::isnan(s.st_low[1]));
}

TEST(SobolIndices, IntervalsDependOnlyOnOutputsAndSeed) {
  const testing::Ishigami f;
  const int n = 512, k = 3;
  const std::vector<double> y = testing::evaluate(f, saltelli_design(n, k, 3));
  const SobolIndices a = sobol_indices(y, n, k, {.resamples = 100});
  const SobolIndices b = sobol_indices(y, n, k, {.resamples = 100});
  EXPECT_EQ(a.s1_low, b.s1_low);
  EXPECT_EQ(a.st_high, b.st_high);
  const SobolIndices c = sobol_indices(y, n, k, {.resamples = 100, .seed = 99});
  EXPECT_EQ(a.s1, c.s1);  // the estimates do not involve resampling
  EXPECT_NE(a.s1_low, c.s1_low);
}

TEST(SobolIndices, RejectsMismatchedLengths) {
  EXPECT_THROW(sobol_indices({1, 2}, {1, 2, 3}, {{1, 2}}), std::invalid_argument);
  EXPECT_THROW(sobol_indices({1, 2}, {1, 2}, {{1, 2, 3}}), std::invalid_argument);
  EXPECT_THROW(sobol_indices({1, 2}, {1, 2}, {}), std::invalid_argument);
  EXPECT_THROW(sobol_indices({}, {}, {{}}), std::invalid_argument);
}

// ---- Morris ----

// E|EE_i| on the p-level grid, exactly: at the step of factor i every level of every factor is
// uniform and independent (base levels are, and a move is a bijection of the levels), and the
// level of i alone sets the direction, so the expectation is the mean over all p^k grid points.
template <typename F>
std::vector<double> grid_mu_star(const F& f, int k, int p) {
  const double delta = p / (2.0 * (p - 1));
  std::vector<double> mu_star(k, 0.0);
  std::vector<int> level(k, 0);
  std::vector<double> u(k), v(k);
  long long count = 0;
  while (true) {
    for (int g = 0; g < k; ++g) u[g] = static_cast<double>(level[g]) / (p - 1);
    for (int i = 0; i < k; ++i) {
      v = u;
      const bool up = level[i] < p / 2;
      v[i] = static_cast<double>(level[i] + (up ? p / 2 : -p / 2)) / (p - 1);
      mu_star[i] += std::fabs((f(v.data()) - f(u.data())) / (up ? delta : -delta));
    }
    ++count;
    int g = k - 1;
    while (g >= 0 && ++level[g] == p) level[g--] = 0;
    if (g < 0) break;
  }
  for (double& m : mu_star) m /= static_cast<double>(count);
  return mu_star;
}

// Tolerance 4 SE, with a floor of 1e-9 for effects that are the same in every trajectory (their
// bootstrap SE is 0 and only rounding separates the estimate from the expectation).
bool mu_star_within(const MorrisIndices& m, int i, double expected) {
  return std::fabs(m.mu_star[i] - expected) <= std::max(kTolerance * m.mu_star_se[i], 1e-9);
}

TEST(MorrisIndices, LinearModelGivesItsCoefficientsExactly) {
  const std::vector<double> c{2.0, -3.0, 0.5, 0.0};
  const auto f = [&](const double* u) {
    double y = 1.0;
    for (std::size_t i = 0; i < c.size(); ++i) y += c[i] * u[i];
    return y;
  };
  const MorrisDesign d = morris_design(30, 4, 4, 8);
  const MorrisIndices m = morris_indices(d, testing::evaluate(f, d.points), {.resamples = 50});
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_NEAR(m.mu[i], c[i], 1e-12);
    EXPECT_NEAR(m.mu_star[i], std::fabs(c[i]), 1e-12);
    EXPECT_NEAR(m.sigma[i], 0.0, 1e-12);
    EXPECT_NEAR(m.mu_star_low[i], std::fabs(c[i]), 1e-12);
    EXPECT_NEAR(m.mu_star_high[i], std::fabs(c[i]), 1e-12);
  }
}

TEST(MorrisIndices, SobolGMuStarRanksFactorsByTheirCoefficients) {
  // On the 4-level grid |4u - 2| is 2, 2/3, 2/3, 2 and every move changes it by 4/3, so
  // E|EE_i| = 2 / (1 + a_i) prod_{j != i} (4/3 + a_j) / (1 + a_j): decreasing in a_i, the same
  // order as S1 and ST.
  const testing::SobolG f;
  const int k = f.factors(), p = 4;
  const MorrisDesign d = morris_design(200, p, k, 31);
  const MorrisIndices m = morris_indices(d, testing::evaluate(f, d.points));
  const std::vector<double> expected = grid_mu_star(f, k, p);
  for (int i = 0; i < k; ++i) {
    double closed = 2.0 / (1 + f.a[i]);
    for (int j = 0; j < k; ++j) {
      if (j != i) closed *= (4.0 / 3 + f.a[j]) / (1 + f.a[j]);
    }
    ASSERT_NEAR(expected[i], closed, 1e-12);
    std::printf("G mu*_%d = %.4f +- %.4f [%.4f, %.4f], grid expectation %.4f\n", i, m.mu_star[i],
                m.mu_star_se[i], m.mu_star_low[i], m.mu_star_high[i], expected[i]);
    EXPECT_TRUE(mu_star_within(m, i, expected[i]))
        << "mu*_" << i << " = " << m.mu_star[i] << " +- " << m.mu_star_se[i] << ", expected "
        << expected[i];
  }
  // The order of the coefficients (0 < 1 < 4.5 < 9 < 99 = 99), which is the order of ST.
  for (int i = 0; i + 1 < 4; ++i) EXPECT_GT(m.mu_star_low[i], m.mu_star_high[i + 1]) << i;
  EXPECT_GT(m.mu_star_low[3], std::max(m.mu_star_high[4], m.mu_star_high[5]));
  // Negative control: the expectation with a_0 and a_1 swapped is rejected.
  testing::SobolG wrong;
  std::swap(wrong.a[0], wrong.a[1]);
  const std::vector<double> swapped = grid_mu_star(wrong, k, p);
  EXPECT_FALSE(mu_star_within(m, 0, swapped[0]));
  EXPECT_FALSE(mu_star_within(m, 1, swapped[1]));
}

TEST(MorrisIndices, IshigamiMuStarMatchesItsGridExpectation) {
  // Ishigami with a fourth, inert input. Mu* is a screening measure, not ST: on the 4-level grid
  // x2 in {-pi, -pi/3, pi/3, pi} makes every |EE_2| = 7 (3/4) / (2/3) = 7.875, just above
  // E|EE_1| = 7.70, so mu* does not order x1 and x2 as ST does (0.558 > 0.442); with more levels
  // the step approaches half a period of sin^2 and mu*_2 falls below mu*_3. What holds: x3 (the
  // smallest ST) has the smallest mu* of the three, and the inert input has mu* = 0.
  const testing::Ishigami ishigami;
  const auto f = [&](const double* u) { return ishigami(u) + 0.0 * u[3]; };
  const int k = 4, p = 4;
  const MorrisDesign d = morris_design(1000, p, k, 12);
  const MorrisIndices m = morris_indices(d, testing::evaluate(f, d.points));
  const std::vector<double> expected = grid_mu_star(f, k, p);
  EXPECT_NEAR(expected[0], 7.704, 1e-3);
  EXPECT_NEAR(expected[1], 7.875, 1e-12);
  EXPECT_NEAR(expected[2], 6.249, 1e-3);
  for (int i = 0; i < k; ++i) {
    EXPECT_TRUE(mu_star_within(m, i, expected[i]))
        << "mu*_" << i << " = " << m.mu_star[i] << " +- " << m.mu_star_se[i] << ", expected "
        << expected[i];
    std::printf("Ishigami mu*_%d = %.4f +- %.4f [%.4f, %.4f], grid expectation %.4f\n", i,
                m.mu_star[i], m.mu_star_se[i], m.mu_star_low[i], m.mu_star_high[i], expected[i]);
  }
  EXPECT_LT(m.mu_star_high[2], std::min(m.mu_star_low[0], m.mu_star_low[1]));
  EXPECT_EQ(m.mu_star[3], 0.0);
  EXPECT_EQ(m.sigma[3], 0.0);
  EXPECT_EQ(m.mu_star_high[3], 0.0);
  // Negative control: the expectation on the 6-level grid (another delta: mu*_2 = 2.69 there)
  // is rejected.
  const std::vector<double> six = grid_mu_star(f, k, 6);
  EXPECT_FALSE(mu_star_within(m, 1, six[1]));
}

TEST(MorrisIndices, ConstantOrNaNOutputGivesNaN) {
  const MorrisDesign d = morris_design(10, 4, 3, 2);
  const std::vector<double> c(d.points.points, 0.1);
  MorrisIndices m = morris_indices(d, c);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(std::isnan(m.mu_star[i]) && std::isnan(m.mu[i]) && std::isnan(m.sigma[i]));
    EXPECT_TRUE(std::isnan(m.mu_star_low[i]) && std::isnan(m.mu_star_high[i]));
  }
  // A NaN output at the last point of trajectory 0 spoils only the factor moved last there.
  std::vector<double> y(d.points.points);
  for (int p = 0; p < d.points.points; ++p) y[p] = d.points.at(p, 0) + d.points.at(p, 1);
  y[3] = kNaN;
  m = morris_indices(d, y, {.resamples = 20});
  const int spoiled = d.moved[2];
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(std::isnan(m.mu_star[i]), i == spoiled) << i;
    EXPECT_EQ(std::isnan(m.mu_star_high[i]), i == spoiled) << i;
  }
}

TEST(MorrisIndices, SigmaIsTheSampleStandardDeviationAndNaNForOneTrajectory) {
  const MorrisDesign d = morris_design(1, 4, 2, 3);
  std::vector<double> y(d.points.points);
  for (int p = 0; p < d.points.points; ++p) y[p] = d.points.at(p, 0) * d.points.at(p, 1);
  const MorrisIndices m = morris_indices(d, y, {.resamples = 10});
  EXPECT_TRUE(std::isfinite(m.mu_star[0]));
  EXPECT_TRUE(std::isnan(m.sigma[0]));
  EXPECT_THROW(morris_indices(d, std::vector<double>(2, 1.0)), std::invalid_argument);
}

}  // namespace
}  // namespace cxsim
