// ABC-SMC: generation 0 from the prior, then generations of proposals perturbed from the previous
// one, simulated in batches and accepted in proposal order until `particles` are accepted.
#include "experiments/abc_smc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "config/yaml_values.hpp"
#include "experiments/design_streams.hpp"

namespace cxsim {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The prior's own CDF and quantile (untruncated), through Boost.Math.
double raw_cdf(const Prior& p, double x) {
  switch (p.kind) {
    case Prior::Kind::uniform:
      return std::clamp((x - p.a) / (p.b - p.a), 0.0, 1.0);
    case Prior::Kind::normal:
      return boost::math::cdf(boost::math::normal(p.a, p.b), x);
    case Prior::Kind::lognormal:
      return x <= 0 ? 0.0 : boost::math::cdf(boost::math::lognormal(p.a, p.b), x);
    case Prior::Kind::beta:
      return x <= 0   ? 0.0
             : x >= 1 ? 1.0
                      : boost::math::cdf(boost::math::beta_distribution(p.a, p.b), x);
  }
  return kNaN;
}

double raw_quantile(const Prior& p, double u) {
  switch (p.kind) {
    case Prior::Kind::uniform:
      return p.a + u * (p.b - p.a);
    case Prior::Kind::normal:
      return boost::math::quantile(boost::math::normal(p.a, p.b), u);
    case Prior::Kind::lognormal:
      return boost::math::quantile(boost::math::lognormal(p.a, p.b), u);
    case Prior::Kind::beta:
      return boost::math::quantile(boost::math::beta_distribution(p.a, p.b), u);
  }
  return kNaN;
}

// The standard normal quantile of a stream uniform (never 0 or 1).
double normal_draw(Stream& stream) {
  return boost::math::quantile(boost::math::normal(), stream.uniform());
}

double effective_sample_size(std::span<const double> w) {
  double s = 0, s2 = 0;
  for (const double x : w) {
    s += x;
    s2 += x * x;
  }
  return s2 > 0 ? s * s / s2 : 0.0;
}

void normalise(std::vector<double>& w) {
  const double s = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= s;
}

}  // namespace

const char* to_string(Prior::Kind kind) {
  switch (kind) {
    case Prior::Kind::uniform:
      return "uniform";
    case Prior::Kind::normal:
      return "normal";
    case Prior::Kind::lognormal:
      return "lognormal";
    case Prior::Kind::beta:
      return "beta";
  }
  return "?";
}

bool Prior::contains(double x) const {
  if (!std::isfinite(x) || x < lo || x > hi) return false;
  switch (kind) {
    case Kind::uniform:
      return x >= a && x <= b;
    case Kind::normal:
      return true;
    case Kind::lognormal:
      return x > 0;
    case Kind::beta:
      return x > 0 && x < 1;
  }
  return false;
}

double Prior::density(double x) const {
  if (!contains(x)) return 0.0;
  switch (kind) {
    case Kind::uniform:
      return 1.0 / (b - a);
    case Kind::normal:
      return boost::math::pdf(boost::math::normal(a, b), x);
    case Kind::lognormal:
      return boost::math::pdf(boost::math::lognormal(a, b), x);
    case Kind::beta:
      return boost::math::pdf(boost::math::beta_distribution(a, b), x);
  }
  return 0.0;
}

double Prior::quantile(double u) const {
  const double f_lo = std::isfinite(lo) ? raw_cdf(*this, lo) : 0.0;
  const double f_hi = std::isfinite(hi) ? raw_cdf(*this, hi) : 1.0;
  const double v = f_lo + u * (f_hi - f_lo);
  double x = raw_quantile(*this, std::clamp(v, 1e-300, 1.0 - 1e-16));
  x = std::clamp(x, lo, hi);
  return x;
}

std::string Prior::to_yaml() const {
  std::string out =
      fmt::format("{{{}: [{}, {}]}}", to_string(kind), format_number(a), format_number(b));
  const bool truncated = (std::isfinite(lo) || std::isfinite(hi));
  if (truncated) {
    out += fmt::format(" truncated to [{}, {}]", format_number(lo), format_number(hi));
  }
  return out;
}

const char* to_string(AbcStop stop) {
  switch (stop) {
    case AbcStop::max_generations:
      return "max_generations";
    case AbcStop::epsilon_stalled:
      return "epsilon_stalled";
    case AbcStop::min_epsilon:
      return "min_epsilon";
    case AbcStop::max_simulations:
      return "max_simulations";
    case AbcStop::min_acceptance_rate:
      return "min_acceptance_rate";
    case AbcStop::interrupted:
      return "interrupted";
  }
  return "?";
}

std::string describe_stop(AbcStop stop, const AbcSettings& s) {
  switch (stop) {
    case AbcStop::max_generations:
      return fmt::format("reached max_generations ({})", s.max_generations);
    case AbcStop::epsilon_stalled:
      return fmt::format(
          "epsilon stalled (the next epsilon would fall by less than min_epsilon_decrease = {})",
          format_number(s.min_epsilon_decrease));
    case AbcStop::min_epsilon:
      return fmt::format("reached min_epsilon ({})", format_number(s.min_epsilon));
    case AbcStop::max_simulations:
      return fmt::format("reached max_simulations ({}) during a generation", s.max_simulations);
    case AbcStop::min_acceptance_rate:
      return fmt::format("the acceptance rate fell below min_acceptance_rate ({})",
                         format_number(s.min_acceptance_rate));
    case AbcStop::interrupted:
      return "interrupted";
  }
  return "?";
}

double abc_distance(const AbcObserved& observed, std::span<const double> scale,
                    std::span<const double> simulated) {
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t c = 0; c < observed.values.size(); ++c) {
    const double o = observed.values[c];
    if (std::isnan(o)) continue;
    const double s = simulated[c];
    if (!std::isfinite(s)) return kInfinity;
    const double z = (s - o) / scale[static_cast<std::size_t>(observed.series[c])];
    sum += z * z;
    ++n;
  }
  return n > 0 ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
}

std::vector<double> abc_scale(const AbcObserved& observed,
                              const std::vector<std::vector<double>>& simulated) {
  const auto S = static_cast<std::size_t>(observed.series_count);
  std::vector<double> var_sum(S, 0.0), abs_sum(S, 0.0);
  std::vector<std::size_t> cells(S, 0);
  for (std::size_t c = 0; c < observed.values.size(); ++c) {
    const double o = observed.values[c];
    if (std::isnan(o)) continue;
    const auto s = static_cast<std::size_t>(observed.series[c]);
    double m = 0, m2 = 0;
    std::size_t n = 0;
    for (const auto& sim : simulated) {
      if (!std::isfinite(sim[c])) continue;
      m += sim[c];
      m2 += sim[c] * sim[c];
      ++n;
    }
    double v = 0;
    if (n > 1) {
      m /= static_cast<double>(n);
      v = std::max(0.0, (m2 - static_cast<double>(n) * m * m) / static_cast<double>(n - 1));
    }
    var_sum[s] += v;
    abs_sum[s] += std::abs(o);
    ++cells[s];
  }
  std::vector<double> out(S, 1.0);
  for (std::size_t s = 0; s < S; ++s) {
    if (cells[s] == 0) continue;
    const double sd = std::sqrt(var_sum[s] / static_cast<double>(cells[s]));
    const double mean_abs = abs_sum[s] / static_cast<double>(cells[s]);
    out[s] = std::isfinite(sd) && sd > 0 ? sd : (mean_abs > 0 ? mean_abs : 1.0);
  }
  return out;
}

double weighted_quantile(std::span<const double> values, std::span<const double> weights,
                         double q) {
  std::vector<std::size_t> order;
  double total = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i]) || !(weights[i] > 0)) continue;
    order.push_back(i);
    total += weights[i];
  }
  if (order.empty()) return kNaN;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  // Midpoint CDF: value i sits at (cumulative weight before it + half its own) / total.
  double before = 0.0;
  double prev_p = 0.0, prev_x = values[order[0]];
  for (std::size_t j = 0; j < order.size(); ++j) {
    const double w = weights[order[j]];
    const double p = (before + 0.5 * w) / total;
    const double x = values[order[j]];
    if (q <= p) {
      if (j == 0) return x;
      return prev_x + (x - prev_x) * (q - prev_p) / (p - prev_p);
    }
    before += w;
    prev_p = p;
    prev_x = x;
  }
  return prev_x;
}

void weighted_moments(std::span<const double> particles, std::span<const double> weights, int k,
                      std::vector<double>& mean, std::vector<double>& covariance) {
  const auto K = static_cast<std::size_t>(k);
  const std::size_t n = weights.size();
  mean.assign(K, 0.0);
  covariance.assign(K * K, 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += weights[i];
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < K; ++a) mean[a] += weights[i] / total * particles[i * K + a];
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double w = weights[i] / total;
    for (std::size_t a = 0; a < K; ++a) {
      const double da = particles[i * K + a] - mean[a];
      for (std::size_t b = 0; b < K; ++b) {
        covariance[a * K + b] += w * da * (particles[i * K + b] - mean[b]);
      }
    }
  }
}

std::vector<double> cholesky(std::vector<double> a, int k) {
  const auto K = static_cast<std::size_t>(k);
  // A ridge of 1e-10 of the largest diagonal (or of 1 when all are 0) keeps a degenerate
  // covariance (particles equal in some direction) factorable.
  double largest = 0.0;
  for (std::size_t i = 0; i < K; ++i) largest = std::max(largest, a[i * K + i]);
  const double ridge = 1e-10 * (largest > 0 ? largest : 1.0);
  for (int attempt = 0; attempt < 40; ++attempt) {
    std::vector<double> l(K * K, 0.0);
    bool ok = true;
    for (std::size_t i = 0; i < K && ok; ++i) {
      for (std::size_t j = 0; j <= i; ++j) {
        double s = a[i * K + j];
        for (std::size_t m = 0; m < j; ++m) s -= l[i * K + m] * l[j * K + m];
        if (i == j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          l[i * K + i] = std::sqrt(s);
        } else {
          l[i * K + j] = s / l[j * K + j];
        }
      }
    }
    if (ok) return l;
    for (std::size_t i = 0; i < K; ++i) a[i * K + i] += ridge * std::ldexp(1.0, attempt);
  }
  throw std::runtime_error("ABC-SMC: the kernel covariance is not positive definite");
}

namespace {

// The kernel: N(0, 2 Sigma) through its Cholesky factor and the inverse for densities.
struct Kernel {
  int k = 0;
  std::vector<double> lower;  // L with L L^T = 2 Sigma
  // exp(-0.5 |L^-1 d|^2): the density up to its constant (the same for every pair).
  double density(std::span<const double> d) const {
    const auto K = static_cast<std::size_t>(k);
    double q = 0.0;
    std::vector<double> y(K);
    for (std::size_t i = 0; i < K; ++i) {
      double s = d[i];
      for (std::size_t j = 0; j < i; ++j) s -= lower[i * K + j] * y[j];
      y[i] = s / lower[i * K + i];
      q += y[i] * y[i];
    }
    return std::exp(-0.5 * q);
  }
};

Kernel make_kernel(const AbcGeneration& g, int k) {
  std::vector<double> mean, cov;
  weighted_moments(g.particles, g.weights, k, mean, cov);
  for (double& c : cov) c *= 2.0;
  return Kernel{k, cholesky(cov, k)};
}

double prior_density(const std::vector<Prior>& priors, std::span<const double> theta) {
  double p = 1.0;
  for (std::size_t i = 0; i < priors.size(); ++i) p *= priors[i].density(theta[i]);
  return p;
}

// A generation being filled.
struct Filling {
  std::vector<double> particles, distances;
  std::int64_t proposals = 0;  // up to the last used
  std::int64_t simulations = 0;
  int accepted = 0;
};

}  // namespace

AbcStop run_abc_smc(const std::vector<Prior>& priors, const AbcObserved& observed,
                    const AbcSettings& settings, AbcState& state, const AbcSimulator& simulate,
                    const AbcCallbacks& callbacks) {
  const int k = static_cast<int>(priors.size());
  const auto K = static_cast<std::size_t>(k);
  const int N = settings.particles;
  const int R = settings.replications;
  const int batch = settings.batch > 0 ? settings.batch : N;
  if (k == 0 || N < 1 || R < 1) throw std::invalid_argument("ABC-SMC: nothing to calibrate");

  for (;;) {
    const int g = static_cast<int>(state.generations.size());
    // Stop rules between generations.
    if (g >= 1) {
      const AbcGeneration& last = state.generations.back();
      if (g >= settings.max_generations) return AbcStop::max_generations;
      if (g >= 2 && last.epsilon <= settings.min_epsilon) return AbcStop::min_epsilon;
      if (state.simulations >= settings.max_simulations) return AbcStop::max_simulations;
      const double next =
          weighted_quantile(last.distances, std::vector<double>(last.distances.size(), 1.0),
                            settings.epsilon_quantile);
      if (g >= 2 && next > (1.0 - settings.min_epsilon_decrease) * last.epsilon) {
        return AbcStop::epsilon_stalled;
      }
    }
    const double epsilon =
        g == 0
            ? kInfinity
            : weighted_quantile(state.generations.back().distances,
                                std::vector<double>(state.generations.back().distances.size(), 1.0),
                                settings.epsilon_quantile);
    Kernel kernel;
    std::vector<double> cumulative;  // of the previous weights, for picking a particle
    if (g >= 1) {
      const AbcGeneration& prev = state.generations.back();
      kernel = make_kernel(prev, k);
      cumulative.resize(prev.weights.size());
      std::partial_sum(prev.weights.begin(), prev.weights.end(), cumulative.begin());
    }
    auto propose = [&](std::int64_t index, std::vector<double>& theta) {
      Stream stream = abc_stream(settings.seed, static_cast<std::uint32_t>(g),
                                 static_cast<std::uint32_t>(index));
      theta.assign(K, 0.0);
      if (g == 0) {
        for (std::size_t i = 0; i < K; ++i) theta[i] = priors[i].quantile(stream.uniform());
        return true;
      }
      const AbcGeneration& prev = state.generations.back();
      const double u = stream.uniform() * cumulative.back();
      const auto j = static_cast<std::size_t>(std::min<std::ptrdiff_t>(
          std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin(),
          static_cast<std::ptrdiff_t>(cumulative.size()) - 1));
      std::vector<double> z(K);
      for (std::size_t i = 0; i < K; ++i) z[i] = normal_draw(stream);
      for (std::size_t i = 0; i < K; ++i) {
        double s = prev.particles[j * K + i];
        for (std::size_t m = 0; m <= i; ++m) s += kernel.lower[i * K + m] * z[m];
        theta[i] = s;
      }
      for (std::size_t i = 0; i < K; ++i) {
        if (!priors[i].contains(theta[i])) return false;
      }
      return true;
    };

    Filling fill;
    std::int64_t next_proposal = 0;
    std::vector<std::vector<double>> summaries_g0;  // generation 0: for the scale
    std::vector<std::vector<double>> thetas_g0;
    while (fill.accepted < N) {
      // A batch: up to `batch` proposals inside the prior, within the budget.
      const std::int64_t room = (settings.max_simulations - state.simulations) / R;
      if (room <= 0) return AbcStop::max_simulations;
      std::vector<AbcProposal> todo;
      std::vector<std::int64_t> index;
      // Generation 0 accepts every proposal: no more than the particles still missing.
      const std::int64_t want =
          std::min<std::int64_t>(g == 0 ? std::min(batch, N - fill.accepted) : batch, room);
      std::int64_t drawn = 0;
      std::vector<double> theta;
      while (static_cast<std::int64_t>(todo.size()) < want) {
        const std::int64_t p = next_proposal++;
        ++drawn;
        if (!propose(p, theta)) continue;
        todo.push_back({theta, state.next_replication + p * R, R});
        index.push_back(p);
        if (drawn > 1000 * static_cast<std::int64_t>(batch) && todo.empty()) break;
      }
      std::optional<std::vector<std::vector<double>>> results;
      if (!todo.empty()) {
        results = simulate(todo);
        if (!results) return AbcStop::interrupted;
      }
      const auto simulated = static_cast<std::int64_t>(todo.size()) * R;
      state.simulations += simulated;
      fill.simulations += simulated;
      if (g == 0) {
        // Every proposal is accepted; distances once the scale is known.
        for (std::size_t i = 0; i < todo.size() && fill.accepted < N; ++i) {
          thetas_g0.push_back(todo[i].theta);
          summaries_g0.push_back((*results)[i]);
          fill.proposals = index[i] + 1;
          ++fill.accepted;
        }
      } else {
        std::int64_t last_used = next_proposal;  // all drawn are used unless N is reached
        for (std::size_t i = 0; i < todo.size() && fill.accepted < N; ++i) {
          const double d = abc_distance(observed, state.scale, (*results)[i]);
          if (d <= epsilon) {
            fill.particles.insert(fill.particles.end(), todo[i].theta.begin(), todo[i].theta.end());
            fill.distances.push_back(d);
            ++fill.accepted;
            if (fill.accepted == N) last_used = index[i] + 1;
          }
        }
        fill.proposals = last_used;
      }
      if (callbacks.batch_done) {
        callbacks.batch_done({g, fill.accepted, fill.proposals, state.simulations, epsilon});
      }
      if (fill.accepted >= N) break;
      if (state.simulations >= settings.max_simulations) return AbcStop::max_simulations;
      if (g >= 1 && fill.proposals > 0 &&
          static_cast<double>(fill.accepted) / static_cast<double>(fill.proposals) <
              settings.min_acceptance_rate) {
        return AbcStop::min_acceptance_rate;
      }
    }

    AbcGeneration gen;
    gen.epsilon = epsilon;
    gen.proposals = fill.proposals;
    gen.simulations = fill.simulations;
    if (g == 0) {
      state.scale = abc_scale(observed, summaries_g0);
      for (std::size_t i = 0; i < thetas_g0.size(); ++i) {
        gen.particles.insert(gen.particles.end(), thetas_g0[i].begin(), thetas_g0[i].end());
        gen.distances.push_back(abc_distance(observed, state.scale, summaries_g0[i]));
      }
      gen.weights.assign(static_cast<std::size_t>(N), 1.0 / N);
    } else {
      const AbcGeneration& prev = state.generations.back();
      gen.particles = std::move(fill.particles);
      gen.distances = std::move(fill.distances);
      gen.weights.resize(static_cast<std::size_t>(N));
      std::vector<double> d(K);
      for (std::size_t i = 0; i < static_cast<std::size_t>(N); ++i) {
        const std::span<const double> theta(gen.particles.data() + i * K, K);
        double mix = 0.0;
        for (std::size_t j = 0; j < prev.weights.size(); ++j) {
          for (std::size_t a = 0; a < K; ++a) d[a] = theta[a] - prev.particles[j * K + a];
          mix += prev.weights[j] * kernel.density(d);
        }
        gen.weights[i] = prior_density(priors, theta) / mix;
      }
      normalise(gen.weights);
    }
    gen.ess = effective_sample_size(gen.weights);
    state.next_replication += gen.proposals * R;
    state.generations.push_back(std::move(gen));
    if (callbacks.generation_done) callbacks.generation_done(state);
  }
}

std::optional<std::vector<std::vector<double>>> abc_posterior_predictive(
    const AbcState& state, int parameters, const AbcSimulator& simulate) {
  const AbcGeneration& last = state.generations.back();
  const auto K = static_cast<std::size_t>(parameters);
  std::vector<AbcProposal> todo;
  for (std::size_t i = 0; i < last.weights.size(); ++i) {
    todo.push_back(
        {std::vector<double>(last.particles.begin() + static_cast<std::ptrdiff_t>(i * K),
                             last.particles.begin() + static_cast<std::ptrdiff_t>((i + 1) * K)),
         state.next_replication + static_cast<std::int64_t>(i), 1});
  }
  return simulate(todo);
}

}  // namespace cxsim
