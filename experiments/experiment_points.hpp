// The points of an experiment: the design of its block turned into factor values, and each
// point's overrides of the base scenario.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/experiment_spec.hpp"

namespace cxsim {

struct ExperimentPoints {
  int points = 0;
  int factors = 0;
  std::vector<double> values;  // [point][factor]: the value each point sets
  std::vector<double> unit;    // [point][factor]: the same in the unit cube (NaN for value lists)
  // sweep: a reference point that sets no factor (the base scenario as it is), run after the
  // design as point index `points`; the sweep's paired differences are against it.
  bool base_point = false;
  // morris: per trajectory and step (k steps after its first point), the factor moved and its
  // signed step in the unit cube.
  int trajectories = 0;
  std::vector<int> moved_factor;
  std::vector<double> step;

  double at(int point, int factor) const {
    return values[static_cast<std::size_t>(point) * factors + factor];
  }
  // Points to run: the design's, and the base point when there is one.
  int runs() const { return points + (base_point ? 1 : 0); }
};

// The design of the experiment's block, its random parts drawn from `seed` (the base scenario's).
// Sweep grid: Cartesian product, last factor fastest; list: point i takes value i of each factor;
// lhs / sobol: `points` points in the unit cube through each factor's range or quantiles.
// Sensitivity sobol: the N (k + 2) points of saltelli_design; morris: r (k + 1) points of
// morris_design; tornado: point 0 every factor at its median, then for factor i point 2i + 1 at
// its p05 and 2i + 2 at its p95, the others at their medians.
ExperimentPoints make_points(const ExperimentSpec& spec, std::uint64_t seed);

// The overrides of point `point` (0 .. runs() - 1): the experiment's own, then one
// path=value per path of each factor (none for the base point).
std::vector<std::string> point_overrides(const ExperimentSpec& spec, const ExperimentPoints& points,
                                         int point);

}  // namespace cxsim
