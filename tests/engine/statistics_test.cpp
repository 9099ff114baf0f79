// summarize() against numpy 1.24 (mean, std(ddof=1), std/sqrt(n), percentile default method).
#include "engine/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace cxsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Percentiles are reproduced bit for bit; sums may differ from numpy's pairwise summation in
// the last bits, so mean, sd and se are compared relatively.
void expect_close(double got, double want) {
  EXPECT_NEAR(got, want, 1e-13 * std::max(1.0, std::abs(want))) << "want " << want;
}

void expect_matches(const SummaryStatistics& s, const std::array<double, 7>& numpy) {
  expect_close(s.mean, numpy[0]);
  expect_close(s.sd, numpy[1]);
  expect_close(s.se, numpy[2]);
  EXPECT_DOUBLE_EQ(s.p05, numpy[3]);
  EXPECT_DOUBLE_EQ(s.p50, numpy[4]);
  EXPECT_DOUBLE_EQ(s.p95, numpy[5]);
  EXPECT_EQ(s.n, numpy[6]);
}

TEST(Summarize, SmallSample) {
  const std::vector<double> v{3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0};
  expect_matches(summarize(v),
                 {3.875, 2.748376143938713, 0.9716977043151993, 1.0, 3.5, 7.949999999999998, 8.0});
}

TEST(Summarize, ExcludesNaN) {
  const std::vector<double> v{2.5, kNaN, -1.25, 7.0, kNaN, 0.5, 10.0};
  expect_matches(summarize(v), {3.75, 4.656984002549289, 2.082666559965853, -0.8999999999999999,
                                2.5, 9.399999999999999, 5.0});
}

TEST(Summarize, Ramp) {
  std::vector<double> v;
  for (int i = 0; i < 21; ++i) v.push_back(i * 1.5 - 4);
  expect_matches(summarize(v), {11.0, 9.307255234493143, 2.03100960115899, -2.5, 11.0, 24.5, 21.0});
}

TEST(Summarize, IrregularMagnitudes) {
  const std::vector<double> v{1234567.8, -98765.4, 5555.5, 0.001, 3.14159, 271828.18,
                              -42.0,     1e6,      7.77,   123.0, -0.5};
  expect_matches(summarize(v), {219388.86296272732, 455893.352869615, 137457.01780778248, -49403.7,
                                7.77, 1117283.9, 11.0});
}

TEST(Summarize, SingleValueHasNoSpread) {
  const std::vector<double> v{42.0, kNaN};
  const auto s = summarize(v);
  EXPECT_EQ(s.mean, 42.0);
  EXPECT_TRUE(std::isnan(s.sd));
  EXPECT_TRUE(std::isnan(s.se));
  EXPECT_EQ(s.p05, 42.0);
  EXPECT_EQ(s.p50, 42.0);
  EXPECT_EQ(s.p95, 42.0);
  EXPECT_EQ(s.n, 1.0);
}

TEST(Summarize, AllNaNGivesNaNAndZeroCount) {
  const std::vector<double> v{kNaN, kNaN};
  const auto s = summarize(v);
  for (double x : {s.mean, s.sd, s.se, s.p05, s.p50, s.p95}) EXPECT_TRUE(std::isnan(x));
  EXPECT_EQ(s.n, 0.0);
  EXPECT_EQ(summarize({}).n, 0.0);
}

TEST(Summarize, ArrayOrderMatchesNames) {
  const SummaryStatistics s{1, 2, 3, 4, 5, 6, 7};
  const auto a = as_array(s);
  EXPECT_EQ(kStatisticNames[0], "mean");
  EXPECT_EQ(kStatisticNames[6], "n");
  for (int i = 0; i < kStatistics; ++i) EXPECT_EQ(a[i], i + 1.0);
}

}  // namespace
}  // namespace cxsim
