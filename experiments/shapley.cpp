// Shapley estimators: compensated sums, so the shares add up to the roadmap's value to a few
// units in the last place of the largest coalition value.
#include "experiments/shapley.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/statistics.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Neumaier's compensated sum: exact to rounding whatever the order of magnitudes.
class CompensatedSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    if (std::fabs(sum_) >= std::fabs(x)) {
      c_ += (sum_ - t) + x;
    } else {
      c_ += (x - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + c_; }

 private:
  double sum_ = 0.0;
  double c_ = 0.0;
};

// The 97.5% quantile of Student's t with df degrees of freedom: a two-sided 95% interval.
double t975(double df) {
  if (!(df >= 1.0)) return kNaN;
  if (!std::isfinite(df) || df > 1e7) return 1.959963984540054;
  return boost::math::quantile(boost::math::complement(boost::math::students_t(df), 0.025));
}

void check(const CoalitionPlan& plan, std::span<const double> values) {
  if (values.size() != static_cast<std::size_t>(plan.coalitions())) {
    throw std::invalid_argument("shapley: one value per coalition expected");
  }
}

}  // namespace

std::vector<double> marginal_contributions(const CoalitionPlan& plan,
                                           std::span<const double> values) {
  check(plan, values);
  const int k = plan.players;
  std::vector<double> out(static_cast<std::size_t>(plan.permutations) * k);
  const double base = values[static_cast<std::size_t>(plan.empty())];
  for (int p = 0; p < plan.permutations; ++p) {
    double before = 0.0;  // u(prefix) = v(prefix) - v(empty): 0 for the empty prefix, exactly
    for (int j = 0; j < k; ++j) {
      const double after = values[static_cast<std::size_t>(plan.prefix(p, j + 1))] - base;
      out[static_cast<std::size_t>(p) * k + plan.order(p, j)] = after - before;
      before = after;
    }
  }
  return out;
}

std::vector<double> shapley_shares(const CoalitionPlan& plan, std::span<const double> values) {
  check(plan, values);
  const int k = plan.players;
  std::vector<double> shares(static_cast<std::size_t>(k), 0.0);
  if (!plan.exact) {
    const std::vector<double> x = marginal_contributions(plan, values);
    for (int i = 0; i < k; ++i) {
      CompensatedSum sum;
      for (int p = 0; p < plan.permutations; ++p) sum.add(x[static_cast<std::size_t>(p) * k + i]);
      shares[static_cast<std::size_t>(i)] = sum.value() / plan.permutations;
    }
    return shares;
  }
  // Exact: Sh_i = sum over S without i of |S|! (k - |S| - 1)! / k! (u(S + i) - u(S)), with
  // u = v - v(empty). The weight of a subset of size s is 1 / (k C(k - 1, s)).
  std::vector<double> weight(static_cast<std::size_t>(k));
  double binomial = 1.0;  // C(k - 1, s)
  for (int s = 0; s < k; ++s) {
    weight[static_cast<std::size_t>(s)] = 1.0 / (k * binomial);
    binomial = binomial * (k - 1 - s) / (s + 1);
  }
  const double base = values[0];
  const std::size_t n = values.size();
  for (int i = 0; i < k; ++i) {
    const std::size_t bit = std::size_t{1} << i;
    CompensatedSum sum;
    for (std::size_t mask = 0; mask < n; ++mask) {
      if (mask & bit) continue;
      const double without = mask == 0 ? 0.0 : values[mask] - base;
      const double with = values[mask | bit] - base;
      sum.add(weight[static_cast<std::size_t>(std::popcount(mask))] * (with - without));
    }
    shares[static_cast<std::size_t>(i)] = sum.value();
  }
  return shares;
}

Attribution attribute(const CoalitionPlan& plan, std::span<const double> values, int replications) {
  const auto C = static_cast<std::size_t>(plan.coalitions());
  const auto R = static_cast<std::size_t>(replications);
  const auto K = static_cast<std::size_t>(plan.players);
  if (values.size() != C * R) throw std::invalid_argument("attribute: values are [coalition][R]");
  Attribution out;
  out.players = plan.players;
  out.replications = replications;
  out.shares.assign(K * R, kNaN);
  out.total.assign(R, kNaN);
  const auto P = static_cast<std::size_t>(plan.permutations);
  // Sampled: per order and player, the sum of marginal contributions over usable replications.
  std::vector<CompensatedSum> order_sums(P * K);
  std::size_t usable = 0;
  std::vector<double> column(C);
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) column[c] = values[c * R + r];
    out.total[r] = column[static_cast<std::size_t>(plan.full())] - column[0];
    const std::vector<double> shares = shapley_shares(plan, column);
    bool finite = true;
    for (std::size_t i = 0; i < K; ++i) {
      out.shares[i * R + r] = shares[i];
      finite = finite && std::isfinite(shares[i]);
    }
    if (plan.exact || !finite) continue;
    ++usable;
    const std::vector<double> x = marginal_contributions(plan, column);
    for (std::size_t j = 0; j < P * K; ++j) order_sums[j].add(x[j]);
  }
  for (std::size_t i = 0; i < K; ++i) {
    const SummaryStatistics s = summarize(std::span<const double>(out.shares).subspan(i * R, R));
    double se = s.se;
    double df = s.n - 1.0;
    if (!plan.exact) {
      // The orders' sampling error: the spread of each order's mean over replications; the
      // degrees of freedom of the sum by Welch-Satterthwaite.
      std::vector<double> order_means(P);
      for (std::size_t p = 0; p < P; ++p) {
        order_means[p] =
            usable > 0 ? order_sums[p * K + i].value() / static_cast<double>(usable) : kNaN;
      }
      const SummaryStatistics o = summarize(order_means);
      const double a = s.se * s.se, b = o.sd * o.sd / static_cast<double>(P);
      se = std::sqrt(a + b);
      df = (a + b) * (a + b) / (a * a / (s.n - 1.0) + b * b / (static_cast<double>(P) - 1.0));
    }
    const double half = se > 0 ? t975(df) * se : se;
    out.estimates.push_back({s.mean, se, s.mean - half, s.mean + half});
  }
  return out;
}

}  // namespace cxsim
