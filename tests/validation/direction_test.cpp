// Direction tests: with negative word of mouth, NPV falls as failures rise, and fewer failures
// never lose customers (Goldenberg et al. 2007).
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationDirection, NpvFallsAsFailuresRiseAndFewerFailuresKeepCustomers) {
  expect_case(failure_direction(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
