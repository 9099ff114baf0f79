// PoissonDraw::from_word gives Boost's Poisson draw for the word Boost would read: the month
// kernel feeds it words computed in batches, so any difference would move results.
#include <gtest/gtest.h>

#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/month_parameters.hpp"

namespace cxsim {
namespace {

// A 32-bit engine that yields one given word, so Boost draws from exactly that word.
struct OneWord {
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xffffffffu; }
  result_type word;
  result_type operator()() const { return word; }
};

std::uint32_t boost_draw(double mean, std::uint32_t word) {
  OneWord engine{word};
  return static_cast<std::uint32_t>(boost::random::poisson_distribution<int, double>(mean)(engine));
}

// The last word that draws 0: word 2^-32 <= exp(-mean).
std::uint32_t last_zero_word(double mean) {
  return static_cast<std::uint32_t>(std::floor(std::exp(-mean) * 0x1p32));
}

TEST(PoissonDraw, FromWordIsBoostsInversionForEveryMeanBelowTen) {
  Stream random_words(3, 1, 4, 1, Purpose::contacts);
  for (const double mean : {1e-9, 1e-4, 0.05, 0.25, 0.4, 1.0, 3.7, 9.99}) {
    const PoissonDraw draw(mean);
    ASSERT_TRUE(draw.one_word()) << mean;
    std::vector<std::uint32_t> words = {0u, 1u, 0x80000000u, 0xfffffffeu, 0xffffffffu};
    const std::uint32_t edge = last_zero_word(mean);
    for (std::int64_t d = -2; d <= 2; ++d) {
      const std::int64_t w = static_cast<std::int64_t>(edge) + d;
      if (w >= 0 && w <= 0xffffffffll) words.push_back(static_cast<std::uint32_t>(w));
    }
    for (int k = 0; k < 20000; ++k) words.push_back(random_words());
    for (const std::uint32_t w : words) {
      ASSERT_EQ(draw.from_word(w), boost_draw(mean, w)) << "mean " << mean << " word " << w;
    }
  }
}

TEST(PoissonDraw, MeanZeroDrawsZeroFromEveryWord) {
  const PoissonDraw none(0.0);
  const PoissonDraw unset;
  for (const std::uint32_t w : {0u, 12345u, 0xffffffffu}) {
    EXPECT_EQ(none.from_word(w), 0u);
    EXPECT_EQ(unset.from_word(w), 0u);
  }
}

// Negative control: the boundary is where the words change from 0 to 1, so a bound one off
// would be caught by the boundary words of the first test.
TEST(PoissonDraw, TheZeroBoundaryIsWhereBoostChangesItsDraw) {
  for (const double mean : {0.05, 0.25, 1.0}) {
    const std::uint32_t edge = last_zero_word(mean);
    EXPECT_EQ(boost_draw(mean, edge), 0u) << mean;
    EXPECT_EQ(boost_draw(mean, edge + 1), 1u) << mean;
  }
}

}  // namespace
}  // namespace cxsim
