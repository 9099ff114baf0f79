// What the summary says about a decision (MODEL.md s.3), computed from per-replication summary
// metrics: paired comparisons of two roadmaps, payback counting "never", and whether the ranking
// of roadmaps survives the other terminal-value choices. Shared by the results writer (the
// /robustness group) and the terminal table, so both say the same thing.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"

namespace cxsim {

// A minus B, replication by replication (common random numbers: same draws in both).
struct PairedDifference {
  double mean = 0, se = 0;
  double ci_lo = 0, ci_hi = 0;  // 90% confidence interval of the mean (Student t)
  double p05 = 0, p95 = 0;      // 5th and 95th percentiles of the differences
  double p_greater = 0;         // share of replications with A > B (ties count half)
  double n = 0;                 // replications where both are numbers
};
PairedDifference paired_difference(std::span<const double> a, std::span<const double> b);

// Payback as MODEL.md s.3 states it: the share of replications that pay back within the
// horizon, and a median that counts "never" as later than every month.
struct PaybackSummary {
  double share_paid_back = 0;  // NaN without values
  double median_month = 0;     // ceil(n/2)-th smallest; +inf reads "never"; NaN without values
};
PaybackSummary payback_summary(std::span<const double> payback_months);

// The roadmaps ranked under each terminal-value choice (kTerminalValues order).
struct TerminalRobustness {
  int chosen = 0;  // index into kTerminalValues: the scenario's terminal_value
  // [choice][roadmap]
  std::array<std::vector<double>, 3> mean_delta_npv, p_best, rank;  // rank 1 = highest mean
  std::array<int, 3> best{};      // roadmap with the highest mean npv under each choice
  std::array<int, 3> reranked{};  // roadmaps whose rank differs from the chosen ranking
  bool available = false;         // false for files without the per-choice metrics
  bool best_stays_best() const;   // the chosen best is best under every choice
};
TerminalRobustness terminal_robustness(const SummaryColumns& values, TerminalValue chosen);

// Index into kTerminalValues of a choice.
int terminal_index(TerminalValue choice);

}  // namespace cxsim
