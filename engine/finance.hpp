// Value and returns (MODEL.md s.3): cash flow, discounting, return on customer, NPV with
// terminal customer equity, and the paired comparison against the baseline.
#pragma once

#include <vector>

#include "engine/metrics.hpp"

namespace cxsim {

// Fills net_cash_flow, discounted_cash_flow and return_on_customer from the money lines, and
// the run's own summary metrics (everything but the comparisons with the baseline).
// `initial_equity` is CE_0 in money.
void settle_finances(RoadmapRun& run, double monthly_discount, double initial_equity,
                     bool terminal_value);

// delta_npv, roi, payback_month and beats_baseline of every run against runs[baseline], paired
// within one replication.
void compare_with_baseline(std::vector<RoadmapRun>& runs, int baseline, double monthly_discount);

// avoidable_cost_total = NPV(zero-defect counterfactual) - NPV(roadmap); NaN without it.
void set_avoidable_costs(std::vector<RoadmapRun>& runs, const std::vector<RoadmapRun>& zero_defect);

}  // namespace cxsim
