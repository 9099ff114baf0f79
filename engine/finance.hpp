// Value and returns (MODEL.md s.3): cash flow, discounting, return on customer, NPV split into
// cash and terminal value (under every terminal-value choice), and the paired comparison
// against the baseline.
#pragma once

#include <vector>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"

namespace cxsim {

// What values a run after its horizon.
struct TerminalInputs {
  TerminalValue choice = TerminalValue::customer_equity_net;
  // O_T: sum of sustaining_opex_per_month over the roadmap's initiatives in force at T (money).
  double sustaining_opex_per_month = 0.0;
};

// Fills net_cash_flow, discounted_cash_flow and return_on_customer from the money lines, and
// the run's own summary metrics (everything but the comparisons with the baseline).
// `initial_equity` is CE_0 in money.
void settle_finances(RoadmapRun& run, double monthly_discount, double initial_equity,
                     const TerminalInputs& terminal);

// Against runs[baseline], paired within one replication: delta_npv (and its cash and terminal
// parts, and under every terminal choice), roi, payback_month, paid_back, beats_baseline; and
// is_best under every choice.
void compare_with_baseline(std::vector<RoadmapRun>& runs, int baseline, double monthly_discount);

// avoidable_cost_{cash,terminal,total} = NPV(zero-defect counterfactual) - NPV(roadmap), by
// part; NaN without it.
void set_avoidable_costs(std::vector<RoadmapRun>& runs, const std::vector<RoadmapRun>& zero_defect);

// The /summary_by_touchpoint values of one replication, [TouchpointSummaryMetric][roadmap]
// [touchpoint] flattened: each roadmap against its twin with only that touchpoint's failures
// removed (ReplicationResult::touchpoint_twins); empty without twins.
std::vector<double> touchpoint_summary_values(const ReplicationResult& result);

// is_best of one replication's npv values: 1/k for the k roadmaps tied at the highest non-NaN
// value, 0 for the others, NaN where the value is NaN.
std::vector<double> best_shares(const std::vector<double>& npv);

}  // namespace cxsim
