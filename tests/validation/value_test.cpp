// MODEL.md s.7, CLV and LTV: horizon-free NPV with terminal equity, the margin multiple against
// Gupta & Lehmann's table, and the lifetime margin of a transactional customer.
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationValue, ClvIsHorizonFree) {
  expect_case(clv(test_options()));
}

TEST(ValidationValue, MarginMultipleMatchesGuptaLehmannAtMonthlyRates) {
  expect_case(clv_gupta_lehmann(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
