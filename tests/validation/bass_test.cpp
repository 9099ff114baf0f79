// MODEL.md s.7, Bass: mean-field diffusion on a complete graph against the recursion and the
// peak time (the Sultan-Farley-Lehmann pair and the networks are in tests/validation_slow).
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationBass, MeanFieldFastPairFollowsTheRecursion) {
  expect_case(bass_mean_field(test_options(), "bass_complete_fast.yaml"));
}

}  // namespace
}  // namespace cxsim::validation
