// What an experiment file asks for (EXPERIMENTS.md), after validation: the base scenario with its
// overrides, the outputs studied, and the block of one command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "config/yaml_tree.hpp"
#include "engine/core/distribution.hpp"
#include "engine/core/parameters.hpp"
#include "experiments/attribute_block.hpp"
#include "experiments/calibrate_block.hpp"
#include "experiments/optimize_spec.hpp"

namespace cxsim {

enum class ExperimentKind { sweep, sensitivity, optimize, attribute, calibrate };
const char* to_string(ExperimentKind kind);

enum class SweepDesign { grid, list, lhs, sobol };
const char* to_string(SweepDesign design);

enum class SensitivityMethod { sobol, morris, tornado };
const char* to_string(SensitivityMethod method);

// One factor: the scenario paths it sets (several when a `*` path moves `together`) and where its
// values come from.
struct Factor {
  std::string name;                // /coords/factor: the path (expanded when `*` made several)
  std::vector<std::string> paths;  // what it sets, each as --set path=value
  enum class Source { values, range, distribution } source = Source::range;
  std::vector<double> values;  // Source::values
  double lo = 0.0;             // Source::range
  double hi = 1.0;
  Distribution distribution;  // Source::distribution: the scenario's own, sampled by inverse CDF
  bool integer = false;  // an integral key (agents, ...): values rounded to the nearest integer
  // A distribution's quantiles are kept in its slot's bounds, as its draws are in a run.
  double clamp_lo = -kInf;
  double clamp_hi = kInf;
  SourceLoc loc;  // where the factor is written (for messages)

  // The factor's value at u in (0, 1): the range's or the distribution's u-quantile.
  double at_unit(double u) const;
  // Low, middle and high levels of a tornado: p05, p50, p95 (EXPERIMENTS.md "Details").
  double low() const { return at_unit(0.05); }
  double middle() const { return at_unit(0.5); }
  double high() const { return at_unit(0.95); }
};

struct SweepBlock {
  SweepDesign design = SweepDesign::grid;
  int points = 0;  // lhs / sobol
};

struct SensitivityBlock {
  SensitivityMethod method = SensitivityMethod::sobol;
  int base_samples = 512;  // sobol: N, a power of 2
  int trajectories = 20;   // morris: r
  int levels = 4;          // morris: p
  int bootstrap = 500;
};

struct ExperimentSpec {
  std::string file;           // the experiment file as given
  std::string scenario_file;  // resolved relative to the experiment file
  ExperimentKind kind = ExperimentKind::sweep;
  // Every override of the base scenario, in order: the file's `set`, then --set, --replications
  // and --seed of the command line, then the file's replications and seed (unless the command
  // line gave them). The base scenario is the scenario file with these.
  std::vector<std::string> overrides;
  std::vector<std::string> outputs;  // summary metric names; default [delta_npv]
  std::vector<Factor> factors;
  SweepBlock sweep;
  SensitivityBlock sensitivity;
  AttributeBlock attribute;
  OptimizeBlock optimize;
  CalibrateBlock calibrate;
  // The resolved experiment (YAML): what /experiment holds and experiment_sha256 digests.
  std::string resolved_yaml;
};

}  // namespace cxsim
