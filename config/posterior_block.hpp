// The scenario key `posterior:`: a calibration's particles and weights (EXPERIMENTS.md, the
// scenario overlay of `cxsim calibrate`), checked against the scenario they apply to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/yaml_tree.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

// The `posterior` mapping of a resolved document, every name resolved against the scenario's
// slots and segments (built up to its roadmaps), or nullopt when the key is absent or has a
// problem: each problem is appended to `diagnostics` (unknown keys are the loader's). A problem
// is a missing key, an unknown or repeated parameter name, a row of the wrong length, a value
// that is not a finite number or lies outside its parameter's range, a weight count that
// differs from the rows, a weight that is not > 0, no rows, or a malformed sha256.
std::optional<Posterior> read_posterior(const YamlTree& root, const Scenario& scenario,
                                        std::vector<Diagnostic>& diagnostics);

// "" when an override of `path` (--set, an experiment's factor) leaves the posterior's
// parameters alone, else what is wrong: the posterior would replace the value it sets.
std::string posterior_override_conflict(const Scenario& scenario, const std::string& path);

}  // namespace cxsim
