// Loading a scenario file: YAML -> extends/--set layering -> validation -> an immutable Scenario.
#pragma once

#include <string>
#include <vector>

#include "engine/core/scenario.hpp"

namespace cxsim {

struct LoadOptions {
  std::vector<std::string> overrides;  // "--set path=value" strings, applied in order
};

// Throws ScenarioError: every problem of the file at once, or why it cannot be read (missing,
// unreadable, not a regular file, too large): all bad input, exit code 2.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

// The same from text; `extends` is resolved relative to the current directory.
Scenario load_scenario_text(const std::string& yaml_text, const std::string& display_name,
                            const LoadOptions& options = {});

}  // namespace cxsim
