// MODEL.md s.7, Bass (slow: 150 months): the Sultan-Farley-Lehmann average p and q (converted to
// months) on a complete graph against the mean-field recursion and ln(q/p)/(p+q).
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationBass, MeanFieldSultanFarleyLehmannFollowsTheRecursion) {
  expect_case(bass_mean_field(test_options(), "bass_complete_sfl.yaml"));
}

}  // namespace
}  // namespace cxsim::validation
