// MODEL.md s.7, Bass on networks: ring, small world and random curves against the complete
// graph (Fibich & Gibori 2010). Slow: four networks, sixty months each.
#include <gtest/gtest.h>

#include "expect_case.hpp"

namespace cxsim::validation {
namespace {

TEST(ValidationBass, NetworksLieBetweenRingAndCompleteGraph) {
  expect_case(bass_networks(test_options()));
}

}  // namespace
}  // namespace cxsim::validation
