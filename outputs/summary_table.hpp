// The terminal summary of a run, shown after `cxsim run` and by `cxsim summary FILE`: the value
// of each roadmap against the baseline (cash against terminal value, paired intervals, P(best)),
// payback counting "never", the best roadmap head to head with the runner-up, and whether the
// answer survives the other terminal-value choices. Every line fits kSummaryWidth characters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/metrics.hpp"

namespace cxsim {

struct ResultsSummary;

inline constexpr std::size_t kSummaryWidth = 100;

struct SummaryTable {
  std::vector<std::string> roadmaps;
  int baseline = 0;  // index into roadmaps
  // values[roadmap][SummaryMetric]: one value per replication shown, in replication order.
  SummaryColumns values;
  std::int64_t replications_planned = 0;  // the run's count; more than shown when incomplete
  std::string currency;                   // "" when the scenario named none
  std::string terminal_value;             // the run's choice; "" for format 1.0 files
};

// The written replications of a results file (all of them when the file is complete).
SummaryTable make_summary_table(const ResultsSummary& results);

// The whole summary as text ending in a newline.
std::string format_summary_table(const SummaryTable& t);

// Roadmap a against roadmap b, paired replication by replication: NPV and its cash and
// terminal parts, and NPV under every terminal-value choice (`cxsim summary FILE --compare A B`).
std::string format_comparison(const SummaryTable& t, int a, int b);

// 3 significant digits with a k/M/B/T suffix: 12.3M, 450k, -1.20B, 0.5; "-" for NaN.
std::string format_amount(double x);

// Lines longer than `width` broken at spaces (continuations indented), so that no line is wider.
std::string fit_to_width(const std::string& text, std::size_t width);

}  // namespace cxsim
