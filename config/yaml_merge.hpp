// Layering of scenario documents: `extends` chains, deep merge, and --set overrides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "config/yaml_tree.hpp"

namespace cxsim {

// Deep-merges `over` onto `base`: mappings by key, lists whose items are all mappings with a
// `name` by name (matching items merged, new ones appended); anything else is replaced.
void merge_yaml(YamlTree& base, const YamlTree& over);

// Resolves the `extends` chain of `doc` (loaded from `file`; bases relative to `base_dir`) and
// returns the merged document without `extends`. Missing bases and cycles become diagnostics
// naming the chain.
std::optional<YamlTree> resolve_extends(YamlTree doc, const std::string& file,
                                        const std::string& base_dir,
                                        std::vector<Diagnostic>& diagnostics);

// Applies one "path=value" override (value parsed as YAML; an empty value is a diagnostic, `null`
// asks for the default). Paths are dotted; list items are named by their `name` (or `use`), by
// [index], or all at once by `*` (items without the rest of the path are skipped). A path that
// reaches nothing is a diagnostic; keys that do not exist in the format are left for validation
// to report as unknown.
void apply_override(YamlTree& doc, const std::string& assignment,
                    std::vector<Diagnostic>& diagnostics);

}  // namespace cxsim
