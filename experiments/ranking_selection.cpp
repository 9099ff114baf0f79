// KN (Kim & Nelson 2001): first stage of n0 observations per system, pair variances S_il^2 of
// the paired differences, eta from the confidence and the number of systems, then one
// observation per surviving system per stage until one is left or the boundaries close. Every
// decision depends on the observations alone, taken in a fixed order.
#include "experiments/ranking_selection.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/statistics.hpp"
#include "experiments/design_streams.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// Mean and variance (ddof 1) of x - y over their first m observations.
std::pair<double, double> paired_moments(const std::vector<double>& x, const std::vector<double>& y,
                                         std::size_t m) {
  double sum = 0.0;
  for (std::size_t j = 0; j < m; ++j) sum += x[j] - y[j];
  const double mean = m > 0 ? sum / static_cast<double>(m) : kNaN;
  double ss = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    const double d = x[j] - y[j] - mean;
    ss += d * d;
  }
  return {mean, m > 1 ? ss / static_cast<double>(m - 1) : kNaN};
}

}  // namespace

const char* to_string(SelectionEnd end) {
  switch (end) {
    case SelectionEnd::one_left:
      return "one_left";
    case SelectionEnd::truncated:
      return "truncated";
    case SelectionEnd::budget:
      return "budget";
    case SelectionEnd::stopped:
      return "stopped";
  }
  return "?";
}

SelectionResult select_best(int k, const SelectionOptions& o, ObservationSource& source) {
  if (k < 2) throw std::invalid_argument("select_best: fewer than 2 systems");
  if (o.first_stage < 2) throw std::invalid_argument("select_best: first stage below 2");
  if (!(o.indifference_zone > 0)) throw std::invalid_argument("select_best: delta <= 0");
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw std::invalid_argument("select_best: confidence outside (0, 1)");
  }
  const auto K = static_cast<std::size_t>(k);
  const std::int64_t n0 = o.first_stage;
  if (o.budget > 0 && static_cast<double>(k) * static_cast<double>(n0) > o.budget) {
    throw std::invalid_argument("select_best: the first stage exceeds the budget");
  }
  const bool by_percentile = !std::isnan(o.percentile);
  const double delta = o.indifference_zone;
  const double alpha = 1.0 - o.confidence;

  SelectionResult res;
  res.n.assign(K, 0);
  res.eliminated_at.assign(K, kNaN);
  res.eliminated_by.assign(K, -1);
  std::vector<std::vector<double>> x(K);
  std::vector<std::vector<double>> sorted(by_percentile ? K : 0);
  std::vector<double> sum(K, 0.0);

  auto take = [&](std::size_t i, std::int64_t j) {
    const double v = source.observe(static_cast<int>(i), j);
    if (std::isnan(v)) {
      throw std::domain_error("observation " + std::to_string(j) + " of system " +
                              std::to_string(i) + " is NaN");
    }
    x[i].push_back(v);
    sum[i] += v;
    if (by_percentile) sorted[i].insert(std::upper_bound(sorted[i].begin(), sorted[i].end(), v), v);
    ++res.n[i];
    ++res.total;
  };
  auto estimate = [&](std::size_t i) {
    return by_percentile ? percentile_sorted(sorted[i], o.percentile)
                         : sum[i] / static_cast<double>(x[i].size());
  };

  // First stage, replication-major: stage j takes observation j of every system.
  for (std::int64_t j = 0, prefetched = 0; j < n0; ++j) {
    if (source.stopped()) {
      res.end = SelectionEnd::stopped;
      return res;
    }
    if (j >= prefetched) {
      const std::int64_t stages = std::min<std::int64_t>(std::max(1, source.lookahead(k)), n0 - j);
      std::vector<std::pair<int, std::int64_t>> wanted;
      for (std::int64_t jj = j; jj < j + stages; ++jj) {
        for (int i = 0; i < k; ++i) wanted.emplace_back(i, jj);
      }
      source.prefetch(wanted);
      prefetched = j + stages;
    }
    for (std::size_t i = 0; i < K; ++i) take(i, j);
    source.stage_done();
  }

  // S_il^2: the variance of the paired differences over the first stage (a percentile: n0 times
  // the bootstrap variance of the difference of the two percentiles, resampling replications).
  std::vector<double> s2(K * K, 0.0);
  std::vector<double> boot_var(K, kNaN);  // bootstrap variance of each system's percentile
  if (!by_percentile) {
    for (std::size_t i = 0; i < K; ++i) {
      for (std::size_t l = i + 1; l < K; ++l) {
        s2[i * K + l] = s2[l * K + i] =
            paired_moments(x[i], x[l], static_cast<std::size_t>(n0)).second;
      }
    }
  } else {
    const auto B = static_cast<std::size_t>(std::max(2, o.bootstrap));
    std::vector<double> q(B * K);
    std::vector<std::uint32_t> rows(static_cast<std::size_t>(n0));
    std::vector<double> v(static_cast<std::size_t>(n0));
    for (std::size_t b = 0; b < B; ++b) {
      Stream stream =
          design_stream(o.seed, DesignStream::optimize_bootstrap, static_cast<std::uint32_t>(b));
      boost::random::uniform_int_distribution<std::uint32_t> pick(
          0, static_cast<std::uint32_t>(n0 - 1));
      for (auto& r : rows) r = pick(stream);
      for (std::size_t i = 0; i < K; ++i) {
        for (std::size_t j = 0; j < rows.size(); ++j) v[j] = x[i][rows[j]];
        std::sort(v.begin(), v.end());
        q[b * K + i] = percentile_sorted(v, o.percentile);
      }
    }
    auto var_of = [&](auto&& value) {
      double m = 0.0;
      for (std::size_t b = 0; b < B; ++b) m += value(b);
      m /= static_cast<double>(B);
      double ss = 0.0;
      for (std::size_t b = 0; b < B; ++b) ss += (value(b) - m) * (value(b) - m);
      return ss / static_cast<double>(B - 1);
    };
    for (std::size_t i = 0; i < K; ++i) {
      boot_var[i] = var_of([&](std::size_t b) { return q[b * K + i]; });
      for (std::size_t l = i + 1; l < K; ++l) {
        s2[i * K + l] = s2[l * K + i] = static_cast<double>(n0) * var_of([&](std::size_t b) {
                                          return q[b * K + i] - q[b * K + l];
                                        });
      }
    }
  }

  res.eta = 0.5 * (std::pow(2.0 * alpha / static_cast<double>(k - 1),
                            -2.0 / static_cast<double>(n0 - 1)) -
                   1.0);
  res.h2 = 2.0 * res.eta * static_cast<double>(n0 - 1);
  double s2_max = 0.0;
  double n_max = 0.0;  // KN's N: the stage at which every boundary has closed, minus one
  for (std::size_t i = 0; i < K; ++i) {
    for (std::size_t l = i + 1; l < K; ++l) {
      s2_max = std::max(s2_max, s2[i * K + l]);
      n_max = std::max(n_max, std::floor(res.h2 * s2[i * K + l] / (delta * delta)));
    }
  }
  {
    const boost::math::students_t t_dist(static_cast<double>(n0 - 1));
    const double t = boost::math::quantile(t_dist, 1.0 - alpha / static_cast<double>(k - 1));
    const double per_system =
        std::max(static_cast<double>(n0), std::ceil(t * t * s2_max / (delta * delta)));
    res.equal_allocation = per_system * static_cast<double>(k);
  }

  std::vector<int> alive(K);
  for (int i = 0; i < k; ++i) alive[static_cast<std::size_t>(i)] = i;
  std::int64_t r = n0;
  std::int64_t prefetched_until = n0;
  for (;;) {
    // Screening at stage r: i drops when its estimate falls below another's minus W_il(r).
    std::vector<double> est(K, kNaN);
    for (const int i : alive)
      est[static_cast<std::size_t>(i)] = estimate(static_cast<std::size_t>(i));
    const double rr = static_cast<double>(r);
    std::vector<int> kept;
    for (const int i : alive) {
      const auto ui = static_cast<std::size_t>(i);
      double worst = 0.0;
      int by = -1;
      for (const int l : alive) {
        if (l == i) continue;
        const auto ul = static_cast<std::size_t>(l);
        const double w =
            std::max(0.0, delta / (2.0 * rr) * (res.h2 * s2[ui * K + ul] / (delta * delta) - rr));
        const double margin = est[ul] - w - est[ui];
        if (margin > worst) {
          worst = margin;
          by = l;
        }
      }
      if (by >= 0) {
        res.eliminated_at[ui] = static_cast<double>(res.total);
        res.eliminated_by[ui] = by;
      } else {
        kept.push_back(i);
      }
    }
    alive = std::move(kept);
    if (alive.size() == 1) {
      res.end = SelectionEnd::one_left;
      break;
    }
    if (rr >= n_max + 1.0) {
      res.end = SelectionEnd::truncated;
      break;
    }
    const auto m = static_cast<std::int64_t>(alive.size());
    if (o.budget > 0 && res.total + m > o.budget) {
      res.end = SelectionEnd::budget;
      break;
    }
    if (source.stopped()) {
      res.end = SelectionEnd::stopped;
      return res;
    }
    if (r >= prefetched_until) {
      std::int64_t stages = std::max(1, source.lookahead(static_cast<int>(m)));
      if (o.budget > 0) stages = std::min(stages, (o.budget - res.total) / m);
      // No further than the stage at which every boundary has closed.
      if (n_max + 1.0 - rr < static_cast<double>(stages)) {
        stages = static_cast<std::int64_t>(n_max + 1.0 - rr);
      }
      stages = std::max<std::int64_t>(stages, 1);
      std::vector<std::pair<int, std::int64_t>> wanted;
      for (std::int64_t j = r; j < r + stages; ++j) {
        for (const int i : alive) wanted.emplace_back(i, j);
      }
      source.prefetch(wanted);
      prefetched_until = r + stages;
    }
    for (const int i : alive) take(static_cast<std::size_t>(i), r);
    ++r;
    source.stage_done();
  }

  // The selection: the largest estimate among the systems left (the lowest index on a tie).
  res.estimate.assign(K, kNaN);
  for (std::size_t i = 0; i < K; ++i) res.estimate[i] = estimate(i);
  res.best = alive.front();
  for (const int i : alive) {
    if (res.estimate[static_cast<std::size_t>(i)] >
        res.estimate[static_cast<std::size_t>(res.best)]) {
      res.best = i;
    }
  }
  const auto b = static_cast<std::size_t>(res.best);

  res.mean.assign(K, kNaN);
  res.se.assign(K, kNaN);
  res.estimate_se.assign(K, kNaN);
  res.paired_difference.assign(K, kNaN);
  res.paired_difference_se.assign(K, kNaN);
  for (std::size_t i = 0; i < K; ++i) {
    const SummaryStatistics s = summarize(x[i]);
    res.mean[i] = s.mean;
    res.se[i] = s.se;
    res.estimate_se[i] =
        by_percentile
            ? std::sqrt(boot_var[i] * static_cast<double>(n0) / static_cast<double>(x[i].size()))
            : s.se;
    const std::size_t shared = std::min(x[i].size(), x[b].size());
    const auto [d, v] = paired_moments(x[b], x[i], shared);
    res.paired_difference[i] = d;
    res.paired_difference_se[i] = std::sqrt(v / static_cast<double>(shared));
  }

  if (res.end == SelectionEnd::budget) {
    // An estimate: each elimination errs with probability at most alpha / (k - 1) (KN's
    // per-pair bound); each other survivor l beats the selection by more than delta with the
    // normal probability of its paired difference.
    std::int64_t eliminated = 0;
    for (std::size_t i = 0; i < K; ++i) eliminated += std::isnan(res.eliminated_at[i]) ? 0 : 1;
    double wrong = static_cast<double>(eliminated) * alpha / static_cast<double>(k - 1);
    for (const int l : alive) {
      const auto ul = static_cast<std::size_t>(l);
      if (ul == b) continue;
      const double gap = res.estimate[ul] - res.estimate[b] - delta;
      double var = by_percentile ? s2[b * K + ul] / static_cast<double>(r)
                                 : paired_moments(x[b], x[ul], static_cast<std::size_t>(r)).second /
                                       static_cast<double>(r);
      wrong += var > 0 ? normal_cdf(gap / std::sqrt(var)) : (gap > 0 ? 1.0 : 0.0);
    }
    res.p_correct = std::clamp(1.0 - wrong, 0.0, 1.0);
    res.p_correct_guaranteed = false;
  } else {
    res.p_correct = o.confidence;
    res.p_correct_guaranteed = !by_percentile;
  }
  return res;
}

}  // namespace cxsim
