// MODEL.md s.7, LTV: a transactional customer buying once a month at a margin of 100 with
// h = 1/120 and no discount is worth 12000 over its lifetime.
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationValue, TransactionalLifetimeMarginIs12000) {
  expect_case(ltv_transactional(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
