// Layering of scenario documents: `extends` chains, deep merge, and --set overrides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/yaml_tree.hpp"
#include "engine/core/errors.hpp"

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
// asks for the default), located at "--set path=value". Paths are dotted; list items are named
// by their `name` (or `use`), by [index], or all at once by `*` (items without the rest of the
// path are skipped). A path that reaches nothing is a diagnostic; keys that do not exist in the
// format are left for validation to report as unknown.
//
// Every slot path (config/parameter_paths.hpp) sets exactly that number:
//  - initiatives.<i>.effects.<target>[#k]: the value of the k-th effect of initiative <i> whose
//    target is <target> as written (`*` included; #2, #3 for repeats; the longest target that
//    matches wins); .value, .op or .target after it name that key of the effect, and the older
//    initiatives.<i>.effects[<n>].value still works;
//  - roadmaps.<r>.<i>.<key>: <key> of roadmap <r>'s use of initiative <i> (a bare name in its
//    list becomes {use: <i>}), as roadmaps.<r>.initiatives.<i>.<key> does; roadmaps.<r>.*.<key>
//    is every initiative the roadmap uses;
//  - ...capex written as {total, months}: a number or a distribution sets the total and keeps
//    the months; a mapping replaces the whole;
//  - touchpoints.<t>.contacts_per_month.<segment> written as one number for every segment: the
//    number is spelled out per segment first, so only <segment> changes;
//  - <path>.<kind>.<index> (kind normal, lognormal, uniform, triangular or beta; index 0-based):
//    parameter <index> of the distribution written at <path> (an effect's value and capex's total
//    included), the value a number. A path not written as a distribution, another kind or an
//    index past the kind's parameters names nothing: a diagnostic saying what was found and
//    what is allowed.
void apply_override(YamlTree& doc, const std::string& assignment,
                    std::vector<Diagnostic>& diagnostics);

// The same with the value already parsed, every diagnostic (and the value's nodes, for later
// validation messages) located at `where`: an experiment file's factor, for example.
void apply_override(YamlTree& doc, const std::string& path, const YamlTree& value,
                    const SourceLoc& where, std::vector<Diagnostic>& diagnostics);

}  // namespace cxsim
