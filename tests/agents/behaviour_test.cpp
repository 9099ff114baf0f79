// Pins each behaviour rule of MODEL.md s.2 to its formula.
#include "agents/behaviour.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cxsim::rules {
namespace {

const SatisfactionWeights kWeights{0.3, 0.3, 0.8, 2.0, 6.0};

TEST(Behaviour, PriceGapIsRelativeToReference) {
  EXPECT_DOUBLE_EQ(price_gap(55.0, 50.0), 0.1);
  EXPECT_DOUBLE_EQ(price_gap(45.0, 50.0), -0.1);
  EXPECT_DOUBLE_EQ(price_gap(45.0, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(updated_reference(50.0, 60.0, 0.1), 51.0);
}

TEST(Behaviour, SatisfactionFollowsAsymmetricDisconfirmation) {
  // D = +1: z = 8 + 0.3; S = 0.7*6 + 0.3*8.3
  EXPECT_NEAR(updated_satisfaction(6.0, 8.0, 7.0, 0.0, kWeights), 0.7 * 6 + 0.3 * 8.3, 1e-12);
  // D = -1: z = 6 - 0.8
  EXPECT_NEAR(updated_satisfaction(6.0, 6.0, 7.0, 0.0, kWeights), 0.7 * 6 + 0.3 * 5.2, 1e-12);
  // Price +10%: z = P - 6*0.1; price -10%: z = P + 2*0.1
  EXPECT_NEAR(updated_satisfaction(7.0, 7.0, 7.0, 0.1, kWeights), 0.7 * 7 + 0.3 * 6.4, 1e-12);
  EXPECT_NEAR(updated_satisfaction(7.0, 7.0, 7.0, -0.1, kWeights), 0.7 * 7 + 0.3 * 7.2, 1e-12);
}

TEST(Behaviour, LossesWeighMoreThanGains) {
  const double s0 = 7.0;
  const double up = updated_satisfaction(s0, 8.0, 7.0, 0.0, kWeights) - s0;
  const double down = s0 - updated_satisfaction(s0, 6.0, 7.0, 0.0, kWeights);
  EXPECT_GT(down, up);
  // Negative control: with equal weights the change is symmetric.
  const SatisfactionWeights equal{0.3, 0.5, 0.5, 2.0, 2.0};
  EXPECT_NEAR(updated_satisfaction(s0, 8.0, 7.0, 0.0, equal) - s0,
              s0 - updated_satisfaction(s0, 6.0, 7.0, 0.0, equal), 1e-12);
}

TEST(Behaviour, SatisfactionAndExpectationAreClampedToScale) {
  EXPECT_EQ(updated_satisfaction(10.0, 20.0, 5.0, 0.0, {1.0, 0.3, 0.8, 2, 6}), 10.0);
  EXPECT_EQ(updated_satisfaction(0.0, -5.0, 5.0, 0.0, {1.0, 0.3, 0.8, 2, 6}), 0.0);
  EXPECT_NEAR(updated_expectation(7.0, 8.0, 0.1, 1.2), 0.9 * 7 + 0.8 + 0.1, 1e-12);
  EXPECT_EQ(updated_expectation(10.0, 12.0, 0.5, 12.0), 10.0);
}

TEST(Behaviour, NpsClassesUseRoundedAnswer) {
  EXPECT_TRUE(is_promoter(8.5));
  EXPECT_FALSE(is_promoter(8.4999));
  EXPECT_TRUE(is_detractor(6.4999));
  EXPECT_FALSE(is_detractor(6.5));
}

TEST(Behaviour, ChurnHazardIsBaselineAtReference) {
  EXPECT_NEAR(churn_hazard(0.015, 0.0), 0.015, 1e-15);
  EXPECT_EQ(churn_hazard(0.0, 5.0), 0.0);  // h0 = 0 never churns
  const double h = churn_hazard(0.02, 0.45);
  EXPECT_NEAR(std::log(h / (1 - h)), std::log(0.02 / 0.98) + 0.45, 1e-12);
}

TEST(Behaviour, AdoptionIsNetworkBass) {
  // No messages: p.
  EXPECT_NEAR(adoption_probability(0.01, 0.4, 10, 0, 0.0, 0), 0.01, 1e-15);
  // All k neighbours recommend: 1 - (1-p)(1-q/k)^k.
  EXPECT_NEAR(adoption_probability(0.01, 0.4, 10, 10, 0.0, 0), 1 - 0.99 * std::pow(1 - 0.04, 10),
              1e-15);
  // Deterrence multiplies by (1 - nu)^m.
  EXPECT_NEAR(adoption_probability(0.01, 0.4, 10, 0, 0.1, 2), 0.01 * 0.81, 1e-15);
  // Degree 0 counts as 1.
  EXPECT_NEAR(adoption_probability(0.0, 0.5, 0, 1, 0.0, 0), 0.5, 1e-15);
}

// The kernel's form (the logs computed once per segment and degree) gives the same bits as the
// direct one, q / k at or above 1 (imitation certain) and no messages included.
TEST(Behaviour, AdoptionFromLogsIsBitIdentical) {
  const double ps[] = {0.0, 0.002, 0.3};
  const double qs[] = {0.0, 0.04, 0.4, 3.0, 25.0};
  const double nus[] = {0.0, 0.1, 1.0, 1.5};
  const double degrees[] = {0, 1, 2, 7, 10, 63, 64, 1e6 - 1};
  const std::uint32_t counts[] = {0, 1, 2, 9, 500000};
  int compared = 0;
  for (double p : ps) {
    for (double q : qs) {
      for (double nu : nus) {
        for (double k : degrees) {
          const double log_q = log_survive(q / std::max(k, 1.0));
          for (std::uint32_t positive : counts) {
            for (std::uint32_t negative : counts) {
              const double direct = adoption_probability(p, q, k, positive, nu, negative);
              const double cached =
                  adoption_probability_from_logs(p, log_q, positive, log_survive(nu), negative);
              ASSERT_EQ(std::memcmp(&direct, &cached, sizeof direct), 0)
                  << p << " " << q << " " << nu << " " << k << " " << positive << " " << negative
                  << ": " << direct << " against " << cached;
              ++compared;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 3 * 5 * 4 * 8 * 5 * 5);
  // Negative control: a log off by a relative 1e-12 (log1p of a rounded 1 - x, say) shows.
  const double log_q = log_survive(0.04);
  EXPECT_NE(adoption_probability_from_logs(0.01, log_q * (1 + 1e-12), 9, 0.0, 0),
            adoption_probability(0.01, 0.4, 10, 9, 0.0, 0));
}

TEST(Behaviour, AdoptionKeepsPrecisionAtMillionNeighbours) {
  const double k = 1e6 - 1;
  const double p = adoption_probability(0.0, 0.38 / 12, k, 500000, 0.0, 0);
  const double exact = 1 - std::exp(500000 * std::log1p(-0.38 / 12 / k));
  EXPECT_NEAR(p, exact, 1e-9 * exact);
  // Negative control: the same formula in float is far off (why MODEL.md asks for double).
  const float qf = 0.38f / 12 / static_cast<float>(k);
  const float in_float = 1 - std::pow(1 - qf, 500000.0f);
  EXPECT_GT(std::abs(in_float - exact), 1e-3 * exact);
}

TEST(Behaviour, LifetimeValueIsMarginOverDiscountPlusHazard) {
  // m / (1 + d - r) with r = 1 - h
  EXPECT_NEAR(lifetime_value(30.0, 0.01, 0.02), 30.0 / (1 + 0.01 - 0.98), 1e-9);
}

}  // namespace
}  // namespace cxsim::rules
