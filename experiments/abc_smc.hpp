// ABC-SMC (approximate Bayesian computation by sequential Monte Carlo): Beaumont et al. 2009
// importance weights, a Gaussian perturbation kernel with twice the previous generation's
// weighted covariance, and an adaptive epsilon (Del Moral et al. 2012 style: each tolerance a
// quantile of the previous generation's accepted distances). Pure: the simulator is a callback,
// so the algorithm is tested against closed forms without the engine.
//
// Random numbers: proposal i of generation g draws from its own counter-based stream keyed by
// (seed, g, i), and its simulations use replication indices of their own (first_replication), so
// simulations are independent and a run is the same at any thread count and after a resume.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cxsim {

// A prior on one parameter, truncated to [lo, hi] (the parameter's own bounds, or the support).
struct Prior {
  enum class Kind { uniform, normal, lognormal, beta };
  Kind kind = Kind::uniform;
  double a = 0.0;  // uniform lo | normal mean | lognormal mu | beta alpha
  double b = 1.0;  // uniform hi | normal sd | lognormal sigma | beta beta
  double lo = -std::numeric_limits<double>::infinity();  // truncation
  double hi = std::numeric_limits<double>::infinity();

  // Whether x lies in the (truncated) support.
  bool contains(double x) const;
  // The density at x up to a constant (0 outside the support).
  double density(double x) const;
  // The u-quantile of the truncated prior, u in (0, 1).
  double quantile(double u) const;
  // "{uniform: [0.005, 0.02]}" (with "truncated to [lo, hi]" when truncated).
  std::string to_yaml() const;
};
const char* to_string(Prior::Kind kind);

// The observed cells the distance runs over: values (NaN: missing) and the series each belongs
// to, whose scale standardises it.
struct AbcObserved {
  std::vector<double> values;
  std::vector<int> series;  // per cell, 0..series_count-1
  int series_count = 0;
};

struct AbcSettings {
  std::uint64_t seed = 0;
  int particles = 400;
  std::int64_t max_simulations = 40000;
  double min_acceptance_rate = 0.01;
  double epsilon_quantile = 0.5;       // next epsilon: this quantile of the accepted distances
  int max_generations = 20;            // generations at most, generation 0 included
  double min_epsilon_decrease = 0.02;  // stop when the next epsilon would fall by less (relative)
  double min_epsilon = 0.0;            // stop once epsilon is at or below this
  int replications = 1;                // simulations averaged per proposal
  int batch = 0;                       // proposals simulated per batch (0: particles)
};

// What ended a run.
enum class AbcStop {
  max_generations,
  epsilon_stalled,
  min_epsilon,
  max_simulations,
  min_acceptance_rate,
  interrupted,
};
const char* to_string(AbcStop stop);
// The sentence naming the limit, for the command's message.
std::string describe_stop(AbcStop stop, const AbcSettings& settings);

// One completed generation.
struct AbcGeneration {
  double epsilon = std::numeric_limits<double>::infinity();  // generation 0: infinite
  std::vector<double> particles;                             // [particle][parameter]
  std::vector<double> weights;                               // normalised to sum 1
  std::vector<double> distances;                             // of the accepted particles
  std::int64_t proposals = 0;    // drawn up to the last one used (outside the prior included)
  std::int64_t simulations = 0;  // simulations run (in-flight extras included)
  double ess = 0.0;              // (sum w)^2 / sum w^2
  double acceptance_rate() const {
    return proposals > 0 ? static_cast<double>(weights.size()) / static_cast<double>(proposals)
                         : 0.0;
  }
};

// Everything a run needs to continue: what a resume reads back.
struct AbcState {
  std::vector<AbcGeneration> generations;
  std::vector<double> scale;          // per series, from generation 0's simulations
  std::int64_t next_replication = 0;  // first replication index not used yet
  std::int64_t simulations = 0;       // all simulations so far (the budget's count)
};

// A proposal to simulate: its parameter values and the first of its replication indices
// (first_replication .. first_replication + replications - 1), whose summaries are averaged.
struct AbcProposal {
  std::vector<double> theta;
  std::int64_t first_replication = 0;
  int replications = 1;
};

// Simulates proposals (in parallel as it likes): for each, the summaries of the observed cells,
// averaged over its replications. nullopt when interrupted.
using AbcSimulator =
    std::function<std::optional<std::vector<std::vector<double>>>(std::span<const AbcProposal>)>;

struct AbcProgress {
  int generation = 0;
  int accepted = 0;
  std::int64_t proposals = 0;
  std::int64_t simulations = 0;  // of the run
  double epsilon = 0.0;
};

struct AbcCallbacks {
  std::function<void(const AbcState&)> generation_done;  // after each completed generation
  std::function<void(const AbcProgress&)> batch_done;    // after each batch
};

// Runs (or continues, from state.generations) until a stop rule; the posterior is the last
// generation of state. Generation 0 must complete within the budget (the caller checks
// max_simulations >= particles * replications).
AbcStop run_abc_smc(const std::vector<Prior>& priors, const AbcObserved& observed,
                    const AbcSettings& settings, AbcState& state, const AbcSimulator& simulate,
                    const AbcCallbacks& callbacks = {});

// Standardised distance of summaries to the observed cells: the root mean square of
// (simulated - observed) / scale[series] over the cells observed (NaN skipped); infinite when a
// simulated cell is NaN where one is observed.
double abc_distance(const AbcObserved& observed, std::span<const double> scale,
                    std::span<const double> simulated);

// Per series: the root mean, over its observed cells, of the variance of the simulated cell over
// the simulations; where that is 0 or not finite, the mean |observed| of the series, else 1.
std::vector<double> abc_scale(const AbcObserved& observed,
                              const std::vector<std::vector<double>>& simulated);

// Weighted quantile (weights need not sum to 1) of values, by the weighted empirical CDF with
// linear interpolation between the midpoints of the sorted values' weight masses.
double weighted_quantile(std::span<const double> values, std::span<const double> weights, double q);

// The weighted mean and covariance of particles [n][k] (k x k, row-major).
void weighted_moments(std::span<const double> particles, std::span<const double> weights, int k,
                      std::vector<double>& mean, std::vector<double>& covariance);

// Lower Cholesky factor of a symmetric positive-definite k x k matrix (row-major), after adding
// a small ridge to the diagonal where it is not positive definite.
std::vector<double> cholesky(std::vector<double> a, int k);

// The posterior-predictive draws: one simulation at each particle of the last generation, with
// replication indices after every one the run used. Summaries per particle.
std::optional<std::vector<std::vector<double>>> abc_posterior_predictive(
    const AbcState& state, int parameters, const AbcSimulator& simulate);

}  // namespace cxsim
