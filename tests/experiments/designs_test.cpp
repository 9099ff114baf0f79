// Grid and list order, Latin hypercube strata, the shifted Sobol sequence against Boost's, the
// Saltelli block layout and the Morris trajectories.
#include "experiments/designs.hpp"

#include <gtest/gtest.h>

#include <boost/random/sobol.hpp>
#include <cmath>
#include <set>
#include <stdexcept>

namespace cxsim {
namespace {

// The 32-bit word behind a (word + 0.5) / 2^32 coordinate.
std::uint32_t word_of(double value) {
  return static_cast<std::uint32_t>(std::llround(value * 0x1p32 - 0.5));
}

TEST(GridDesign, LastFactorVariesFastest) {
  const Design d = grid_design({{1, 2}, {10, 20, 30}});
  ASSERT_EQ(d.points, 6);
  ASSERT_EQ(d.factors, 2);
  const std::vector<double> expected{1, 10, 1, 20, 1, 30, 2, 10, 2, 20, 2, 30};
  EXPECT_EQ(d.values, expected);
}

TEST(GridDesign, ThreeFactorsCountLikeDigits) {
  const Design d = grid_design({{0, 1}, {0, 1}, {0, 1, 2}});
  ASSERT_EQ(d.points, 12);
  for (int p = 0; p < d.points; ++p) {
    EXPECT_EQ(d.at(p, 0) * 6 + d.at(p, 1) * 3 + d.at(p, 2), p);
  }
}

TEST(GridDesign, RejectsNoFactorAndAFactorWithoutValues) {
  EXPECT_THROW(grid_design({}), std::invalid_argument);
  EXPECT_THROW(grid_design({{1, 2}, {}}), std::invalid_argument);
}

TEST(ListDesign, PointIIsTheIthValueOfEachFactor) {
  const Design d = list_design({{1, 2, 3}, {10, 20, 30}});
  ASSERT_EQ(d.points, 3);
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(d.at(p, 0), p + 1);
    EXPECT_EQ(d.at(p, 1), 10 * (p + 1));
  }
}

TEST(ListDesign, RejectsListsOfDifferentLengths) {
  EXPECT_THROW(list_design({{1, 2, 3}, {10, 20}}), std::invalid_argument);
  EXPECT_THROW(list_design({}), std::invalid_argument);
}

TEST(LatinHypercube, EachStratumHoldsExactlyOnePointPerFactor) {
  const int n = 97, k = 5;
  const Design d = lhs_design(n, k, 42);
  ASSERT_EQ(d.points, n);
  ASSERT_EQ(d.factors, k);
  for (int f = 0; f < k; ++f) {
    std::vector<int> count(n, 0);
    for (int p = 0; p < n; ++p) {
      const double v = d.at(p, f);
      ASSERT_GE(v, 0.0);
      ASSERT_LT(v, 1.0);
      ++count[static_cast<int>(std::floor(v * n))];
    }
    for (int s = 0; s < n; ++s) EXPECT_EQ(count[s], 1) << "factor " << f << " stratum " << s;
  }
}

TEST(LatinHypercube, FactorsArePermutedIndependentlyAndDependOnlyOnTheSeed) {
  const Design a = lhs_design(64, 3, 7);
  EXPECT_EQ(a.values, lhs_design(64, 3, 7).values);
  EXPECT_NE(a.values, lhs_design(64, 3, 8).values);
  // Strata orders differ between factors (identical orders would make the columns collinear).
  int same = 0;
  for (int p = 0; p < 64; ++p) same += std::floor(a.at(p, 0) * 64) == std::floor(a.at(p, 1) * 64);
  EXPECT_LT(same, 8);
  // A factor's column does not depend on how many factors follow it.
  const Design wider = lhs_design(64, 5, 7);
  for (int p = 0; p < 64; ++p) EXPECT_EQ(wider.at(p, 2), a.at(p, 2));
}

TEST(SobolSequence, ZeroShiftIsBoostsSequence) {
  const int n = 300, dims = 7;
  const Design d = sobol_sequence_with_shift(n, dims, std::vector<std::uint32_t>(dims, 0));
  boost::random::sobol engine(dims);
  for (int p = 0; p < n; ++p) {
    for (int f = 0; f < dims; ++f) {
      const auto expected = static_cast<std::uint32_t>(engine() >> 32);
      ASSERT_EQ(word_of(d.at(p, f)), expected) << "point " << p << " dim " << f;
      ASSERT_EQ(d.at(p, f), (expected + 0.5) * 0x1p-32);
    }
  }
  // Boost skips the origin: the first point is (1/2, ..., 1/2), then (3/4, 1/4, ...).
  EXPECT_EQ(word_of(d.at(0, 0)), 0x80000000u);
  EXPECT_EQ(word_of(d.at(0, 1)), 0x80000000u);
  EXPECT_EQ(word_of(d.at(1, 0)), 0xC0000000u);
  EXPECT_EQ(word_of(d.at(1, 1)), 0x40000000u);
}

TEST(SobolSequence, OriginIsNotAPoint) {
  const int n = 4096, dims = 4;
  const Design d = sobol_sequence_with_shift(n, dims, std::vector<std::uint32_t>(dims, 0));
  for (int p = 0; p < n; ++p) {
    bool origin = true;
    for (int f = 0; f < dims; ++f) origin = origin && word_of(d.at(p, f)) == 0;
    EXPECT_FALSE(origin) << "point " << p;
  }
}

TEST(SobolSequence, ShiftIsOneWordPerDimensionXoredIn) {
  const int n = 128, dims = 6;
  const Design raw = sobol_sequence_with_shift(n, dims, std::vector<std::uint32_t>(dims, 0));
  const Design shifted = sobol_sequence(n, dims, 11);
  for (int f = 0; f < dims; ++f) {
    const std::uint32_t shift = word_of(raw.at(0, f)) ^ word_of(shifted.at(0, f));
    for (int p = 0; p < n; ++p) {
      ASSERT_EQ(word_of(raw.at(p, f)) ^ shift, word_of(shifted.at(p, f)));
    }
  }
}

TEST(SobolSequence, SeedsDifferAndEachSeedIsReproducible) {
  const Design a = sobol_sequence(64, 4, 1);
  EXPECT_EQ(a.values, sobol_sequence(64, 4, 1).values);
  EXPECT_NE(a.values, sobol_sequence(64, 4, 2).values);
  for (double v : a.values) {
    EXPECT_GT(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
}

TEST(SobolSequence, ShiftedPointsStillFillEveryOneDimensionalStratum) {
  // In one dimension the first 2^m points of the sequence with the origin are one point per
  // interval of width 2^-m; a digital shift permutes those intervals. Boost replaces the origin
  // by point 2^m, so at most two of the 2^m intervals can differ from one point each.
  const int n = 1024;
  const Design d = sobol_sequence(n, 3, 5);
  for (int f = 0; f < 3; ++f) {
    std::vector<int> count(n, 0);
    for (int p = 0; p < n; ++p) ++count[static_cast<int>(d.at(p, f) * n)];
    int off = 0;
    for (int c : count) off += c != 1;
    EXPECT_LE(off, 2) << "dim " << f;
  }
}

TEST(SaltelliDesign, BlocksAreABThenEachABi) {
  const int n = 16, k = 3;
  const Design d = saltelli_design(n, k, 3);
  ASSERT_EQ(d.points, n * (k + 2));
  ASSERT_EQ(d.factors, k);
  const Design base = sobol_sequence(n, 2 * k, 3);
  for (int j = 0; j < n; ++j) {
    for (int f = 0; f < k; ++f) {
      const double a = base.at(j, f), b = base.at(j, k + f);
      EXPECT_EQ(d.at(j, f), a);
      EXPECT_EQ(d.at(n + j, f), b);
      for (int i = 0; i < k; ++i) {
        // AB_i equals A except column i, which equals B's.
        EXPECT_EQ(d.at((2 + i) * n + j, f), i == f ? b : a) << "AB_" << i << " row " << j;
      }
    }
  }
}

TEST(SaltelliDesign, RejectsBaseSamplesThatAreNotAPowerOfTwo) {
  EXPECT_THROW(saltelli_design(100, 3, 1), std::invalid_argument);
  EXPECT_THROW(saltelli_design(0, 3, 1), std::invalid_argument);
  EXPECT_THROW(saltelli_design(64, 0, 1), std::invalid_argument);
  EXPECT_NO_THROW(saltelli_design(64, 3, 1));
}

TEST(MorrisDesign, EachStepMovesExactlyOneFactorByDeltaWithinTheGrid) {
  const int r = 40, p = 6, k = 5;
  const MorrisDesign m = morris_design(r, p, k, 9);
  ASSERT_EQ(m.points.points, r * (k + 1));
  ASSERT_EQ(m.points.factors, k);
  EXPECT_DOUBLE_EQ(m.delta, 6.0 / 10.0);
  int ups = 0;
  for (int t = 0; t < r; ++t) {
    std::set<int> moved;
    for (int j = 0; j < k; ++j) {
      const int s = t * k + j;
      const int before = t * (k + 1) + j, after = before + 1;
      const int f = m.moved[s];
      moved.insert(f);
      ASSERT_TRUE(m.step[s] == m.delta || m.step[s] == -m.delta);
      ups += m.step[s] > 0;
      for (int g = 0; g < k; ++g) {
        const double change = m.points.at(after, g) - m.points.at(before, g);
        if (g == f) {
          EXPECT_NEAR(change, m.step[s], 1e-15);
        } else {
          EXPECT_EQ(change, 0.0);
        }
      }
    }
    EXPECT_EQ(moved.size(), static_cast<std::size_t>(k)) << "each factor moves once";
  }
  for (double v : m.points.values) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
    // On the grid {0, 1/(p-1), ..., 1}.
    EXPECT_NEAR(v * (p - 1), std::round(v * (p - 1)), 1e-12);
  }
  // Up and down steps both occur (the sign follows the random base level).
  EXPECT_GT(ups, 0);
  EXPECT_LT(ups, r * k);
}

TEST(MorrisDesign, DependsOnlyOnTheSeed) {
  const MorrisDesign a = morris_design(10, 4, 3, 1);
  const MorrisDesign b = morris_design(10, 4, 3, 1);
  EXPECT_EQ(a.points.values, b.points.values);
  EXPECT_EQ(a.moved, b.moved);
  EXPECT_EQ(a.step, b.step);
  EXPECT_NE(a.points.values, morris_design(10, 4, 3, 2).points.values);
}

TEST(MorrisDesign, RejectsOddLevelsAndEmptyDesigns) {
  EXPECT_THROW(morris_design(10, 5, 3, 1), std::invalid_argument);
  EXPECT_THROW(morris_design(0, 4, 3, 1), std::invalid_argument);
  EXPECT_THROW(morris_design(10, 4, 0, 1), std::invalid_argument);
}

}  // namespace
}  // namespace cxsim
