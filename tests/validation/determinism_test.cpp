// MODEL.md s.7, CRN and Threads: identical roadmaps have exactly zero delta, and results are
// bit-identical at any thread count.
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationDeterminism, IdenticalRoadmapHasExactlyZeroDelta) {
  expect_case(crn_identical_roadmap(test_options()));
}

TEST(ValidationDeterminism, BitIdenticalAtOneTwoAndFourThreads) {
  expect_case(thread_independence(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
