// What a factor path names in a scenario: its numbers (slots) by path, `*` matching one component.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"

namespace cxsim {

// The slot paths, in slot order, that `pattern` matches: `*` matches exactly one dotted component
// (touchpoints.*.failure_rate); a pattern without `*` matches the slot of that path, if any.
std::vector<std::string> expand_factor_path(const Scenario& scenario, const std::string& pattern);

// The slot whose path is `path`.
std::optional<int> find_factor_slot(const Scenario& scenario, const std::string& path);

}  // namespace cxsim
