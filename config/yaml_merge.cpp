// extends, merge and --set.
#include "config/yaml_merge.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "config/input_file.hpp"

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
  const std::optional<std::vector<Step>> steps = parse_steps(path);
  if (!steps) {
    fail("malformed path (got '" + path +
         "'; expected dotted keys such as segments.consumer.revenue.price)");
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
  const SourceLoc loc{where, 0, 0};
  auto relocate = [&](auto& self, YamlTree& t) -> void {
    t.loc = loc;
    for (auto& k : t.keys) k.loc = loc;
    for (auto& i : t.items) self(self, i);
  };
  relocate(relocate, *value);

  // Walks the steps from `node` (reached by `walked`) and sets the value at the end; `*` walks
  // on from every item of a list. Returns how many places were set, or -1 after reporting a
  // problem. A step that names nothing is a miss: under `*` that item is left as it was and
  // skipped, and the override is an error only when it sets nothing at all.
  std::string first_miss;
  auto miss = [&](const std::string& message) {
    if (first_miss.empty()) first_miss = message;
    return 0;
  };
  auto walk = [&](auto& self, YamlTree* node, std::size_t i, const std::string& walked) -> int {
    if (i == steps->size()) {
      *node = *value;
      return 1;
    }
    const Step& step = (*steps)[i];
    const bool last = i + 1 == steps->size();
    const std::string parent = walked.empty() ? std::string("the document") : walked;
    if (step.index >= 0) {
      const std::string here = walked + "[" + std::to_string(step.index) + "]";
      if (!node->is_sequence() || step.index >= static_cast<int>(node->items.size())) {
        return miss("no list item " + here + " to set (got " +
                    std::to_string(node->is_sequence() ? node->items.size() : 0) + " items)");
      }
      return self(self, &node->items[static_cast<std::size_t>(step.index)], i + 1, here);
    }
    const std::string here = walked + (walked.empty() ? "" : ".") + step.key;
    auto as_entry = [](YamlTree& item) {
      if (item.is_scalar()) {
        // `initiatives: [billing_fix]` entry: becomes {use: billing_fix} so it can take overrides.
        YamlTree entry = YamlTree::map(item.loc);
        entry.set("use", item, item.loc);
        item = std::move(entry);
      }
    };
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
        const int n = self(self, &item, i + 1, item_path);
        if (n < 0) return n;
        if (n == 0) item = std::move(before);
        set += n;
      }
      return set;
    }
    if (node->is_sequence()) {
      // A list item named by its name (segments, touchpoints, ...) or by `use` (roadmaps).
      YamlTree* found = nullptr;
      for (auto& item : node->items) {
        if ((item.is_map() &&
             (item.item_name() == step.key || item.item_name("use") == step.key)) ||
            (item.is_scalar() && item.text == step.key)) {
          found = &item;
          break;
        }
      }
      if (found == nullptr) {
        return miss("no list item named '" + step.key + "' in " + parent +
                    " (got a path that names nothing; expected an existing item)");
      }
      as_entry(*found);
      return self(self, found, i + 1, here);
    }
    if (node->is_null()) *node = YamlTree::map(loc);
    if (!node->is_map()) {
      fail("cannot set a key inside " + describe_value(*node) +
           " (got a path through a value; expected a path through mappings)");
      return -1;
    }
    YamlTree* child = node->find(step.key);
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
