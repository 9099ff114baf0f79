// The branch-free selections are std::max, std::min and std::clamp bit for bit.
#include "engine/core/branchless.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace cxsim {
namespace {

std::uint64_t bits(double x) {
  return std::bit_cast<std::uint64_t>(x);
}

// Every pair from values where the two could differ: signed zeros, NaN (either side), infinities,
// equal values and the smallest and largest magnitudes.
std::vector<double> awkward_values() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return {0.0,
          -0.0,
          std::numeric_limits<double>::quiet_NaN(),
          -std::numeric_limits<double>::quiet_NaN(),
          inf,
          -inf,
          4.9e-324,
          -4.9e-324,
          1.0,
          -1.0,
          10.0,
          1e308,
          -1e308,
          7.25,
          7.25000000000001};
}

TEST(Branchless, MaxAndMinEqualStdMaxAndMinForEveryPair) {
  for (const double a : awkward_values()) {
    for (const double b : awkward_values()) {
      EXPECT_EQ(bits(branchless_max(a, b)), bits(std::max(a, b))) << a << " " << b;
      EXPECT_EQ(bits(branchless_min(a, b)), bits(std::min(a, b))) << a << " " << b;
    }
  }
}

TEST(Branchless, ClampEqualsStdClamp) {
  for (const double x : awkward_values()) {
    EXPECT_EQ(bits(branchless_clamp(x, 0.0, 10.0)), bits(std::clamp(x, 0.0, 10.0))) << x;
    EXPECT_EQ(bits(branchless_clamp(x, -0.0, 0.0)), bits(std::clamp(x, -0.0, 0.0))) << x;
  }
}

// Negative control: std::max and std::min differ from their arguments swapped on exactly these
// values, so the comparisons above would see an operand order the wrong way round.
TEST(Branchless, SwappedArgumentsDifferOnSignedZerosAndNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(bits(branchless_max(0.0, -0.0)), bits(branchless_max(-0.0, 0.0)));
  EXPECT_NE(bits(branchless_max(nan, 1.0)), bits(branchless_max(1.0, nan)));
  EXPECT_NE(bits(branchless_min(0.0, -0.0)), bits(branchless_min(-0.0, 0.0)));
  EXPECT_NE(bits(branchless_min(nan, 1.0)), bits(branchless_min(1.0, nan)));
}

}  // namespace
}  // namespace cxsim
