// Sensitivity indices of each output from the points' means: Sobol (Saltelli S1, Jansen ST),
// Morris (mu*, mu, sigma) with 95% bootstrap intervals, or a tornado (EXPERIMENTS.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/experiment_points.hpp"
#include "experiments/experiment_spec.hpp"

namespace cxsim {

// Each output's mean over a point's replications (NaN excluded), [point][roadmap].
struct PointOutputs {
  int points = 0;  // the design's points (the base point excluded)
  int roadmaps = 0;
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // per output: [point][roadmap]
  double at(std::size_t output, int point, int roadmap) const {
    return values[output][static_cast<std::size_t>(point) * roadmaps + roadmap];
  }
};

// /sensitivity/<output>/<index> [roadmap, factor].
struct SensitivityTable {
  std::string output;
  std::vector<std::string> index_names;     // sobol: S1, S1_low, ...; morris: mu_star, ...
  std::vector<std::vector<double>> values;  // per index: [roadmap][factor]
};

// The index names of a method, in file order.
std::vector<std::string> sensitivity_index_names(SensitivityMethod method);

// Indices of every output and roadmap; NaN where the output does not vary. Bootstrap resamples
// are drawn from `seed`, so the file is the same at any thread count.
std::vector<SensitivityTable> analyse_sensitivity(const ExperimentSpec& spec,
                                                  const ExperimentPoints& points,
                                                  const PointOutputs& outputs, std::uint64_t seed);

}  // namespace cxsim
