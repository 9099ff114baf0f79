// Reading the `optimize:` block of an experiment file (EXPERIMENTS.md) with the precise errors of
// scenario files: candidate initiatives that exist (did-you-mean), start months within the
// horizon, constraints that some plan with an initiative meets, and the feasible plans.
#pragma once

#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "config/yaml_tree.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/scenario.hpp"
#include "experiments/optimize_spec.hpp"

namespace cxsim {

// Reads `block` into `out` (the base scenario built from `source` with `overrides` is `base`),
// appending every problem found to `diagnostics`.
void read_optimize_block(const YamlTree& block, const ScenarioSource& source, const Scenario& base,
                         const std::vector<std::string>& overrides, OptimizeBlock& out,
                         std::vector<Diagnostic>& diagnostics);

// The resolved block as YAML lines under `optimize:` (indented two spaces): what
// experiment_sha256 digests.
std::string optimize_block_yaml(const OptimizeBlock& block);

// The summary metrics an objective may name: defined in every replication of every plan (a
// ratio or a payback month is NaN for some plans, and is_best depends on the other roadmaps).
const std::vector<std::string>& optimize_objective_metrics();

}  // namespace cxsim
