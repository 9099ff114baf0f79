// ABC-SMC against a closed form: the mean of a normal with known variance under a wide uniform
// prior, whose posterior is N(xbar, s^2) as epsilon goes to 0 (ABC with a finite epsilon adds
// the uniform acceptance window's variance, (epsilon scale)^2 / 3). Tolerances in standard
// errors of the weighted particle estimates (se = sd / sqrt(ESS)), with a negative control. Also:
// an unidentified parameter keeps its prior's width, the run does not depend on the batch size,
// a continued run equals an uninterrupted one, and the budget stops a run with the last
// completed generation as the posterior.
#include "experiments/abc_smc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "engine/core/rng.hpp"

namespace cxsim {
namespace {

constexpr double kObserved = 0.3;  // xbar
constexpr double kSd = 1.0;        // s = sigma / sqrt(n)

// xbar of a simulated sample with mean theta[0]: N(theta[0], s^2), one stream per replication.
AbcSimulator normal_mean_simulator(int* calls = nullptr) {
  return [calls](std::span<const AbcProposal> proposals)
             -> std::optional<std::vector<std::vector<double>>> {
    if (calls) ++*calls;
    std::vector<std::vector<double>> out;
    for (const auto& p : proposals) {
      double sum = 0;
      for (int j = 0; j < p.replications; ++j) {
        Stream s(12345, 0, static_cast<std::uint32_t>(p.first_replication + j), 0,
                 Purpose::parameters);
        sum += p.theta[0] + kSd * boost::math::quantile(boost::math::normal(), s.uniform());
      }
      out.push_back({sum / p.replications});
    }
    return out;
  };
}

AbcObserved one_cell(double value) {
  AbcObserved o;
  o.values = {value};
  o.series = {0};
  o.series_count = 1;
  return o;
}

Prior uniform(double lo, double hi) {
  Prior p;
  p.kind = Prior::Kind::uniform;
  p.a = lo;
  p.b = hi;
  p.lo = lo;
  p.hi = hi;
  return p;
}

struct Moments {
  double mean = 0, sd = 0, se = 0, q05 = 0, q95 = 0;
};

Moments moments(const AbcGeneration& g, int k, int i) {
  std::vector<double> x;
  for (std::size_t j = 0; j < g.weights.size(); ++j) x.push_back(g.particles[j * k + i]);
  Moments m;
  for (std::size_t j = 0; j < x.size(); ++j) m.mean += g.weights[j] * x[j];
  double v = 0;
  for (std::size_t j = 0; j < x.size(); ++j) v += g.weights[j] * (x[j] - m.mean) * (x[j] - m.mean);
  m.sd = std::sqrt(v);
  m.se = m.sd / std::sqrt(g.ess);
  m.q05 = weighted_quantile(x, g.weights, 0.05);
  m.q95 = weighted_quantile(x, g.weights, 0.95);
  return m;
}

AbcSettings settings() {
  AbcSettings s;
  s.seed = 7;
  s.particles = 1000;
  s.max_simulations = 400000;
  s.max_generations = 10;
  s.min_epsilon_decrease = 0.02;
  return s;
}

TEST(AbcSmc, RecoversTheNormalMeanPosterior) {
  AbcState state;
  const AbcSettings s = settings();
  const AbcStop stop =
      run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), s, state, normal_mean_simulator());
  ASSERT_NE(stop, AbcStop::interrupted);
  ASSERT_GE(state.generations.size(), 4u);
  const AbcGeneration& last = state.generations.back();
  const Moments m = moments(last, 1, 0);
  // The posterior N(xbar, s^2) widened by the acceptance window |d| <= epsilon * scale.
  const double window = last.epsilon * state.scale[0];
  const double expected_sd = std::sqrt(kSd * kSd + window * window / 3);
  EXPECT_LT(std::abs(m.mean - kObserved), 4 * m.se) << m.mean << " se " << m.se;
  // sd of a sd estimate ~ sd / sqrt(2 ESS): 4 of them, and 5% for the window approximation.
  EXPECT_LT(std::abs(m.sd - expected_sd),
            4 * expected_sd / std::sqrt(2 * last.ess) + 0.05 * expected_sd)
      << m.sd << " vs " << expected_sd;
  // The 90% interval holds the truth of a data set near it and is far narrower than the prior's.
  EXPECT_LT(m.q05, kObserved);
  EXPECT_GT(m.q95, kObserved);
  EXPECT_LT((m.q95 - m.q05) / 18.0, 0.3);
  // Negative control: the same check against a wrong value (xbar + 1.5 s) fails.
  EXPECT_GT(std::abs(m.mean - (kObserved + 1.5 * kSd)), 4 * m.se);
  // Epsilon falls generation by generation; every weight is positive; ESS within (1, N].
  for (std::size_t g = 2; g < state.generations.size(); ++g) {
    EXPECT_LT(state.generations[g].epsilon, state.generations[g - 1].epsilon);
  }
  for (const auto& g : state.generations) {
    EXPECT_GT(g.ess, 1.0);
    EXPECT_LE(g.ess, s.particles + 1e-9);
    for (double w : g.weights) EXPECT_GT(w, 0.0);
  }
}

TEST(AbcSmc, AnUnidentifiedParameterKeepsItsPriorWidth) {
  // theta[1] changes nothing observed.
  AbcState state;
  AbcSettings s = settings();
  s.particles = 800;
  const AbcStop stop = run_abc_smc({uniform(-10, 10), uniform(0, 1)}, one_cell(kObserved), s, state,
                                   normal_mean_simulator());
  ASSERT_NE(stop, AbcStop::interrupted);
  const AbcGeneration& last = state.generations.back();
  const Moments a = moments(last, 2, 0), b = moments(last, 2, 1);
  EXPECT_LT((a.q95 - a.q05) / 18.0, 0.3);
  // The prior's 90% width is 0.9; the posterior's stays above 0.8 of it (the summary's rule).
  EXPECT_GT((b.q95 - b.q05) / 0.9, 0.8) << b.q05 << " " << b.q95;
  // Its mean stays near 0.5: uniform on [0, 1] has sd 0.289.
  EXPECT_LT(std::abs(b.mean - 0.5), 4 * 0.289 / std::sqrt(last.ess));
}

TEST(AbcSmc, TheSameRunAtAnyBatchSizeAndAfterAContinuation) {
  AbcSettings s = settings();
  s.particles = 200;
  s.max_generations = 5;
  AbcState whole;
  run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), s, whole, normal_mean_simulator());

  AbcSettings small = s;
  small.batch = 37;
  AbcState batched;
  int calls = 0;
  run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), small, batched,
              normal_mean_simulator(&calls));
  ASSERT_EQ(whole.generations.size(), batched.generations.size());
  EXPECT_GT(calls, static_cast<int>(whole.generations.size()));
  for (std::size_t g = 0; g < whole.generations.size(); ++g) {
    EXPECT_EQ(whole.generations[g].particles, batched.generations[g].particles) << g;
    EXPECT_EQ(whole.generations[g].weights, batched.generations[g].weights) << g;
    EXPECT_EQ(whole.generations[g].epsilon, batched.generations[g].epsilon) << g;
  }

  // Interrupted after generation 2 (the simulator says so), then continued from the state.
  AbcState part;
  bool stop_now = false;
  AbcCallbacks callbacks;
  callbacks.generation_done = [&](const AbcState& st) { stop_now = st.generations.size() == 3; };
  const AbcSimulator inner = normal_mean_simulator();
  const AbcSimulator interruptible =
      [&](std::span<const AbcProposal> p) -> std::optional<std::vector<std::vector<double>>> {
    if (stop_now) return std::nullopt;
    return inner(p);
  };
  EXPECT_EQ(run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), s, part, interruptible, callbacks),
            AbcStop::interrupted);
  ASSERT_EQ(part.generations.size(), 3u);
  stop_now = false;
  callbacks.generation_done = nullptr;
  run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), s, part, inner);
  ASSERT_EQ(whole.generations.size(), part.generations.size());
  for (std::size_t g = 0; g < whole.generations.size(); ++g) {
    EXPECT_EQ(whole.generations[g].particles, part.generations[g].particles) << g;
    EXPECT_EQ(whole.generations[g].weights, part.generations[g].weights) << g;
  }
  EXPECT_EQ(whole.simulations, part.simulations);
  EXPECT_EQ(whole.next_replication, part.next_replication);
}

TEST(AbcSmc, TheBudgetEndsARunInsideAGeneration) {
  AbcSettings s = settings();
  s.particles = 100;
  s.batch = 50;
  s.max_simulations = 450;
  AbcState state;
  const AbcStop stop =
      run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), s, state, normal_mean_simulator());
  EXPECT_EQ(stop, AbcStop::max_simulations);
  EXPECT_LE(state.simulations, s.max_simulations);
  EXPECT_GE(state.generations.size(), 1u);
  EXPECT_EQ(describe_stop(stop, s), "reached max_simulations (450) during a generation");

  // An acceptance floor above what the run reaches ends it the same way.
  AbcSettings f = settings();
  f.particles = 100;
  f.min_acceptance_rate = 0.6;
  f.max_generations = 50;
  f.min_epsilon_decrease = 0;
  AbcState floor_state;
  EXPECT_EQ(
      run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), f, floor_state, normal_mean_simulator()),
      AbcStop::min_acceptance_rate);
}

// replications > 1: each proposal simulates R replications of its own (disjoint ranges of
// replication indices within a generation's proposals used, after every earlier generation's),
// their summaries averaged; the budget counts every simulation.
TEST(AbcSmc, ReplicatedProposalsUseReplicationsOfTheirOwn) {
  AbcSettings s = settings();
  s.particles = 100;
  s.replications = 3;
  s.max_generations = 4;
  std::vector<std::vector<std::pair<std::int64_t, int>>> calls;
  const AbcSimulator inner = normal_mean_simulator();
  const AbcSimulator recording =
      [&](std::span<const AbcProposal> p) -> std::optional<std::vector<std::vector<double>>> {
    calls.emplace_back();
    for (const auto& x : p) calls.back().emplace_back(x.first_replication, x.replications);
    return inner(p);
  };
  AbcState state;
  run_abc_smc({uniform(-10, 10)}, one_cell(kObserved), s, state, recording);
  std::int64_t total = 0;
  for (const auto& g : state.generations) total += g.simulations;
  EXPECT_EQ(total, state.simulations);
  for (const auto& call : calls) {
    std::vector<std::pair<std::int64_t, int>> sorted = call;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      EXPECT_EQ(sorted[i].second, 3);
      if (i > 0) {
        EXPECT_GE(sorted[i].first, sorted[i - 1].first + 3);
      }
    }
  }
  EXPECT_EQ(calls.front().front().first, 0);
  // Generation 0's 100 proposals used replications 0..299; generation 1 starts after them.
  EXPECT_GE(calls[1].front().first, 300);
  EXPECT_EQ(state.generations[0].proposals, 100);
}

TEST(AbcSmc, TruncatedPriorsAndHelpers) {
  Prior n;
  n.kind = Prior::Kind::normal;
  n.a = 0;
  n.b = 1;
  n.lo = 0;
  EXPECT_NEAR(n.quantile(0.5), 0.6744897501960817, 1e-9);  // the half-normal's median
  EXPECT_FALSE(n.contains(-0.1));
  EXPECT_EQ(n.density(-0.1), 0.0);
  Prior b;
  b.kind = Prior::Kind::beta;
  b.a = 2;
  b.b = 2;
  EXPECT_NEAR(b.quantile(0.5), 0.5, 1e-12);
  EXPECT_NEAR(b.density(0.5), 1.5, 1e-12);
  const std::vector<double> v = {1, 2, 3, 4};
  const std::vector<double> w = {1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(weighted_quantile(v, w, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(weighted_quantile(v, w, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(weighted_quantile(v, w, 1.0), 4.0);
  const std::vector<double> l = cholesky({4, 2, 2, 3}, 2);
  EXPECT_DOUBLE_EQ(l[0], 2.0);
  EXPECT_DOUBLE_EQ(l[2], 1.0);
  EXPECT_DOUBLE_EQ(l[3], std::sqrt(2.0));
  // A degenerate covariance (a direction without spread) still factors.
  EXPECT_NO_THROW(cholesky({1, 1, 1, 1}, 2));
}

}  // namespace
}  // namespace cxsim
