// Sobol and Morris estimators with bootstrap percentile intervals.
#include "experiments/sensitivity_estimators.hpp"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "experiments/design_streams.hpp"

namespace cxsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

// Row indices drawn with replacement for resample b: a pure function of (seed, use, b).
void draw_rows(std::uint64_t seed, DesignStream use, int b, int n, std::vector<int>& rows) {
  Stream stream = design_stream(seed, use, static_cast<std::uint32_t>(b));
  boost::random::uniform_int_distribution<int> pick(0, n - 1);
  for (int& r : rows) r = pick(stream);
}

// The percentile interval and standard deviation of the finite replicates.
struct Spread {
  double low = kNaN, high = kNaN, se = kNaN;
};

double sorted_percentile(const std::vector<double>& sorted, double q) {
  // Linear interpolation between order statistics (Hyndman and Fan type 7, NumPy's default).
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Spread spread(std::vector<double> replicates, double confidence) {
  replicates.erase(std::remove_if(replicates.begin(), replicates.end(),
                                  [](double x) { return !std::isfinite(x); }),
                   replicates.end());
  Spread s;
  if (replicates.empty()) return s;
  std::sort(replicates.begin(), replicates.end());
  const double tail = 0.5 * (1.0 - confidence);
  s.low = sorted_percentile(replicates, tail);
  s.high = sorted_percentile(replicates, 1.0 - tail);
  if (replicates.size() > 1) {
    double mean = 0.0;
    for (double x : replicates) mean += x;
    mean /= static_cast<double>(replicates.size());
    double ss = 0.0;
    for (double x : replicates) ss += (x - mean) * (x - mean);
    s.se = std::sqrt(ss / static_cast<double>(replicates.size() - 1));
  }
  return s;
}

// The Sobol estimates over the base rows `rows` (each row j counts once per occurrence).
struct SobolPoint {
  double variance = kNaN;
  std::vector<double> s1, st;
};

SobolPoint sobol_point(const std::vector<double>& y_a, const std::vector<double>& y_b,
                       const std::vector<std::vector<double>>& y_ab, const std::vector<int>& rows) {
  const std::size_t k = y_ab.size();
  SobolPoint p;
  p.s1.assign(k, kNaN);
  p.st.assign(k, kNaN);
  const double n = static_cast<double>(rows.size());
  // "Does not vary" is decided exactly, not from a variance that rounding leaves a hair above 0.
  const double first = y_a[rows[0]];
  bool varies = false;
  double sum = 0.0;
  for (int j : rows) {
    varies = varies || y_a[j] != first || y_b[j] != first;
    sum += y_a[j] + y_b[j];
  }
  if (!varies) {
    p.variance = 0.0;
    return p;
  }
  const double mean = sum / (2.0 * n);
  double ss = 0.0;
  for (int j : rows) ss += (y_a[j] - mean) * (y_a[j] - mean) + (y_b[j] - mean) * (y_b[j] - mean);
  p.variance = ss / (2.0 * n);
  for (std::size_t i = 0; i < k; ++i) {
    const std::vector<double>& ab = y_ab[i];
    double first_order = 0.0, total = 0.0;
    for (int j : rows) {
      // yB centred on the mean of yA and yB (as SALib centres its outputs): the same index in
      // expectation, but an output far from 0 (an NPV) no longer inflates the estimator's error.
      first_order += (y_b[j] - mean) * (ab[j] - y_a[j]);
      total += (y_a[j] - ab[j]) * (y_a[j] - ab[j]);
    }
    p.s1[i] = first_order / n / p.variance;
    p.st[i] = total / n / (2.0 * p.variance);
  }
  return p;
}

}  // namespace

SobolIndices sobol_indices(const std::vector<double>& y_a, const std::vector<double>& y_b,
                           const std::vector<std::vector<double>>& y_ab,
                           const BootstrapOptions& options) {
  const std::size_t n = y_a.size();
  const std::size_t k = y_ab.size();
  if (n == 0 || y_b.size() != n) {
    throw std::invalid_argument("Sobol outputs: yA and yB need the same, non-zero length (got " +
                                std::to_string(n) + " and " + std::to_string(y_b.size()) + ")");
  }
  if (k == 0) throw std::invalid_argument("Sobol outputs: no factor (yAB is empty)");
  for (std::size_t i = 0; i < k; ++i) {
    if (y_ab[i].size() != n) {
      throw std::invalid_argument("Sobol outputs: yAB_" + std::to_string(i) + " has " +
                                  std::to_string(y_ab[i].size()) + " values, yA has " +
                                  std::to_string(n));
    }
  }
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("Sobol outputs: too many base samples");
  }
  SobolIndices out;
  out.s1.assign(k, kNaN);
  out.s1_low = out.s1_high = out.s1_se = out.st = out.st_low = out.st_high = out.st_se = out.s1;
  out.variance = kNaN;
  if (!all_finite(y_a) || !all_finite(y_b)) return out;
  std::vector<bool> usable(k);
  for (std::size_t i = 0; i < k; ++i) usable[i] = all_finite(y_ab[i]);

  std::vector<int> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = static_cast<int>(j);
  const SobolPoint full = sobol_point(y_a, y_b, y_ab, rows);
  out.variance = full.variance;
  if (!(full.variance > 0.0)) return out;
  for (std::size_t i = 0; i < k; ++i) {
    if (!usable[i]) continue;
    out.s1[i] = full.s1[i];
    out.st[i] = full.st[i];
  }

  const int resamples = std::max(options.resamples, 0);
  if (resamples == 0) return out;
  std::vector<std::vector<double>> s1_rep(k, std::vector<double>(resamples));
  std::vector<std::vector<double>> st_rep(k, std::vector<double>(resamples));
  for (int b = 0; b < resamples; ++b) {
    draw_rows(options.seed, DesignStream::sobol_bootstrap, b, static_cast<int>(n), rows);
    const SobolPoint p = sobol_point(y_a, y_b, y_ab, rows);
    for (std::size_t i = 0; i < k; ++i) {
      s1_rep[i][b] = p.s1[i];
      st_rep[i][b] = p.st[i];
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    if (!usable[i]) continue;
    const Spread s1 = spread(std::move(s1_rep[i]), options.confidence);
    const Spread st = spread(std::move(st_rep[i]), options.confidence);
    out.s1_low[i] = s1.low;
    out.s1_high[i] = s1.high;
    out.s1_se[i] = s1.se;
    out.st_low[i] = st.low;
    out.st_high[i] = st.high;
    out.st_se[i] = st.se;
  }
  return out;
}

SobolIndices sobol_indices(const std::vector<double>& y, int base_samples, int factors,
                           const BootstrapOptions& options) {
  if (base_samples < 1 || factors < 1 ||
      y.size() != static_cast<std::size_t>(base_samples) * (factors + 2)) {
    throw std::invalid_argument(
        "Sobol outputs: expected N (k + 2) = " +
        std::to_string(static_cast<long long>(base_samples) * (factors + 2)) + " values, got " +
        std::to_string(y.size()));
  }
  const auto n = static_cast<std::ptrdiff_t>(base_samples);
  auto block = [&](std::ptrdiff_t index) {
    return std::vector<double>(y.begin() + index * n, y.begin() + (index + 1) * n);
  };
  std::vector<std::vector<double>> y_ab;
  y_ab.reserve(factors);
  for (int i = 0; i < factors; ++i) y_ab.push_back(block(2 + i));
  return sobol_indices(block(0), block(1), y_ab, options);
}

MorrisIndices morris_indices(const MorrisDesign& design, const std::vector<double>& y,
                             const BootstrapOptions& options) {
  const int r = design.trajectories, k = design.factors;
  const std::size_t steps = static_cast<std::size_t>(r) * k;
  if (r < 1 || k < 1 || y.size() != static_cast<std::size_t>(r) * (k + 1) ||
      design.moved.size() != steps || design.step.size() != steps) {
    throw std::invalid_argument("Morris outputs: expected r (k + 1) = " +
                                std::to_string(static_cast<long long>(r) * (k + 1)) +
                                " values, got " + std::to_string(y.size()));
  }
  MorrisIndices out;
  out.mu_star.assign(k, kNaN);
  out.mu_star_low = out.mu_star_high = out.mu_star_se = out.mu = out.sigma = out.mu_star;
  if (std::all_of(y.begin(), y.end(), [&](double v) { return v == y[0]; })) return out;

  // ee[f * r + t]: the elementary effect of factor f in trajectory t.
  std::vector<double> ee(steps, kNaN);
  for (int t = 0; t < r; ++t) {
    const std::size_t row0 = static_cast<std::size_t>(t) * (k + 1);
    for (int j = 0; j < k; ++j) {
      const std::size_t s = static_cast<std::size_t>(t) * k + j;
      const int f = design.moved[s];
      if (f < 0 || f >= k) throw std::invalid_argument("Morris design: moved factor out of range");
      ee[static_cast<std::size_t>(f) * r + t] = (y[row0 + j + 1] - y[row0 + j]) / design.step[s];
    }
  }
  std::vector<bool> usable(k, true);
  for (int f = 0; f < k; ++f) {
    double sum = 0.0, sum_abs = 0.0;
    for (int t = 0; t < r; ++t) {
      const double e = ee[static_cast<std::size_t>(f) * r + t];
      // A factor never moved in some trajectory (not a design of morris_design) leaves NaN too.
      usable[f] = usable[f] && std::isfinite(e);
      sum += e;
      sum_abs += std::fabs(e);
    }
    if (!usable[f]) continue;
    out.mu[f] = sum / r;
    out.mu_star[f] = sum_abs / r;
    if (r > 1) {
      double ss = 0.0;
      for (int t = 0; t < r; ++t) {
        const double d = ee[static_cast<std::size_t>(f) * r + t] - out.mu[f];
        ss += d * d;
      }
      out.sigma[f] = std::sqrt(ss / (r - 1));
    }
  }

  const int resamples = std::max(options.resamples, 0);
  if (resamples == 0) return out;
  std::vector<std::vector<double>> rep(k, std::vector<double>(resamples));
  std::vector<int> picked(r);
  for (int b = 0; b < resamples; ++b) {
    draw_rows(options.seed, DesignStream::morris_bootstrap, b, r, picked);
    for (int f = 0; f < k; ++f) {
      double sum_abs = 0.0;
      for (int t : picked) sum_abs += std::fabs(ee[static_cast<std::size_t>(f) * r + t]);
      rep[f][b] = sum_abs / r;
    }
  }
  for (int f = 0; f < k; ++f) {
    if (!usable[f]) continue;
    const Spread s = spread(std::move(rep[f]), options.confidence);
    out.mu_star_low[f] = s.low;
    out.mu_star_high[f] = s.high;
    out.mu_star_se[f] = s.se;
  }
  return out;
}

}  // namespace cxsim
