// MODEL.md s.7, Heterogeneity: per-agent beta churn gives shifted-beta-geometric survival.
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationHeterogeneity, SurvivalIsShiftedBetaGeometric) {
  expect_case(heterogeneity_sbg(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
