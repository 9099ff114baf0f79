// Choosing a replication's particle and the weighted summaries of a posterior.
#include "engine/core/posterior.hpp"

#include <algorithm>
#include <numeric>

#include "engine/core/rng.hpp"

namespace cxsim {

std::size_t Posterior::choose_particle(std::uint64_t seed, std::int64_t replication) const {
  const std::size_t n = particles();
  if (n <= 1) return 0;
  Stream stream(seed, 0, static_cast<std::uint32_t>(replication), 0, Purpose::posterior);
  // 53 random bits, so weights far below 2^-32 of the total still get their share.
  const std::uint64_t hi = stream() >> 5;
  const std::uint64_t lo = stream() >> 6;
  const double u = (static_cast<double>((hi << 26) | lo) + 0.5) * 0x1p-53;
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  const double target = u * total;
  double cumulative = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    cumulative += weights[k];
    if (target < cumulative) return k;
  }
  return n - 1;  // rounding in the running sum: the last particle
}

double Posterior::effective_sample_size() const {
  double sum = 0.0;
  double squares = 0.0;
  for (const double w : weights) {
    sum += w;
    squares += w * w;
  }
  return squares > 0.0 ? sum * sum / squares : 0.0;
}

double Posterior::weighted_mean(std::size_t parameter) const {
  double sum = 0.0;
  double total = 0.0;
  for (std::size_t k = 0; k < particles(); ++k) {
    sum += weights[k] * value(k, parameter);
    total += weights[k];
  }
  return total > 0.0 ? sum / total : 0.0;
}

double Posterior::weighted_quantile(std::size_t parameter, double q) const {
  const std::size_t n = particles();
  if (n == 0) return 0.0;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return value(a, parameter) < value(b, parameter);
  });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double cumulative = 0.0;
  for (const std::size_t k : order) {
    cumulative += weights[k];
    if (cumulative >= q * total) return value(k, parameter);
  }
  return value(order.back(), parameter);
}

}  // namespace cxsim
