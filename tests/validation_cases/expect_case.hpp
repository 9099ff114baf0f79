// GoogleTest expectations for a validation case: every claim holds, every negative control is
// rejected, and a failure names the check that broke with its expected value, SE and z.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "validation_cases.hpp"

namespace cxsim::validation {

inline std::string describe(const Claim& claim) {
  const Check& c = claim.worst();
  return claim.name + " [" + c.label + "]: expected " + std::to_string(c.expected) +
         ", simulated " + std::to_string(c.simulated) + ", SE " + std::to_string(c.se) + " (" +
         claim.se_source + "), z " + std::to_string(c.z()) + ", tolerance " + std::to_string(c.k) +
         " SE + " + std::to_string(c.slack) + " (" + to_string(c.sense) + ")";
}

inline void expect_case(const CaseResult& result) {
  ASSERT_FALSE(result.claims.empty()) << result.name;
  bool has_control = false;
  for (const Claim& claim : result.claims) {
    ASSERT_FALSE(claim.checks.empty()) << claim.name;
    if (claim.negative_control) {
      has_control = true;
      EXPECT_FALSE(claim.passed()) << "negative control not rejected: " << describe(claim);
    } else {
      EXPECT_TRUE(claim.passed()) << describe(claim);
    }
  }
  EXPECT_TRUE(has_control) << result.name << " has no negative control";
}

inline Options test_options() {
  Options o;
  o.source_dir = CXSIM_SOURCE_DIR;
  return o;
}

}  // namespace cxsim::validation
