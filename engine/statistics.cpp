// Summary statistics over replications, reproducing numpy's arithmetic where it matters.
#include "engine/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace cxsim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::array<double, kStatistics> as_array(const SummaryStatistics& s) {
  return {s.mean, s.sd, s.se, s.p05, s.p50, s.p95, s.n};
}

double percentile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return kNaN;
  const auto n = static_cast<double>(sorted.size());
  // numpy: q = p / 100; virtual index = (n - 1) * q; beyond the last index take the maximum.
  const double q = p / 100.0;
  const double virtual_index = (n - 1.0) * q;
  if (virtual_index >= n - 1.0) return sorted.back();
  if (virtual_index < 0.0) return sorted.front();
  const double previous = std::floor(virtual_index);
  const auto i = static_cast<std::size_t>(previous);
  const double a = sorted[i];
  const double b = sorted[i + 1];
  const double t = virtual_index - previous;
  // numpy's _lerp: interpolate from the nearer end so that t = 1 gives b exactly.
  const double diff = b - a;
  if (!std::isfinite(diff)) return a * (1.0 - t) + b * t;  // ends near -+1e308: no overflow
  if (t >= 0.5) return b - diff * (1.0 - t);
  return a + diff * t;
}

SummaryStatistics summarize(std::span<const double> values) {
  std::vector<double> v;
  v.reserve(values.size());
  for (double x : values) {
    if (!std::isnan(x)) v.push_back(x);
  }
  SummaryStatistics s{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, static_cast<double>(v.size())};
  if (v.empty()) return s;
  const double n = s.n;
  // Values so large that sums or squares could overflow are scaled by the largest magnitude
  // first (a finite ratio near 1e300 keeps a finite mean and sd); others are summed as they are.
  double largest = 0.0;
  for (double x : v) largest = std::max(largest, std::fabs(x));
  const double scale = largest > 1e150 && std::isfinite(largest) ? largest : 1.0;
  double sum = 0.0;
  for (double x : v) sum += x / scale;
  const double mean = sum / n;
  s.mean = mean * scale;
  if (v.size() >= 2) {
    double ss = 0.0;
    for (double x : v) ss += (x / scale - mean) * (x / scale - mean);
    s.sd = std::sqrt(ss / (n - 1.0)) * scale;
    s.se = s.sd / std::sqrt(n);
  }
  std::sort(v.begin(), v.end());
  s.p05 = percentile_sorted(v, 5.0);
  s.p50 = percentile_sorted(v, 50.0);
  s.p95 = percentile_sorted(v, 95.0);
  return s;
}

}  // namespace cxsim
