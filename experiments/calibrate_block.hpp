// The `calibrate` block of an experiment file (EXPERIMENTS.md): the observed history, the roadmap
// it was lived under, a prior per parameter path, and the ABC-SMC settings; read with the same
// precise errors as the rest of the file.
#pragma once

#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "config/yaml_tree.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/scenario.hpp"
#include "experiments/abc_smc.hpp"
#include "experiments/observed_history.hpp"

namespace cxsim {

struct CalibratedParameter {
  std::string path;  // a scenario path, or <path>.<kind>.<index>
  Prior prior;       // truncated to the parameter's bounds
  std::string prior_as_written;
  SourceLoc loc;
};

struct CalibrateBlock {
  std::string observed_as_written;  // relative to the experiment file
  std::string observed_file;        // resolved
  ObservedHistory history;
  std::string roadmap;
  int roadmap_index = 0;
  std::vector<CalibratedParameter> parameters;
  AbcSettings settings;  // seed and replications from the experiment's base scenario
  // summary: total (the default): the distance over each series' sum of its observed months
  // (one cell per series); summary: monthly, over every observed month. Totals are the default
  // since their 90% intervals cover the truth as they should in the coverage study
  // (docs/experiments.md), where every month's cell over-covers.
  bool totals = true;
  SourceLoc loc;
};

// Reads the block against the base scenario (paths, roadmap, horizon and segments of the
// history) into `out`, appending a diagnostic per problem: unknown keys (did-you-mean), a
// missing or unknown roadmap, parameter paths that name nothing or repeat, priors that are not
// uniform / normal / lognormal / beta or have no mass within the parameter's bounds, values the
// scenario refuses at the prior's ends (the scenario's message at the parameter's line),
// settings out of range, a budget smaller than generation 0, and every problem of the history.
// `overrides` are the experiment's (to load the scenario at the prior's ends).
void read_calibrate_block(const YamlTree& block, const std::string& base_dir,
                          const ScenarioSource& source, const Scenario& base,
                          const std::vector<std::string>& overrides, CalibrateBlock& out,
                          std::vector<Diagnostic>& diagnostics);

// The block as the resolved experiment (/experiment) writes it.
std::string calibrate_block_yaml(const CalibrateBlock& block);

// The scenario of one simulation: the base scenario's source with the overrides and the
// parameters at theta, with only the block's roadmap (no zero-defect counterfactual, no twins).
Scenario calibration_scenario(const ScenarioSource& source,
                              const std::vector<std::string>& overrides,
                              const CalibrateBlock& block, std::span<const double> theta);

}  // namespace cxsim
