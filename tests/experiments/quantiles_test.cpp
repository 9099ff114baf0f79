// Inverse CDFs against Boost.Math's CDFs and closed-form values, and their ends.
#include "experiments/quantiles.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <cmath>
#include <limits>

namespace cxsim {
namespace {

Distribution make(DistributionKind kind, double a, double b, double c = 0) {
  return Distribution{kind, a, b, c};
}

const std::vector<double> kProbabilities{1e-9, 0.001, 0.05, 0.2, 0.5, 0.77, 0.95, 0.999, 1 - 1e-9};

// F(quantile(u)) == u, F from Boost.Math, to 1e-12 absolute (double rounding of x, magnified by
// the density, stays far below that for these parameters).
template <typename BoostDistribution>
void expect_round_trip(const Distribution& d, const BoostDistribution& reference) {
  for (double u : kProbabilities) {
    EXPECT_NEAR(boost::math::cdf(reference, quantile(d, u)), u, 1e-12) << d.to_yaml() << " u=" << u;
  }
}

TEST(Quantile, NormalRoundTripsThroughBoostCdf) {
  expect_round_trip(make(DistributionKind::normal, 3, 2), boost::math::normal_distribution<>(3, 2));
  EXPECT_NEAR(quantile(make(DistributionKind::normal, 3, 2), 0.975), 3 + 2 * 1.959963984540054,
              1e-12);
}

TEST(Quantile, LognormalIsTheExponentialOfTheNormalQuantile) {
  const Distribution d = make(DistributionKind::lognormal, -1, 0.5);
  expect_round_trip(d, boost::math::lognormal_distribution<>(-1, 0.5));
  EXPECT_NEAR(median(d), std::exp(-1.0), 1e-15);
}

TEST(Quantile, UniformIsLinear) {
  const Distribution d = make(DistributionKind::uniform, 2, 6);
  expect_round_trip(d, boost::math::uniform_distribution<>(2, 6));
  EXPECT_DOUBLE_EQ(quantile(d, 0.25), 3.0);
  EXPECT_DOUBLE_EQ(median(d), 4.0);
}

TEST(Quantile, TriangularMatchesBoostAndTheModeSitsAtItsCdf) {
  const Distribution d = make(DistributionKind::triangular, 0.4, 0.55, 0.8);
  const boost::math::triangular_distribution<> reference(0.4, 0.55, 0.8);
  expect_round_trip(d, reference);
  for (double u : kProbabilities) {
    EXPECT_NEAR(quantile(d, u), boost::math::quantile(reference, u), 1e-14);
  }
  // F(mode) = (mode - lo) / (hi - lo).
  EXPECT_NEAR(quantile(d, 0.15 / 0.4), 0.55, 1e-15);
  // Symmetric: the median is the mode. Mode at an end: the formula's other branch alone.
  EXPECT_NEAR(median(make(DistributionKind::triangular, 0, 1, 2)), 1.0, 1e-15);
  EXPECT_NEAR(quantile(make(DistributionKind::triangular, 0, 0, 1), 0.75), 0.5, 1e-15);
  EXPECT_NEAR(quantile(make(DistributionKind::triangular, 0, 1, 1), 0.25), 0.5, 1e-15);
}

TEST(Quantile, BetaRoundTripsThroughBoostCdf) {
  expect_round_trip(make(DistributionKind::beta, 2, 5), boost::math::beta_distribution<>(2, 5));
  expect_round_trip(make(DistributionKind::beta, 0.3, 0.7),
                    boost::math::beta_distribution<>(0.3, 0.7));
  // Beta(1, 1) is uniform; Beta(2, 2) is symmetric.
  EXPECT_NEAR(quantile(make(DistributionKind::beta, 1, 1), 0.3), 0.3, 1e-14);
  EXPECT_NEAR(median(make(DistributionKind::beta, 2, 2)), 0.5, 1e-14);
}

TEST(Quantile, FiniteEndsAreReachedAndInfiniteOnesStayFinite) {
  EXPECT_EQ(quantile(make(DistributionKind::uniform, 2, 6), 0), 2.0);
  EXPECT_EQ(quantile(make(DistributionKind::uniform, 2, 6), 1), 6.0);
  EXPECT_EQ(quantile(make(DistributionKind::triangular, 1, 2, 4), 0), 1.0);
  EXPECT_EQ(quantile(make(DistributionKind::triangular, 1, 2, 4), 1), 4.0);
  EXPECT_EQ(quantile(make(DistributionKind::beta, 2, 3), 0), 0.0);
  EXPECT_EQ(quantile(make(DistributionKind::beta, 2, 3), 1), 1.0);
  EXPECT_EQ(quantile(make(DistributionKind::lognormal, 0, 1), 0), 0.0);
  // Infinite ends: the quantile 2^-33 inside, finite (about 6.3 sd out).
  const double lo = quantile(make(DistributionKind::normal, 0, 1), 0);
  const double hi = quantile(make(DistributionKind::normal, 0, 1), 1);
  EXPECT_NEAR(lo, boost::math::quantile(boost::math::normal_distribution<>(), 0x1p-33), 1e-12);
  EXPECT_NEAR(hi, -lo, 1e-9);
  EXPECT_TRUE(std::isfinite(quantile(make(DistributionKind::lognormal, 0, 1), 1)));
  EXPECT_EQ(quantile(make(DistributionKind::uniform, 2, 6), -0.5), 2.0);
  EXPECT_EQ(quantile(make(DistributionKind::uniform, 2, 6), 1.5), 6.0);
}

TEST(Quantile, PointMassesAndNaN) {
  EXPECT_EQ(quantile(Distribution::constant(4.5), 0.1), 4.5);
  EXPECT_EQ(quantile(Distribution::constant(4.5), 0), 4.5);
  EXPECT_EQ(quantile(make(DistributionKind::normal, 3, 0), 0), 3.0);
  EXPECT_EQ(quantile(make(DistributionKind::lognormal, 1, 0), 0), std::exp(1.0));
  EXPECT_EQ(quantile(make(DistributionKind::uniform, 2, 2), 0.3), 2.0);
  EXPECT_EQ(quantile(make(DistributionKind::triangular, 2, 2, 2), 0.3), 2.0);
  EXPECT_TRUE(std::isnan(
      quantile(make(DistributionKind::normal, 0, 1), std::numeric_limits<double>::quiet_NaN())));
}

TEST(Quantile, IsIncreasingInU) {
  const std::vector<Distribution> ds{
      make(DistributionKind::normal, 0, 1), make(DistributionKind::lognormal, 0, 2),
      make(DistributionKind::uniform, -1, 1), make(DistributionKind::triangular, 0, 0.2, 1),
      make(DistributionKind::beta, 0.5, 0.5)};
  for (const Distribution& d : ds) {
    double previous = quantile(d, 0);
    for (int i = 1; i <= 1000; ++i) {
      const double x = quantile(d, i / 1000.0);
      EXPECT_GE(x, previous) << d.to_yaml() << " u=" << i / 1000.0;
      previous = x;
    }
  }
}

}  // namespace
}  // namespace cxsim
