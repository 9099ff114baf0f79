// Loading a scenario file: YAML -> extends/--set layering -> validation -> an immutable Scenario.
#pragma once

#include <string>
#include <vector>

#include "config/yaml_tree.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

struct LoadOptions {
  std::vector<std::string> overrides;  // "--set path=value" strings, applied in order
  // false: Scenario::resolved_yaml is left empty, for variants whose text nothing reads (an
  // experiment's points, a calibration's simulations); writing it is a quarter of a build.
  bool describe = true;
};

// A scenario file read, parsed and its `extends` chain merged, before --set and validation: read
// once, it builds many variants (the points of an experiment) without reading files again.
struct ScenarioSource {
  YamlTree document;
  std::string display_name;        // the path as given, for messages
  std::vector<std::string> files;  // the file and its extends bases (outputs never overwrite them)
};

// Throws ScenarioError when the file cannot be read or parsed, or its extends chain is broken.
ScenarioSource read_scenario_source(const std::string& path);
// The same from text; `extends` is resolved relative to base_dir.
ScenarioSource read_scenario_text(const std::string& text, const std::string& display_name,
                                  const std::string& base_dir);
// Applies the overrides to a copy of the document and validates it: ScenarioError with every
// problem at once.
Scenario build_scenario(const ScenarioSource& source, const LoadOptions& options = {});

// Throws ScenarioError: every problem of the file at once, or why it cannot be read (missing,
// unreadable, not a regular file, too large): all bad input, exit code 2.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

// The same from text; `extends` is resolved relative to the current directory.
Scenario load_scenario_text(const std::string& yaml_text, const std::string& display_name,
                            const LoadOptions& options = {});

}  // namespace cxsim
