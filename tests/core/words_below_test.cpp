// Stream::words_below(p) turns "to_uniform(word) < p" into one integer comparison; the two must
// agree for every word and every probability, or results would move.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/core/rng.hpp"

namespace cxsim {
namespace {

bool below_by_uniform(std::uint32_t word, double p) {
  return Stream::to_uniform(word) < p;
}
bool below_by_words(std::uint32_t word, double p) {
  return word < Stream::words_below(p);
}

// Probabilities where the comparison is hardest: on and next to the uniforms words map to, tiny
// and huge ones, the ends and beyond, and ones a scenario would use.
std::vector<double> probabilities() {
  std::vector<double> ps = {0.0,
                            -0.0,
                            -1.0,
                            1.0,
                            1.5,
                            1e300,
                            1e-300,
                            5e-324,
                            0x1p-33,
                            0x1p-32,
                            0.5,
                            0.02,
                            0.08,
                            0.2,
                            0.999999999,
                            std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity()};
  for (std::uint32_t w : {0u, 1u, 2u, 1000u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu}) {
    const double u = Stream::to_uniform(w);
    ps.push_back(u);
    ps.push_back(std::nextafter(u, 0.0));
    ps.push_back(std::nextafter(u, 2.0));
  }
  Stream stream(7, 1, 2, 3, Purpose::churn);
  for (int k = 0; k < 2000; ++k) ps.push_back(stream.uniform());
  return ps;
}

TEST(WordsBelow, AgreesWithToUniformForEveryProbability) {
  for (const double p : probabilities()) {
    const std::uint64_t bound = Stream::words_below(p);
    ASSERT_LE(bound, std::uint64_t{1} << 32) << p;
    // Words on both sides of the bound, and the extremes.
    std::vector<std::uint32_t> words = {0u, 1u, 0x80000000u, 0xfffffffeu, 0xffffffffu};
    for (std::int64_t d = -3; d <= 3; ++d) {
      const std::int64_t w = static_cast<std::int64_t>(bound) + d;
      if (w >= 0 && w <= 0xffffffffll) words.push_back(static_cast<std::uint32_t>(w));
    }
    for (const std::uint32_t w : words) {
      ASSERT_EQ(below_by_words(w, p), below_by_uniform(w, p)) << "p " << p << " word " << w;
    }
  }
}

TEST(WordsBelow, AgreesOverManyRandomWords) {
  Stream words(11, 0, 0, 0, Purpose::contacts);
  for (const double p : {0.02, 0.06, 0.3, 0.85}) {
    std::uint64_t agree = 0;
    for (int k = 0; k < 200000; ++k) {
      const std::uint32_t w = words();
      agree += below_by_words(w, p) == below_by_uniform(w, p) ? 1 : 0;
    }
    EXPECT_EQ(agree, 200000u) << p;
  }
}

// Negative control: a bound one too high or too low disagrees with to_uniform at the boundary,
// so the tests above would see an off-by-one.
TEST(WordsBelow, AnOffByOneBoundIsCaught) {
  for (const double p : {0.02, 0.3, Stream::to_uniform(12345)}) {
    const std::uint64_t bound = Stream::words_below(p);
    ASSERT_GT(bound, 0u);
    const auto last_below = static_cast<std::uint32_t>(bound - 1);
    const auto first_not = static_cast<std::uint32_t>(bound);
    EXPECT_TRUE(below_by_uniform(last_below, p)) << p;
    EXPECT_FALSE(below_by_uniform(first_not, p)) << p;
    EXPECT_NE(first_not < bound + 1, below_by_uniform(first_not, p)) << p;    // bound + 1: wrong
    EXPECT_NE(last_below < bound - 1, below_by_uniform(last_below, p)) << p;  // bound - 1: wrong
  }
}

}  // namespace
}  // namespace cxsim
