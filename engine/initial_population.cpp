// Building the t = 0 population: exact counts, random membership, drawn initial states.
#include "engine/initial_population.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <numeric>

#include "agents/behaviour.hpp"
#include "engine/core/rng.hpp"

namespace cxsim {

std::vector<std::int64_t> largest_remainder(std::span<const double> weights, std::int64_t total) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> out(weights.size(), 0);
  if (weights.empty() || sum <= 0.0) return out;
  std::vector<double> remainder(weights.size());
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = weights[i] / sum * static_cast<double>(total);
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    remainder[i] = exact - static_cast<double>(out[i]);
    assigned += out[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t j = 0; assigned < total && j < order.size(); ++j, ++assigned) ++out[order[j]];
  return out;
}

Population make_initial_population(const Scenario& scenario, std::span<const double> base,
                                   const StreamKey& key,
                                   std::span<const Distribution> heterogeneity) {
  const auto n = static_cast<std::uint32_t>(scenario.agents);
  const ParamLayout& L = scenario.layout;
  const int n_seg = L.segments();
  Population pop(n);

  std::vector<double> shares(n_seg);
  for (int s = 0; s < n_seg; ++s) shares[s] = scenario.segments[s].share;
  const std::vector<std::int64_t> sizes = largest_remainder(shares, n);
  std::vector<double> wanted(n_seg);
  double wanted_total = 0.0;
  for (int s = 0; s < n_seg; ++s) {
    wanted[s] = scenario.segments[s].initial_penetration * static_cast<double>(sizes[s]);
    wanted_total += wanted[s];
  }
  std::vector<std::int64_t> customers =
      largest_remainder(wanted, static_cast<std::int64_t>(std::llround(wanted_total)));
  for (int s = 0; s < n_seg; ++s) customers[s] = std::min(customers[s], sizes[s]);

  // A uniformly random permutation decides membership: the first sizes[0] agents of it form
  // segment 0, and the first customers[s] of each segment's run start as customers.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  Stream shuffle(key.seed, 0, key.replication, 0, Purpose::segment);
  for (std::uint32_t i = n; i > 1; --i) {
    const std::uint32_t j =
        boost::random::uniform_int_distribution<std::uint32_t>(0, i - 1)(shuffle);
    std::swap(order[i - 1], order[j]);
  }
  std::size_t pos = 0;
  for (int s = 0; s < n_seg; ++s) {
    for (std::int64_t c = 0; c < sizes[s]; ++c, ++pos) {
      const std::uint32_t agent = order[pos];
      pop.segment[agent] = static_cast<std::uint8_t>(s);
      pop.status[agent] = c < customers[s] ? Status::active : Status::prospect;
    }
  }

  const std::uint32_t n_blocks = (n + kAgentBlock - 1) / kAgentBlock;
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, n_blocks, 1), [&](const auto& r) {
    for (std::uint32_t b = r.begin(); b != r.end(); ++b) {
      const std::uint32_t hi = std::min(n, (b + 1) * kAgentBlock);
      for (std::uint32_t i = b * kAgentBlock; i < hi; ++i) {
        const int s = pop.segment[i];
        auto p = [&](SegmentParam q) { return base[L.segment(s, q)]; };
        Stream state(key.seed, i, key.replication, 0, Purpose::initial_state);
        Stream fit(key.seed, i, key.replication, 0, Purpose::fit);
        const double sat_sd = p(SegmentParam::satisfaction_sd);
        const double exp_sd = p(SegmentParam::expectation_sd);
        const double perf_sd = p(SegmentParam::performance_sd);
        double sat = p(SegmentParam::satisfaction_mean);
        double expct = p(SegmentParam::expectation_mean);
        if (sat_sd > 0) sat = boost::random::normal_distribution<double>(sat, sat_sd)(state);
        if (exp_sd > 0) expct = boost::random::normal_distribution<double>(expct, exp_sd)(state);
        pop.satisfaction[i] = static_cast<float>(rules::clamp10(sat));
        pop.expectation[i] = static_cast<float>(rules::clamp10(expct));
        pop.fit[i] =
            perf_sd > 0
                ? static_cast<float>(boost::random::normal_distribution<double>(0, perf_sd)(fit))
                : 0.0f;
        pop.reference_price[i] = static_cast<float>(p(SegmentParam::price));
        if (const auto& written = scenario.segments[s].churn_heterogeneity) {
          const Distribution* het =
              heterogeneity.empty() ? &*written : &heterogeneity[static_cast<std::size_t>(s)];
          Stream h(key.seed, i, key.replication, 0, Purpose::heterogeneity);
          const double h0 = het->sample(h);  // never NaN within the checked beta parameters
          pop.base_churn[i] =
              static_cast<float>(std::clamp(std::isnan(h0) ? het->mean() : h0, 1e-9, 1.0 - 1e-9));
        }
      }
    }
  });
  return pop;
}

}  // namespace cxsim
