// Reading an experiment file (EXPERIMENTS.md): the same YAML machinery and the same precise
// errors as scenario files (`file:line:col: key: what (got ...; expected ...)`, exit 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "engine/core/scenario.hpp"
#include "experiments/experiment_spec.hpp"

namespace cxsim {

struct ExperimentLoadOptions {
  std::vector<std::string> overrides;  // --set path=value, applied after the file's `set`
  std::optional<std::int64_t> replications;
  std::optional<std::uint64_t> seed;
};

// The validated experiment with its base scenario, read once.
struct LoadedExperiment {
  ExperimentSpec spec;
  ScenarioSource source;  // the scenario file, parsed, extends merged
  Scenario base;          // source with spec.overrides
};

// Reads `path` for the command of `expected`. ScenarioError with every problem found: unknown
// keys (with did-you-mean), wrong types, a missing or foreign block, factor paths that name
// nothing, ranges a scenario refuses (checked by loading the scenario at each factor's ends, the
// scenario's message blamed on the factor's line), and the scenario's own errors.
LoadedExperiment load_experiment(const std::string& path, ExperimentKind expected,
                                 const ExperimentLoadOptions& options = {});

// The same from text (experiment and scenario paths relative to base_dir).
LoadedExperiment load_experiment_text(const std::string& text, const std::string& display_name,
                                      const std::string& base_dir, ExperimentKind expected,
                                      const ExperimentLoadOptions& options = {});

// "path=value" with the value written so that it reads back to the same double.
std::string factor_assignment(const std::string& path, double value);

}  // namespace cxsim
