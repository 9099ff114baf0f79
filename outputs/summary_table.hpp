// The terminal summary of a run: one row per roadmap, shown after `cxsim run` and by
// `cxsim summary FILE`.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/metrics.hpp"

namespace cxsim {

struct ResultsSummary;

struct SummaryTable {
  std::vector<std::string> roadmaps;
  int baseline = 0;  // index into roadmaps
  // values[roadmap][SummaryMetric]: one value per replication shown, in replication order, in
  // the scenario's currency (the table does not name it).
  std::vector<std::array<std::vector<double>, kSummaryMetrics>> values;
  std::int64_t replications_planned = 0;  // the run's count; more than shown when incomplete
};

// The written replications of a results file (all of them when the file is complete).
SummaryTable make_summary_table(const ResultsSummary& results);

// Aligned plain-text table ending in a newline: NPV mean and 90% interval, delta NPV vs the
// baseline (mean, 90% interval), probability of beating the baseline, ROI, payback month,
// customer equity and NPS at the horizon, avoidable cost; then a short legend.
std::string format_summary_table(const SummaryTable& t);

// 3 significant digits with a k/M/B/T suffix: 12.3M, 450k, -1.20B, 0.5; "-" for NaN.
std::string format_amount(double x);

}  // namespace cxsim
