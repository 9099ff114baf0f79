// Sensitivity estimators: Sobol indices (Saltelli 2010 S1, Jansen 1999 ST) and Morris elementary
// effects, each with 95% bootstrap percentile intervals.
//
// Pure functions of model outputs: they know nothing of the engine, so they are tested alone
// against functions with analytic indices. Bootstrap resamples come from Purpose::design streams
// with a fixed seed, so the same outputs always give the same intervals.
#pragma once

#include <cstdint>
#include <vector>

#include "experiments/designs.hpp"

namespace cxsim {

// The default bootstrap seed: fixed, so intervals depend on the outputs alone.
inline constexpr std::uint64_t kBootstrapSeed = 0x5eedb007;

struct BootstrapOptions {
  int resamples = 500;                  // 0: no intervals (they are NaN)
  double confidence = 0.95;             // of the percentile intervals
  std::uint64_t seed = kBootstrapSeed;  // of the resampling streams
};

// Per factor. An index is NaN, with its interval and standard error, where the output does not
// vary (every yA and yB the same number, so V = 0), where yA or yB holds a NaN or an infinity
// (then every factor), or where that factor's yAB_i does.
struct SobolIndices {
  std::vector<double> s1, s1_low, s1_high, s1_se;
  std::vector<double> st, st_low, st_high, st_se;
  double variance = 0.0;  // V: the variance (divisor 2N) of all yA and yB together
};

// y_a[j], y_b[j]: the output at row j of A and of B; y_ab[i][j]: at row j of AB_i (A with column
// i from B), as saltelli_design lays them out. With V the variance of all yA and yB together:
//   S1_i = mean_j((yB_j - m) (yAB_ij - yA_j)) / V      (Saltelli et al. 2010; m the mean of
//                                                       yA and yB, as SALib centres outputs)
//   ST_i = mean_j((yA_j - yAB_ij)^2) / (2 V)           (Jansen 1999)
// Intervals: the base rows j are resampled with replacement (the same rows for every factor and
// for V), `resamples` times; each interval is the (1 -/+ confidence) / 2 percentiles (linear
// interpolation between order statistics) of the resampled indices, and se their standard
// deviation. Resamples where the resampled output does not vary are left out. Throws
// std::invalid_argument when the lengths differ or are zero.
SobolIndices sobol_indices(const std::vector<double>& y_a, const std::vector<double>& y_b,
                           const std::vector<std::vector<double>>& y_ab,
                           const BootstrapOptions& options = {});

// The same from the outputs of every point of saltelli_design(base_samples, factors, ...), in its
// order: A, B, AB_0, ..., AB_{k-1}, each a block of base_samples rows.
SobolIndices sobol_indices(const std::vector<double>& y, int base_samples, int factors,
                           const BootstrapOptions& options = {});

// Per factor. NaN where the output does not vary (every y the same number) or holds a NaN or an
// infinity next to one of the factor's steps.
struct MorrisIndices {
  std::vector<double> mu_star, mu_star_low, mu_star_high, mu_star_se;
  std::vector<double> mu, sigma;
};

// y[p]: the output at point p of design.points. Each step s of trajectory t gives the factor
// moved[s] one elementary effect EE = (y(after) - y(before)) / step[s], which is
// (y(x + delta e_i) - y(x)) / delta for a step up and for a step down alike. Per factor, over the
// r trajectories: mu = mean EE, mu_star = mean |EE|, sigma = sd of EE (divisor r - 1; NaN when
// r = 1). The mu_star interval resamples trajectories with replacement, as sobol_indices does
// rows. Throws std::invalid_argument when y does not have one value per point.
MorrisIndices morris_indices(const MorrisDesign& design, const std::vector<double>& y,
                             const BootstrapOptions& options = {});

}  // namespace cxsim
