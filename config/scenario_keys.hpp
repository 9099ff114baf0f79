// Every key of a scenario file, declared once: the structural keys here, the behavioural numbers
// in engine/core/parameters.hpp. The loader (unknown keys, defaults, ranges), the JSON Schema and
// docs/parameters.md are all generated from these two tables.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/parameters.hpp"

namespace cxsim {

// Where a key lives: the document root or one item of a list.
enum class KeyOwner { root, segment, touchpoint, initiative, effect, roadmap, roadmap_entry };

// "" for root, "segments[]", "initiatives[].effects[]", ...
std::string_view owner_prefix(KeyOwner owner);

enum class KeyType {
  name,             // string matching [A-Za-z0-9_-]+
  text,             // free string
  path,             // file path (extends)
  integer,          // integral number (plain or float notation)
  seed,             // unsigned 64-bit integer
  number,           // finite number, never a distribution (structural)
  boolean,          // true | false
  choice,           // one of `choices`
  parameter,        // behavioural number: a number or a distribution (see `param`)
  per_segment,      // behavioural number, one for all segments or a map naming every segment
  beta,             // {beta: [a, b]} only
  capex,            // number/distribution (spent in start_month) or {total, months}
  list,             // list of `item` mappings
  target,           // dotted path over the model parameters; `*` matches any segment/touchpoint
  effect_op,        // multiply | add | set
  initiative_uses,  // list of initiative names or {use: name, overrides...}
  names,            // list of parameter names (posterior.parameters)
  number_rows,      // list of lists of finite numbers (posterior.particles)
  numbers           // list of finite numbers (posterior.weights)
};

struct KeyInfo {
  KeyOwner owner;
  std::string_view path;  // dotted, relative to the owner
  KeyType type;
  std::string_view default_text;  // "" = required; "-" = optional without a default
  double lo = -kInf;              // range of numbers, inclusive ...
  double hi = kInf;
  bool hi_exclusive = false;  // ... unless this
  std::string_view choices;   // "a|b|c" for choice
  std::string_view unit;
  std::string_view meaning;
  std::string_view source;
  KeyOwner item = KeyOwner::root;    // lists: the owner of their items
  const ParamInfo* param = nullptr;  // behavioural numbers

  bool required() const { return default_text.empty(); }
};

// Every key, structural and behavioural, grouped by owner in document order.
const std::vector<KeyInfo>& scenario_keys();

// The key of `owner` at `path`, or nullptr.
const KeyInfo* find_key(KeyOwner owner, std::string_view path);

// The names allowed directly under `prefix` ("" for the owner's own mapping; "market.network").
std::vector<std::string> child_keys(KeyOwner owner, std::string_view prefix);

// Splits "market.network.type" into its parts.
std::vector<std::string> split_path(std::string_view path);

}  // namespace cxsim
