// extends, merge and --set.
#include "config/yaml_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "config/did_you_mean.hpp"
#include "config/input_file.hpp"
#include "config/parameter_paths.hpp"
#include "config/scenario_keys.hpp"
#include "config/yaml_values.hpp"

namespace cxsim {

namespace {

namespace fs = std::filesystem;

bool all_named(const YamlTree& list) {
  if (!list.is_sequence() || list.items.empty()) return false;
  for (const auto& item : list.items) {
    if (!item.is_map() || item.item_name().empty()) return false;
  }
  return true;
}

std::string chain_text(const std::vector<std::string>& chain) {
  std::string out;
  for (const auto& f : chain) out += (out.empty() ? "" : " -> ") + f;
  return out;
}

std::string canonical_or_self(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

std::optional<YamlTree> resolve(YamlTree doc, const std::string& file, const fs::path& base_dir,
                                std::vector<std::string>& chain,
                                std::vector<std::string>& canonical_chain,
                                std::vector<Diagnostic>& diagnostics) {
  const YamlTree* ext = doc.find("extends");
  if (ext == nullptr) return doc;
  const SourceLoc loc = ext->loc;
  if (!ext->is_scalar() || ext->text.empty()) {
    diagnostics.push_back({loc.file, loc.line, loc.column, "extends",
                           "wrong type (got " + describe_value(*ext) +
                               "; expected the path of a base scenario file)"});
    return std::nullopt;
  }
  const fs::path base_path = base_dir / ext->text;
  const std::string canonical = canonical_or_self(base_path);
  chain.push_back(base_path.string());
  for (const auto& c : canonical_chain) {
    if (c == canonical) {
      diagnostics.push_back(
          {loc.file, loc.line, loc.column, "extends",
           "extends cycle (got " + chain_text(chain) + "; expected a chain of bases that ends)"});
      return std::nullopt;
    }
  }
  ReadProblem problem;
  const std::optional<std::string> text = read_input_file(base_path.string(), problem);
  if (!text) {
    diagnostics.push_back({loc.file, loc.line, loc.column, "extends",
                           "cannot read base scenario '" + base_path.string() +
                               "': " + problem.what + " (got " + problem.got + "; expected " +
                               problem.expected + "; extends chain: " + chain_text(chain) + ")"});
    return std::nullopt;
  }
  // The base's own problems are reported in the base, after a line here that says which file
  // extends it: a base can be shared by many scenarios.
  const std::size_t before = diagnostics.size();
  diagnostics.push_back({loc.file, loc.line, loc.column, "extends", ""});
  std::optional<YamlTree> base = parse_yaml(*text, base_path.string(), diagnostics);
  if (base && !base->is_map()) {
    diagnostics.push_back({base_path.string(), base->loc.line, base->loc.column, "",
                           "the base scenario is not a mapping of keys (got " +
                               describe_value(*base) + "; expected key: value lines)"});
    base.reset();
  }
  if (!base) {
    const std::size_t n = diagnostics.size() - before - 1;
    diagnostics[before].message = fmt::format(
        "base scenario '{}' cannot be used (got {} error{} in it, listed next; "
        "expected a base scenario that loads)",
        base_path.string(), n, n == 1 ? "" : "s");
    return std::nullopt;
  }
  diagnostics.erase(diagnostics.begin() + static_cast<std::ptrdiff_t>(before));
  canonical_chain.push_back(canonical);
  std::optional<YamlTree> resolved =
      resolve(std::move(*base), base_path.string(), base_path.parent_path(), chain, canonical_chain,
              diagnostics);
  if (!resolved) return std::nullopt;
  doc.erase("extends");
  merge_yaml(*resolved, doc);
  (void)file;
  return resolved;
}

// One step of an override path: a key, or [index].
struct Step {
  std::string key;
  int index = -1;
};

std::optional<std::vector<Step>> parse_steps(const std::string& path) {
  std::vector<Step> steps;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return std::nullopt;
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 6) {
        return std::nullopt;
      }
      steps.push_back({"", std::stoi(digits)});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    if (end == i) return std::nullopt;
    steps.push_back({path.substr(i, end - i), -1});
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) return std::nullopt;
    }
  }
  if (steps.empty()) return std::nullopt;
  return steps;
}

// Keys that hold lists of named items in the scenario format.
bool is_named_list_key(const std::string& key) {
  return key == "segments" || key == "touchpoints" || key == "initiatives" || key == "roadmaps" ||
         key == "effects";
}

std::string malformed_path(const std::string& path) {
  return "malformed path (got '" + path +
         "'; expected dotted keys such as segments.consumer.revenue.price)";
}

bool is_digits(const std::string& s) {
  return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos;
}

// Keys written as one number for every segment or a map by segment (contacts_per_month).
bool is_per_segment_key(const std::string& key) {
  for (const auto& k : scenario_keys()) {
    if (k.type == KeyType::per_segment && k.path == key) return true;
  }
  return false;
}

// The names of the document's segments, in order.
std::vector<std::string> segment_names(const YamlTree& doc) {
  std::vector<std::string> out;
  const YamlTree* segments = doc.find("segments");
  if (segments == nullptr || !segments->is_sequence()) return out;
  for (const auto& s : segments->items) {
    if (!s.item_name().empty()) out.push_back(s.item_name());
  }
  return out;
}

// The item of `list` named `key` by its `name` or `use` (a bare name in a roadmap's list), or
// nullptr.
template <typename Tree>
Tree* find_item(Tree& list, const std::string& key) {
  for (auto& item : list.items) {
    if ((item.is_map() && (item.item_name() == key || item.item_name("use") == key)) ||
        (item.is_scalar() && item.text == key)) {
      return &item;
    }
  }
  return nullptr;
}

// Whether step i, below a roadmap, names one of the initiatives it uses
// (roadmaps.<roadmap>.<initiative>.<key>) rather than a key of the roadmap. `name` and
// `initiatives` keep their own reading unless an initiative of that name is used and that reading
// names nothing.
bool names_roadmap_use(const YamlTree& roadmap, const std::vector<Step>& steps, std::size_t i) {
  const std::string& key = steps[i].key;
  if (find_key(KeyOwner::roadmap, key) == nullptr) return true;
  const YamlTree* uses = roadmap.find("initiatives");
  auto used = [&](const std::string& name) {
    return uses != nullptr && uses->is_sequence() && find_item(*uses, name) != nullptr;
  };
  if (!used(key) || i + 1 >= steps.size()) return false;
  if (key != "initiatives") return true;
  const Step& next = steps[i + 1];
  return next.index < 0 && next.key != "*" && !used(next.key);
}

// A value as written, for messages: a scalar's text, else describe_value's words.
std::string shown(const YamlTree& node) {
  return node.is_scalar() ? node.text : describe_value(node);
}

// A distribution as written, for messages: "{triangular: [0.4, 0.55, 0.8]}".
std::string distribution_text(const YamlTree& node) {
  const YamlTree& parameters = node.items[0];
  if (!parameters.is_sequence())
    return "{" + node.keys[0].text + ": " + describe_value(parameters) + "}";
  std::string out = "{" + node.keys[0].text + ": [";
  for (std::size_t k = 0; k < parameters.items.size(); ++k) {
    out += (k == 0 ? "" : ", ") + shown(parameters.items[k]);
  }
  return out + "]}";
}

}  // namespace

void merge_yaml(YamlTree& base, const YamlTree& over) {
  if (base.is_map() && over.is_map()) {
    for (std::size_t i = 0; i < over.keys.size(); ++i) {
      YamlTree* existing = base.find(over.keys[i].text);
      if (existing != nullptr) {
        merge_yaml(*existing, over.items[i]);
      } else {
        base.keys.push_back(over.keys[i]);
        base.items.push_back(over.items[i]);
      }
    }
    return;
  }
  if (all_named(base) && all_named(over)) {
    for (const auto& item : over.items) {
      bool merged = false;
      for (auto& b : base.items) {
        if (b.item_name() == item.item_name()) {
          merge_yaml(b, item);
          merged = true;
          break;
        }
      }
      if (!merged) base.items.push_back(item);
    }
    return;
  }
  base = over;
}

std::optional<YamlTree> resolve_extends(YamlTree doc, const std::string& file,
                                        const std::string& base_dir,
                                        std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> chain{file};
  std::vector<std::string> canonical_chain{canonical_or_self(fs::path(file))};
  return resolve(std::move(doc), file, fs::path(base_dir), chain, canonical_chain, diagnostics);
}

void apply_override(YamlTree& doc, const std::string& assignment,
                    std::vector<Diagnostic>& diagnostics) {
  const std::string where = "--set " + assignment;
  const std::size_t eq = assignment.find('=');
  const std::string path = assignment.substr(0, eq);
  auto fail = [&](const std::string& message) {
    diagnostics.push_back({where, 0, 0, path, message});
  };
  if (eq == std::string::npos || eq == 0) {
    fail("malformed override (got '" + assignment + "'; expected path=value, e.g. seed=7)");
    return;
  }
  if (!parse_steps(path)) {
    fail(malformed_path(path));
    return;
  }
  const std::string text = assignment.substr(eq + 1);
  if (text.find_first_not_of(" \t") == std::string::npos) {
    // Never a silent default: `--set seed=` is a mistake, `--set seed=null` a choice.
    fail("a value is required (got nothing after '='; expected path=value, e.g. " + path +
         "=..., or " + path + "=null for the default)");
    return;
  }
  std::vector<Diagnostic> value_diagnostics;
  std::optional<YamlTree> value = parse_yaml(text, where, value_diagnostics);
  const std::string trimmed =
      text.substr(text.find_first_not_of(" \t"),
                  text.find_last_not_of(" \t") - text.find_first_not_of(" \t") + 1);
  if (!value && (trimmed == "null" || trimmed == "Null" || trimmed == "NULL" || trimmed == "~")) {
    value = YamlTree{};  // explicit null: the key's default
  }
  if (!value) {
    for (auto& d : value_diagnostics) {
      d.path = path;
      diagnostics.push_back(d);
    }
    return;
  }
  apply_override(doc, path, *value, SourceLoc{where, 0, 0}, diagnostics);
}

void apply_override(YamlTree& doc, const std::string& path, const YamlTree& new_value,
                    const SourceLoc& where, std::vector<Diagnostic>& diagnostics) {
  auto fail = [&](const std::string& message) {
    diagnostics.push_back({where.file, where.line, where.column, path, message});
  };
  const std::optional<std::vector<Step>> steps = parse_steps(path);
  if (!steps) {
    fail(malformed_path(path));
    return;
  }
  const SourceLoc& loc = where;
  YamlTree value = new_value;
  auto relocate = [&](auto& self, YamlTree& t) -> void {
    t.loc = loc;
    for (auto& k : t.keys) k.loc = loc;
    for (auto& i : t.items) self(self, i);
  };
  relocate(relocate, value);
  const std::vector<std::string> segments = segment_names(doc);
  const std::size_t n = steps->size();

  // Walks the steps from `node` (reached by `walked`) and sets the value at the end; `*` walks
  // on from every item of a list. Returns how many places were set, or -1 after reporting a
  // problem. A step that names nothing is a miss: under `*` that item is left as it was and
  // skipped, and the override is an error only when it sets nothing at all.
  std::string first_miss;
  auto miss = [&](const std::string& message) {
    if (first_miss.empty()) first_miss = message;
    return 0;
  };
  // Whether steps i, i + 1 are the last two and read <kind>.<index>.
  auto distribution_parameter_at = [&](std::size_t i) {
    return i + 2 == n && (*steps)[i].index < 0 && (*steps)[i + 1].index < 0 &&
           distribution_kind_named((*steps)[i].key) && is_digits((*steps)[i + 1].key);
  };
  // Sets parameter `index` of the distribution written at `node` (named `at`).
  auto set_parameter = [&](YamlTree* node, DistributionKind kind, int index,
                           const std::string& at) -> int {
    const std::string kind_name = to_string(kind);
    const std::string named = kind_name + "." + std::to_string(index);
    const std::string spelled =
        "{" + kind_name + ": " + std::string(distribution_parameter_names(kind)) + "}";
    // capex: {total, months} is named by `capex`; its parameters are those of the total.
    if (node != nullptr && node->is_map() && !looks_like_distribution(*node) &&
        node->find("total") != nullptr) {
      node = node->find("total");
    }
    if (node == nullptr || !looks_like_distribution(*node)) {
      const std::string got =
          node == nullptr ? std::string("nothing: the key is not written") : shown(*node);
      return miss("not a distribution (got " + got + " at " + at + "; expected a key written as " +
                  spelled + " to name its parameter " + named + ")");
    }
    const std::string written = node->keys[0].text;
    YamlTree& parameters = node->items[0];
    if (written != kind_name) {
      const std::optional<DistributionKind> other = distribution_kind_named(written);
      const int arity = other ? distribution_arity(*other) : 0;
      return miss("distribution kind mismatch (got " + distribution_text(*node) + " at " + at +
                  "; expected " + named + " only where the key is written as " + spelled +
                  "; this one takes " + written + ".0 to " + written + "." +
                  std::to_string(arity - 1) + ")");
    }
    const int arity = distribution_arity(kind);
    const int written_count =
        parameters.is_sequence() ? static_cast<int>(parameters.items.size()) : 0;
    if (index >= arity || index >= written_count) {
      return miss("distribution parameter index out of range (got " + named + " at " + at +
                  ", written as " + distribution_text(*node) + "; expected an index from 0 to " +
                  std::to_string(arity - 1) + " into " + kind_name + " " +
                  std::string(distribution_parameter_names(kind)) + ")");
    }
    if (!value.is_scalar()) {
      fail("a distribution parameter is one number (got " + describe_value(value) + " for " +
           named + " of " + at + "; expected a number)");
      return -1;
    }
    parameters.items[static_cast<std::size_t>(index)] = value;
    return 1;
  };
  auto as_entry = [](YamlTree& item) {
    if (item.is_scalar()) {
      // `initiatives: [billing_fix]` entry: becomes {use: billing_fix} so it can take overrides.
      YamlTree entry = YamlTree::map(item.loc);
      entry.set("use", item, item.loc);
      item = std::move(entry);
    }
  };
  auto walk = [&](auto& self, YamlTree* node, std::size_t i, const std::string& walked) -> int {
    if (i == n) {
      *node = value;
      return 1;
    }
    const Step& step = (*steps)[i];
    const bool last = i + 1 == n;
    const std::string parent = walked.empty() ? std::string("the document") : walked;
    if (distribution_parameter_at(i)) {
      return set_parameter(node, *distribution_kind_named(step.key), std::stoi((*steps)[i + 1].key),
                           parent);
    }
    if (step.index >= 0) {
      const std::string here = walked + "[" + std::to_string(step.index) + "]";
      if (!node->is_sequence() || step.index >= static_cast<int>(node->items.size())) {
        return miss("no list item " + here + " to set (got " +
                    std::to_string(node->is_sequence() ? node->items.size() : 0) + " items)");
      }
      return self(self, &node->items[static_cast<std::size_t>(step.index)], i + 1, here);
    }
    const std::string here = walked + (walked.empty() ? "" : ".") + step.key;
    if (step.key == "*" && i == 2 && (*steps)[0].index < 0 && (*steps)[0].key == "roadmaps" &&
        node->is_map() && !last) {
      // roadmaps.<roadmap>.*.<key>: every initiative the roadmap uses.
      YamlTree* uses = node->find("initiatives");
      if (uses == nullptr || !uses->is_sequence() || uses->items.empty()) {
        return miss("'*' matches no initiative in roadmap " + parent +
                    " (got no initiatives; expected a roadmap that uses at least one)");
      }
      node = uses;
    }
    if (step.key == "*") {
      // Every item of a list: every segment, touchpoint, initiative or roadmap.
      if (!node->is_sequence() || node->items.empty()) {
        const std::string got = node->is_sequence() ? "an empty list" : describe_value(*node);
        return miss("'*' matches nothing in " + parent + " (got " + got +
                    "; expected a list with at least one item, such as segments or touchpoints)");
      }
      int set = 0;
      for (std::size_t k = 0; k < node->items.size(); ++k) {
        YamlTree& item = node->items[k];
        std::string name = item.is_map() ? item.item_name() : std::string();
        if (name.empty() && item.is_map()) name = item.item_name("use");
        if (name.empty() && item.is_scalar()) name = item.text;
        const std::string item_path = name.empty() ? walked + "[" + std::to_string(k) + "]"
                                                   : walked + (walked.empty() ? "" : ".") + name;
        YamlTree before = item;
        if (!last) as_entry(item);
        const int set_here = self(self, &item, i + 1, item_path);
        if (set_here < 0) return set_here;
        if (set_here == 0) item = std::move(before);
        set += set_here;
      }
      return set;
    }
    if (node->is_sequence()) {
      // A list item named by its name (segments, touchpoints, ...) or by `use` (roadmaps).
      YamlTree* found = find_item(*node, step.key);
      if (found == nullptr) {
        return miss("no list item named '" + step.key + "' in " + parent +
                    " (got a path that names nothing; expected an existing item)");
      }
      as_entry(*found);
      return self(self, found, i + 1, here);
    }
    if (node->is_null()) *node = YamlTree::map(loc);
    // One number for every segment (contacts_per_month: 0.3) named for one segment: spelled out
    // by segment first, so that the other segments keep their number.
    if (i > 0 && (*steps)[i - 1].index < 0 && is_per_segment_key((*steps)[i - 1].key) &&
        (node->is_scalar() || looks_like_distribution(*node)) &&
        std::find(segments.begin(), segments.end(), step.key) != segments.end()) {
      YamlTree by_segment = YamlTree::map(node->loc);
      for (const auto& s : segments) by_segment.set(s, *node, node->loc);
      *node = std::move(by_segment);
    }
    if (!node->is_map()) {
      fail("cannot set a key inside " + describe_value(*node) +
           " (got a path through a value; expected a path through mappings)");
      return -1;
    }
    const bool in_roadmap = i == 2 && (*steps)[0].index < 0 && (*steps)[0].key == "roadmaps";
    if (in_roadmap && names_roadmap_use(*node, *steps, i)) {
      // roadmaps.<roadmap>.<initiative>.<key>: the roadmap's use of that initiative.
      YamlTree* uses = node->find("initiatives");
      YamlTree* entry =
          uses != nullptr && uses->is_sequence() ? find_item(*uses, step.key) : nullptr;
      if (entry == nullptr) {
        std::vector<std::string> candidates{"name", "initiatives"};
        std::string used;
        if (uses != nullptr && uses->is_sequence()) {
          for (const auto& u : uses->items) {
            const std::string name = u.is_scalar() ? u.text : u.item_name("use");
            if (name.empty()) continue;
            candidates.push_back(name);
            used += (used.empty() ? "" : ", ") + name;
          }
        }
        return miss("no initiative '" + step.key + "'" + did_you_mean(step.key, candidates) +
                    " in roadmap " + parent + " (got " +
                    (used.empty() ? std::string("no initiatives") : "uses of " + used) +
                    "; expected an initiative the roadmap uses, or a roadmap key: name, "
                    "initiatives)");
      }
      as_entry(*entry);
      return self(self, entry, i + 1, here);
    }
    const bool in_initiative = i == 2 && (*steps)[0].index < 0 && (*steps)[0].key == "initiatives";
    if (in_initiative && step.key == "effects" && !last && (*steps)[i + 1].index < 0 &&
        (*steps)[i + 1].key != "*") {
      // initiatives.<initiative>.effects.<target>[#k][.<kind>.<index>]: the k-th effect of the
      // initiative on that target (as written), its value.
      YamlTree* effects = node->find("effects");
      if (effects == nullptr || !effects->is_sequence() || effects->items.empty()) {
        return miss("no effects in " + parent + " (got " +
                    (effects == nullptr ? std::string("none") : describe_value(*effects)) +
                    "; expected a list of effects, one of them on the target named)");
      }
      std::vector<std::string> targets;
      for (const auto& e : effects->items) {
        const YamlTree* t = e.is_map() ? e.find("target") : nullptr;
        targets.push_back(t != nullptr && t->is_scalar() ? t->text : std::string());
      }
      // The longest run of steps that names a target, the rest read after it.
      std::string unreadable_rest;
      std::string unreadable_at;
      std::size_t keys = 0;
      while (i + 1 + keys < n && (*steps)[i + 1 + keys].index < 0) ++keys;
      for (std::size_t len = keys; len >= 1; --len) {
        std::string target;
        for (std::size_t k = 0; k < len; ++k) {
          target += (k == 0 ? "" : ".") + (*steps)[i + 1 + k].key;
        }
        const std::string name = here + "." + target;
        int occurrence = 1;
        const std::size_t hash = target.rfind('#');
        if (hash != std::string::npos) {
          const std::string digits = target.substr(hash + 1);
          if (!is_digits(digits) || std::stoi(digits) < 2) continue;
          occurrence = std::stoi(digits);
          target.resize(hash);
        }
        std::vector<std::size_t> on_target;
        for (std::size_t e = 0; e < targets.size(); ++e) {
          if (targets[e] == target) on_target.push_back(e);
        }
        if (on_target.empty()) continue;
        // What may follow the target: nothing (its value), <kind>.<index> (a parameter of its
        // value) or a key of the effect.
        const std::size_t rest = i + 1 + len;
        const bool value_itself = rest == n;
        const bool parameter = distribution_parameter_at(rest);
        const bool effect_key = rest < n && (*steps)[rest].index < 0 &&
                                ((*steps)[rest].key == "value" || (*steps)[rest].key == "op" ||
                                 (*steps)[rest].key == "target");
        if (!value_itself && !parameter && !effect_key) {
          if (unreadable_rest.empty()) {
            for (std::size_t k = rest; k < n; ++k) {
              const Step& r = (*steps)[k];
              unreadable_rest += r.index >= 0 ? "[" + std::to_string(r.index) + "]"
                                              : (k == rest ? "" : ".") + r.key;
            }
            unreadable_at = name;
          }
          continue;
        }
        if (occurrence > static_cast<int>(on_target.size())) {
          return miss(fmt::format(
              "no effect {} in {} (got {} effect{} on {}; expected {})", name, parent,
              on_target.size(), on_target.size() == 1 ? "" : "s", target,
              on_target.size() == 1   ? "the target without #" + std::to_string(occurrence)
              : on_target.size() == 2 ? std::string("#2 for the repeat")
                                      : fmt::format("#2 to #{} for a repeat", on_target.size())));
        }
        YamlTree& effect = effects->items[on_target[static_cast<std::size_t>(occurrence - 1)]];
        if (value_itself) {
          if (YamlTree* v = effect.find("value")) {
            *v = value;
          } else {
            effect.set("value", value, loc);
          }
          return 1;
        }
        if (parameter) {
          return set_parameter(effect.find("value"), *distribution_kind_named((*steps)[rest].key),
                               std::stoi((*steps)[rest + 1].key), name);
        }
        return self(self, &effect, rest, name);
      }
      if (!unreadable_rest.empty()) {
        return miss("nothing to set after the effect " + unreadable_at + " (got '" +
                    unreadable_rest +
                    "'; expected the target alone for its value, .<kind>.<index> for one "
                    "parameter of it, or .value, .op or .target)");
      }
      std::string got;
      for (const auto& t : targets) {
        if (!t.empty()) got += (got.empty() ? "" : ", ") + t;
      }
      std::string asked;
      for (std::size_t k = 0; k < keys; ++k) asked += (k == 0 ? "" : ".") + (*steps)[i + 1 + k].key;
      return miss("no effect on '" + asked + "' in " + parent + " (got effects on " + got +
                  "; expected one of those targets as written, #2, #3 for a repeated one, "
                  "optionally followed by .<kind>.<index>)");
    }
    YamlTree* child = node->find(step.key);
    if (last && step.key == "capex" && child != nullptr && child->is_map() &&
        !looks_like_distribution(*child) && (value.is_scalar() || looks_like_distribution(value))) {
      // capex: {total, months} set to a number or a distribution: that is the total; the months
      // stay. A mapping of its own replaces the whole.
      if (YamlTree* total = child->find("total")) {
        *total = value;
      } else {
        child->set("total", value, loc);
      }
      return 1;
    }
    if (child == nullptr && distribution_parameter_at(i + 1)) {
      return set_parameter(nullptr, *distribution_kind_named((*steps)[i + 1].key),
                           std::stoi((*steps)[i + 2].key), here);
    }
    if (child == nullptr && !last) {
      // A missing list has no items to name; made a mapping, it would only be a wrong type.
      const std::string& next = (*steps)[i + 1].key;
      if (next == "*") {
        return miss("'*' matches nothing in " + here +
                    " (got nothing; expected a list with at least one item, such as segments or "
                    "touchpoints)");
      }
      if (is_named_list_key(step.key)) {
        const Step& item = (*steps)[i + 1];
        const std::string what =
            item.index >= 0 ? "[" + std::to_string(item.index) + "]" : "named '" + item.key + "'";
        return miss("no list item " + what + " in " + here + " (got no " + step.key +
                    "; expected an existing item)");
      }
    }
    if (child == nullptr) {
      node->set(step.key, last ? YamlTree{} : YamlTree::map(loc), loc);
      child = node->find(step.key);
    }
    return self(self, child, i + 1, here);
  };
  if (walk(walk, &doc, 0, "") == 0) fail(first_miss);
}

}  // namespace cxsim
