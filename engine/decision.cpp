// Paired differences, payback shares and the ranking under every terminal-value choice.
#include "engine/decision.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "engine/statistics.hpp"

namespace cxsim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(std::span<const double> v) {
  return summarize(v).mean;
}
}  // namespace

PairedDifference paired_difference(std::span<const double> a, std::span<const double> b) {
  std::vector<double> diff;
  double greater = 0;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t r = 0; r < n; ++r) {
    if (std::isnan(a[r]) || std::isnan(b[r])) continue;
    diff.push_back(a[r] - b[r]);
    greater += a[r] > b[r] ? 1.0 : (a[r] == b[r] ? 0.5 : 0.0);
  }
  const SummaryStatistics s = summarize(diff);
  PairedDifference d;
  d.n = s.n;
  d.mean = s.mean;
  d.se = s.se;
  d.p05 = s.p05;
  d.p95 = s.p95;
  d.p_greater = diff.empty() ? kNaN : greater / static_cast<double>(diff.size());
  if (diff.size() >= 2) {
    const boost::math::students_t t(static_cast<double>(diff.size()) - 1.0);
    const double half = boost::math::quantile(t, 0.95) * s.se;
    d.ci_lo = s.mean - half;
    d.ci_hi = s.mean + half;
  } else {
    d.ci_lo = d.ci_hi = kNaN;
  }
  return d;
}

PaybackSummary payback_summary(std::span<const double> months) {
  std::vector<double> v;
  for (double m : months) v.push_back(std::isnan(m) ? std::numeric_limits<double>::infinity() : m);
  if (v.empty()) return {kNaN, kNaN};
  std::sort(v.begin(), v.end());
  const auto paid = static_cast<double>(
      std::count_if(v.begin(), v.end(), [](double m) { return std::isfinite(m); }));
  const std::size_t k = (v.size() + 1) / 2;  // ceil(n / 2), 1-based
  return {paid / static_cast<double>(v.size()), v[k - 1]};
}

int terminal_index(TerminalValue choice) {
  for (int i = 0; i < 3; ++i) {
    if (kTerminalValues[i] == choice) return i;
  }
  return 0;
}

bool TerminalRobustness::best_stays_best() const {
  return available &&
         std::all_of(best.begin(), best.end(), [&](int b) { return b == best[chosen]; });
}

TerminalRobustness terminal_robustness(const SummaryColumns& values, TerminalValue chosen) {
  TerminalRobustness out;
  out.chosen = terminal_index(chosen);
  const int n = static_cast<int>(values.size());
  out.available = n > 0;
  for (int c = 0; c < 3; ++c) {
    const TerminalChoiceMetrics& m = kTerminalChoiceMetrics[c];
    std::vector<double> mean_npv(n);
    out.mean_delta_npv[c].resize(n);
    out.p_best[c].resize(n);
    out.rank[c].resize(n);
    for (int r = 0; r < n; ++r) {
      const auto& v = values[r];
      mean_npv[r] = mean_of(v[static_cast<std::size_t>(m.npv)]);
      out.mean_delta_npv[c][r] = mean_of(v[static_cast<std::size_t>(m.delta_npv)]);
      out.p_best[c][r] = mean_of(v[static_cast<std::size_t>(m.is_best)]);
      if (std::isnan(mean_npv[r])) out.available = false;
    }
    out.best[c] = 0;
    for (int r = 0; r < n; ++r) {
      double higher = 0;
      for (int o = 0; o < n; ++o) higher += mean_npv[o] > mean_npv[r] ? 1 : 0;
      out.rank[c][r] = 1 + higher;
      if (mean_npv[r] > mean_npv[out.best[c]]) out.best[c] = r;
    }
  }
  for (int c = 0; c < 3; ++c) {
    out.reranked[c] = 0;
    for (int r = 0; r < n; ++r) out.reranked[c] += out.rank[c][r] != out.rank[out.chosen][r];
  }
  return out;
}

}  // namespace cxsim
