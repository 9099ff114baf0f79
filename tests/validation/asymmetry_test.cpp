// MODEL.md s.7, Asymmetry and Price: losses weigh more than equal gains, in experience and in
// price.
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationAsymmetry, SatisfactionFallsMoreThanItRises) {
  expect_case(satisfaction_asymmetry(test_options()));
}

TEST(ValidationAsymmetry, ChurnMovesMoreForAPriceRiseThanForACut) {
  expect_case(price_loss_aversion(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
