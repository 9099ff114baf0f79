// From a block's design to the values each point sets.
#include "experiments/experiment_points.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "experiments/designs.hpp"
#include "experiments/experiment_file.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Points in the unit cube, each coordinate through its factor's range or quantiles.
ExperimentPoints from_unit(const ExperimentSpec& spec, const Design& design) {
  ExperimentPoints out;
  out.points = design.points;
  out.factors = design.factors;
  out.unit = design.values;
  out.values.resize(design.values.size());
  for (int p = 0; p < design.points; ++p) {
    for (int f = 0; f < design.factors; ++f) {
      out.values[static_cast<std::size_t>(p) * design.factors + f] =
          spec.factors[static_cast<std::size_t>(f)].at_unit(design.at(p, f));
    }
  }
  return out;
}

ExperimentPoints from_values(const Design& design) {
  ExperimentPoints out;
  out.points = design.points;
  out.factors = design.factors;
  out.values = design.values;
  out.unit.assign(design.values.size(), kNaN);
  return out;
}

ExperimentPoints tornado_points(const ExperimentSpec& spec) {
  const int k = static_cast<int>(spec.factors.size());
  Design unit{2 * k + 1, k, std::vector<double>(static_cast<std::size_t>((2 * k + 1) * k), 0.5)};
  for (int i = 0; i < k; ++i) {
    unit.at(2 * i + 1, i) = 0.05;
    unit.at(2 * i + 2, i) = 0.95;
  }
  return from_unit(spec, unit);
}

}  // namespace

ExperimentPoints make_points(const ExperimentSpec& spec, std::uint64_t seed) {
  const int k = static_cast<int>(spec.factors.size());
  std::vector<std::vector<double>> values;
  for (const auto& f : spec.factors) values.push_back(f.values);
  if (spec.kind == ExperimentKind::sweep) {
    ExperimentPoints out;
    switch (spec.sweep.design) {
      case SweepDesign::grid:
        out = from_values(grid_design(values));
        break;
      case SweepDesign::list:
        out = from_values(list_design(values));
        break;
      case SweepDesign::lhs:
        out = from_unit(spec, lhs_design(spec.sweep.points, k, seed));
        break;
      case SweepDesign::sobol:
        out = from_unit(spec, sobol_sequence(spec.sweep.points, k, seed));
        break;
    }
    for (int p = 0; p < out.points; ++p) {
      for (int f = 0; f < k; ++f) {
        const Factor& factor = spec.factors[static_cast<std::size_t>(f)];
        double& v = out.values[static_cast<std::size_t>(p) * k + f];
        if (factor.integer) v = std::nearbyint(v);
      }
    }
    out.base_point = true;
    return out;
  }
  const SensitivityBlock& s = spec.sensitivity;
  switch (s.method) {
    case SensitivityMethod::sobol:
      return from_unit(spec, saltelli_design(s.base_samples, k, seed));
    case SensitivityMethod::morris: {
      const MorrisDesign design = morris_design(s.trajectories, s.levels, k, seed);
      // The grid's ends 0 and 1 are the factors' p0.5 and p99.5 (a distribution has no finite
      // p0 or p100 in general): levels are spread over [0.005, 0.995].
      Design inner = design.points;
      for (double& u : inner.values) u = 0.005 + 0.99 * u;
      ExperimentPoints out = from_unit(spec, inner);
      out.unit = design.points.values;
      out.trajectories = design.trajectories;
      out.moved_factor = design.moved;
      out.step = design.step;
      return out;
    }
    case SensitivityMethod::tornado:
      return tornado_points(spec);
  }
  throw std::logic_error("unknown sensitivity method");
}

std::vector<std::string> point_overrides(const ExperimentSpec& spec, const ExperimentPoints& points,
                                         int point) {
  std::vector<std::string> out = spec.overrides;
  if (point >= points.points) return out;  // the base point
  for (int f = 0; f < points.factors; ++f) {
    for (const auto& path : spec.factors[static_cast<std::size_t>(f)].paths) {
      out.push_back(factor_assignment(path, points.at(point, f)));
    }
  }
  return out;
}

}  // namespace cxsim
