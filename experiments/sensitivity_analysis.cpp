// Indices per output and roadmap from the points' means, by the estimators of
// sensitivity_estimators.hpp; tornado levels read straight off its points.
#include "experiments/sensitivity_analysis.hpp"

#include <limits>

#include "experiments/designs.hpp"
#include "experiments/sensitivity_estimators.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::vector<std::string> sensitivity_index_names(SensitivityMethod method) {
  switch (method) {
    case SensitivityMethod::sobol:
      return {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"};
    case SensitivityMethod::morris:
      return {"mu_star", "mu_star_low", "mu_star_high", "mu", "sigma"};
    case SensitivityMethod::tornado:
      return {"low", "high", "base"};
  }
  return {};
}

std::vector<SensitivityTable> analyse_sensitivity(const ExperimentSpec& spec,
                                                  const ExperimentPoints& points,
                                                  const PointOutputs& outputs, std::uint64_t seed) {
  const SensitivityBlock& block = spec.sensitivity;
  const int k = points.factors;
  const int M = outputs.roadmaps;
  BootstrapOptions bootstrap;
  bootstrap.resamples = block.bootstrap;
  bootstrap.seed = seed;
  std::vector<SensitivityTable> tables;
  for (std::size_t o = 0; o < outputs.names.size(); ++o) {
    SensitivityTable table;
    table.output = outputs.names[o];
    table.index_names = sensitivity_index_names(block.method);
    table.values.assign(table.index_names.size(),
                        std::vector<double>(static_cast<std::size_t>(M) * k, kNaN));
    auto put = [&](std::size_t index, int roadmap, const std::vector<double>& per_factor) {
      for (int f = 0; f < k; ++f) {
        table.values[index][static_cast<std::size_t>(roadmap) * k + f] =
            per_factor[static_cast<std::size_t>(f)];
      }
    };
    for (int m = 0; m < M; ++m) {
      std::vector<double> y(static_cast<std::size_t>(points.points));
      for (int p = 0; p < points.points; ++p) y[static_cast<std::size_t>(p)] = outputs.at(o, p, m);
      switch (block.method) {
        case SensitivityMethod::sobol: {
          const SobolIndices s = sobol_indices(y, block.base_samples, k, bootstrap);
          put(0, m, s.s1);
          put(1, m, s.s1_low);
          put(2, m, s.s1_high);
          put(3, m, s.st);
          put(4, m, s.st_low);
          put(5, m, s.st_high);
          break;
        }
        case SensitivityMethod::morris: {
          MorrisDesign design;
          design.trajectories = points.trajectories;
          design.factors = k;
          design.levels = block.levels;
          design.points = Design{points.points, k, points.unit};
          design.moved = points.moved_factor;
          design.step = points.step;
          const MorrisIndices s = morris_indices(design, y, bootstrap);
          put(0, m, s.mu_star);
          put(1, m, s.mu_star_low);
          put(2, m, s.mu_star_high);
          put(3, m, s.mu);
          put(4, m, s.sigma);
          break;
        }
        case SensitivityMethod::tornado: {
          std::vector<double> low(static_cast<std::size_t>(k)), high(low.size()),
              base(low.size(), y[0]);
          for (int f = 0; f < k; ++f) {
            low[static_cast<std::size_t>(f)] = y[static_cast<std::size_t>(2 * f + 1)];
            high[static_cast<std::size_t>(f)] = y[static_cast<std::size_t>(2 * f + 2)];
          }
          put(0, m, low);
          put(1, m, high);
          put(2, m, base);
          break;
        }
      }
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace cxsim
