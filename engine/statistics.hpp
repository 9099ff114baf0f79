// Summary statistics of one metric over replications (RESULTS.md: mean, sd, se, p05, p50, p95, n).
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace cxsim {

struct SummaryStatistics {
  double mean;
  double sd;   // ddof 1; NaN when n < 2
  double se;   // sd / sqrt(n)
  double p05;  // percentiles by linear interpolation (numpy's default method)
  double p50;
  double p95;
  double n;  // count of non-NaN values used
};

inline constexpr int kStatistics = 7;

// The statistic coordinate of /statistics, in file order (matches as_array()).
inline constexpr std::array<std::string_view, kStatistics> kStatisticNames{
    "mean", "sd", "se", "p05", "p50", "p95", "n"};

// The statistics in kStatisticNames order.
std::array<double, kStatistics> as_array(const SummaryStatistics& s);

// NaN values are excluded; with no values every statistic is NaN and n is 0.
SummaryStatistics summarize(std::span<const double> values);

// The p-th percentile (0..100) of values already sorted ascending and free of NaN, computed as
// numpy.percentile does by default; NaN when values is empty.
double percentile_sorted(std::span<const double> sorted, double p);

}  // namespace cxsim
