// Experiment files: keys checked with did-you-mean, values read by the scenario readers, factors
// resolved against the base scenario and checked by loading it at each factor's ends.
#include "experiments/experiment_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string_view>

#include "config/did_you_mean.hpp"
#include "config/input_file.hpp"
#include "config/parameter_paths.hpp"
#include "config/scenario_keys.hpp"
#include "config/yaml_values.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "engine/metrics.hpp"
#include "engine/parameter_draws.hpp"
#include "experiments/optimize_block.hpp"
#include "experiments/quantiles.hpp"
#include "experiments/sub_roadmaps.hpp"

namespace cxsim {

const char* to_string(ExperimentKind kind) {
  switch (kind) {
    case ExperimentKind::sweep:
      return "sweep";
    case ExperimentKind::sensitivity:
      return "sensitivity";
    case ExperimentKind::optimize:
      return "optimize";
    case ExperimentKind::attribute:
      return "attribute";
    case ExperimentKind::calibrate:
      return "calibrate";
  }
  return "?";
}

const char* to_string(SweepDesign design) {
  switch (design) {
    case SweepDesign::grid:
      return "grid";
    case SweepDesign::list:
      return "list";
    case SweepDesign::lhs:
      return "lhs";
    case SweepDesign::sobol:
      return "sobol";
  }
  return "?";
}

const char* to_string(SensitivityMethod method) {
  switch (method) {
    case SensitivityMethod::sobol:
      return "sobol";
    case SensitivityMethod::morris:
      return "morris";
    case SensitivityMethod::tornado:
      return "tornado";
  }
  return "?";
}

double Factor::at_unit(double u) const {
  double x = 0.0;
  switch (source) {
    case Source::range:
      x = lo + u * (hi - lo);
      break;
    case Source::distribution:
      x = quantile(distribution, u);
      break;
    case Source::values: {
      // A value list has no continuous scale: its levels by rank.
      const auto n = static_cast<double>(values.size());
      const auto i = static_cast<std::size_t>(std::clamp(std::floor(u * n), 0.0, n - 1));
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      x = sorted[i];
      break;
    }
  }
  x = std::clamp(x, clamp_lo, clamp_hi);
  return integer ? std::nearbyint(x) : x;
}

std::string factor_assignment(const std::string& path, double value) {
  return path + "=" + format_number(value);
}

namespace {

constexpr const char* kBlocks[] = {"sweep", "sensitivity", "optimize", "attribute", "calibrate"};
const std::vector<std::string> kRootKeys = {
    "name",    "description", "scenario",    "set",      "replications", "seed",
    "outputs", "sweep",       "sensitivity", "optimize", "attribute",    "calibrate"};
const std::vector<std::string> kSweepKeys = {"design", "points", "factors"};
const std::vector<std::string> kSensitivityKeys = {"method", "base_samples", "trajectories",
                                                   "levels", "bootstrap",    "factors"};
const std::vector<std::string> kFactorKeys = {"path", "values", "range", "together"};
// Bounds on one study: the design's values (held twice, as values and in the unit cube) and each
// summary metric over points x roadmaps x replications (read whole at the end): 800 MB each.
constexpr double kMaxDesignValues = 1e8;
constexpr double kMaxStudyValues = 1e8;
// Keys that no factor may move: they fix the file's shape or its random numbers.
const std::vector<std::string> kFixedKeys = {"seed", "replications", "horizon_months", "extends"};

// "an" before the block names that start with a vowel (attribute, optimize), else "a".
const char* article(const std::string& word) {
  return !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos ? "an"
                                                                                            : "a";
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The YAML text of a node, in flow style, for an override's value.
std::string flow_yaml(const YamlTree& node) {
  switch (node.kind) {
    case YamlTree::Kind::null:
      return "null";
    case YamlTree::Kind::scalar:
      if (!node.quoted) return node.text;
      {
        std::string out = "\"";
        for (char c : node.text) {
          if (c == '"' || c == '\\') out += '\\';
          out += c;
        }
        return out + "\"";
      }
    case YamlTree::Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        out += (i ? ", " : "") + flow_yaml(node.items[i]);
      }
      return out + "]";
    }
    case YamlTree::Kind::map: {
      std::string out = "{";
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        out += (i ? ", " : "") + flow_yaml(node.keys[i]) + ": " + flow_yaml(node.items[i]);
      }
      return out + "}";
    }
  }
  return "null";
}

class ExperimentReader {
 public:
  ExperimentReader(std::string file, std::string base_dir, ExperimentKind expected,
                   const ExperimentLoadOptions& options)
      : file_(std::move(file)),
        base_dir_(std::move(base_dir)),
        expected_(expected),
        options_(options) {}

  LoadedExperiment read(const std::string& text) {
    std::optional<YamlTree> doc = parse_yaml(text, file_, diags_);
    if (doc && !doc->is_map()) {
      error(doc->loc, "",
            "the top level must be a mapping of experiment keys (got " + describe_value(*doc) +
                "; expected lines such as 'scenario: telecom.yaml')");
      doc.reset();
    }
    if (!doc) throw ScenarioError(std::move(diags_));
    const YamlTree& root = *doc;
    check_keys(root, kRootKeys, "");
    spec_.file = file_;
    spec_.kind = expected_;

    read_block_choice(root);
    read_scenario(root);
    read_set(root);
    read_outputs(root);
    const YamlTree* block = root.find(to_string(expected_));
    if (!diags_.empty() || block == nullptr) throw ScenarioError(std::move(diags_));

    // The base scenario: errors in it are the scenario's, reported as they are.
    LoadedExperiment out;
    out.source = read_scenario_source(spec_.scenario_file);
    LoadOptions load;
    load.overrides = spec_.overrides;
    try {
      out.base = build_scenario(out.source, load);
    } catch (const ScenarioError& e) {
      throw ScenarioError(reblame(e.diagnostics()));
    }
    base_ = &out.base;
    if (expected_ == ExperimentKind::sweep) read_sweep(*block);
    if (expected_ == ExperimentKind::sensitivity) read_sensitivity(*block);
    if (expected_ == ExperimentKind::attribute) {
      read_attribute_block(*block, out.base, spec_.attribute, diags_);
      if (diags_.empty()) {
        check_attribution(out.base, spec_.attribute, diags_);
      }
    }
    if (expected_ == ExperimentKind::optimize) {
      read_optimize_block(*block, out.source, out.base, spec_.overrides, spec_.optimize, diags_);
    }
    if (expected_ == ExperimentKind::calibrate) {
      read_calibrate_block(*block, base_dir_, out.source, out.base, spec_.overrides,
                           spec_.calibrate, diags_);
    }
    if (!diags_.empty()) throw ScenarioError(std::move(diags_));
    if (expected_ == ExperimentKind::sweep || expected_ == ExperimentKind::sensitivity) {
      check_size(*block);
    }
    if (!diags_.empty()) throw ScenarioError(std::move(diags_));
    check_factor_ends(out.source);
    if (!diags_.empty()) throw ScenarioError(std::move(diags_));
    spec_.resolved_yaml = resolved_yaml();
    out.spec = std::move(spec_);
    return out;
  }

 private:
  std::string file_;
  std::string base_dir_;
  ExperimentKind expected_;
  const ExperimentLoadOptions& options_;
  std::vector<Diagnostic> diags_;
  ExperimentSpec spec_;
  const Scenario* base_ = nullptr;
  // Where each override of spec_.overrides was written (the file's `set` entries).
  std::map<std::string, SourceLoc> override_locs_;
  std::string scenario_as_written_;  // the `scenario` value as written (relative to the file)

  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diags_.push_back({loc.file, loc.line, loc.column, path, std::move(message)});
  }

  // A scenario diagnostic caused by an override of the file's `set` is shown at that entry.
  std::vector<Diagnostic> reblame(std::vector<Diagnostic> diagnostics) const {
    for (auto& d : diagnostics) {
      if (d.file.rfind("--set ", 0) != 0) continue;
      const auto it = override_locs_.find(d.file.substr(6));
      if (it == override_locs_.end()) continue;
      d.file = it->second.file;
      d.line = it->second.line;
      d.column = it->second.column;
    }
    return diagnostics;
  }

  void check_keys(const YamlTree& map, const std::vector<std::string>& allowed,
                  const std::string& prefix) {
    for (const auto& key : map.keys) {
      if (std::find(allowed.begin(), allowed.end(), key.text) == allowed.end()) {
        error(key.loc, prefix.empty() ? key.text : prefix + "." + key.text,
              "unknown key '" + key.text + "'" + did_you_mean(key.text, allowed) +
                  " (expected one of: " + join(allowed) + ")");
      }
    }
  }

  void read_block_choice(const YamlTree& root) {
    std::vector<const YamlTree*> keys;
    for (const auto& key : root.keys) {
      if (std::find(std::begin(kBlocks), std::end(kBlocks), key.text) != std::end(kBlocks)) {
        keys.push_back(&key);
      }
    }
    const std::string want = to_string(expected_);
    if (keys.empty()) {
      error(root.loc, want,
            fmt::format("missing required block (got none of sweep, sensitivity, optimize, "
                        "attribute, calibrate; expected a '{}:' block for cxsim {})",
                        want, want));
    } else if (keys.size() > 1) {
      error(keys[1]->loc, keys[1]->text,
            fmt::format("a second experiment block (got '{}' after '{}'; expected exactly one of "
                        "sweep, sensitivity, optimize, attribute, calibrate)",
                        keys[1]->text, keys[0]->text));
    } else if (keys[0]->text != want) {
      error(keys[0]->loc, keys[0]->text,
            fmt::format("{} {} block, not {} {} block (got '{}'; expected '{}:' for cxsim {}, "
                        "or run cxsim {} on this file)",
                        article(keys[0]->text), keys[0]->text, article(want), want, keys[0]->text,
                        want, want, keys[0]->text));
    }
  }

  void read_scenario(const YamlTree& root) {
    const YamlTree* s = root.find("scenario");
    if (s == nullptr || s->is_null()) {
      error(root.loc, "scenario",
            "missing required key (expected the scenario file, relative to this file, e.g. "
            "scenario: ../scenarios/telecom.yaml)");
      return;
    }
    if (!s->is_scalar() || s->text.empty()) {
      error(s->loc, "scenario",
            "wrong type (got " + describe_value(*s) + "; expected a file path)");
      return;
    }
    namespace fs = std::filesystem;
    const fs::path p(s->text);
    scenario_as_written_ = s->text;
    spec_.scenario_file = p.is_absolute() ? p.string() : (fs::path(base_dir_) / p).string();
    ReadProblem problem;
    if (!read_input_file(spec_.scenario_file, problem)) {
      error(s->loc, "scenario",
            fmt::format("cannot read the scenario file {} ({}; expected a scenario file, "
                        "relative to this experiment file)",
                        spec_.scenario_file, problem.what + ": " + problem.got));
    }
  }

  // `set`, then --set, then replications and seed (command line first).
  void read_set(const YamlTree& root) {
    if (const YamlTree* set = root.find("set"); set != nullptr && !set->is_null()) {
      if (!set->is_map()) {
        error(set->loc, "set",
              "wrong type (got " + describe_value(*set) +
                  "; expected a mapping of scenario paths to values, e.g. {agents: 5000})");
      } else {
        for (std::size_t i = 0; i < set->items.size(); ++i) {
          const std::string assignment = set->keys[i].text + "=" + flow_yaml(set->items[i]);
          override_locs_[assignment] = set->keys[i].loc;
          spec_.overrides.push_back(assignment);
        }
      }
    }
    for (const auto& o : options_.overrides) spec_.overrides.push_back(o);
    auto integer_key = [&](const char* key, auto cli_value, auto reader, double lo) {
      if (cli_value) {
        spec_.overrides.push_back(fmt::format("{}={}", key, *cli_value));
        return;
      }
      const YamlTree* node = root.find(key);
      if (node == nullptr || node->is_null()) return;
      std::string why;
      const auto v = reader(*node, why);
      if (!v || static_cast<double>(*v) < lo) {
        error(node->loc, key,
              why.empty() ? fmt::format("out of range (got {}; expected an integer >= {})",
                                        describe_value(*node), lo)
                          : why);
        return;
      }
      const std::string assignment = fmt::format("{}={}", key, *v);
      override_locs_[assignment] = node->loc;
      spec_.overrides.push_back(assignment);
    };
    integer_key("replications", options_.replications, read_uint64, 1);
    integer_key("seed", options_.seed, read_uint64, 0);
  }

  void read_outputs(const YamlTree& root) {
    std::vector<std::string> names;
    for (const auto& m : summary_metric_infos()) names.emplace_back(m.name);
    const YamlTree* node = root.find("outputs");
    if (node == nullptr || node->is_null()) {
      spec_.outputs = {"delta_npv"};
      return;
    }
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, "outputs",
            "wrong type (got " + describe_value(*node) +
                "; expected a list of summary metrics, e.g. [delta_npv, npv, roi])");
      return;
    }
    for (const auto& item : node->items) {
      if (!item.is_scalar() || std::find(names.begin(), names.end(), item.text) == names.end()) {
        error(item.loc, "outputs",
              "unknown summary metric " + describe_value(item) +
                  (item.is_scalar() ? did_you_mean(item.text, names) : std::string()) +
                  " (expected a /summary metric of RESULTS.md: " + join(names) + ")");
        continue;
      }
      if (std::find(spec_.outputs.begin(), spec_.outputs.end(), item.text) != spec_.outputs.end()) {
        error(item.loc, "outputs",
              "a metric listed twice (got " + item.text + " again; expected each output once)");
        continue;
      }
      spec_.outputs.push_back(item.text);
    }
  }

  std::optional<int> positive_int(const YamlTree& block, const std::string& prefix, const char* key,
                                  int lo, int hi) {
    const YamlTree* node = block.find(key);
    if (node == nullptr || node->is_null()) return std::nullopt;
    std::string why;
    const auto v = read_uint64(*node, why);
    if (!v || *v < static_cast<std::uint64_t>(lo) || *v > static_cast<std::uint64_t>(hi)) {
      error(node->loc, prefix + "." + key,
            fmt::format("out of range (got {}; expected an integer in [{}, {}])",
                        describe_value(*node), lo, hi));
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }

  std::optional<std::string> choice(const YamlTree& block, const std::string& prefix,
                                    const char* key, const std::vector<std::string>& allowed) {
    const YamlTree* node = block.find(key);
    if (node == nullptr || node->is_null()) return std::nullopt;
    if (!node->is_scalar() ||
        std::find(allowed.begin(), allowed.end(), node->text) == allowed.end()) {
      error(node->loc, prefix + "." + key,
            "unknown value " + describe_value(*node) +
                (node->is_scalar() ? did_you_mean(node->text, allowed) : std::string()) +
                " (expected one of: " + join(allowed) + ")");
      return std::nullopt;
    }
    return node->text;
  }

  void read_sweep(const YamlTree& block) {
    if (!block.is_map()) {
      error(block.loc, "sweep",
            "wrong type (got " + describe_value(block) + "; expected a mapping with keys " +
                join(kSweepKeys) + ")");
      return;
    }
    check_keys(block, kSweepKeys, "sweep");
    if (const auto d = choice(block, "sweep", "design", {"grid", "list", "lhs", "sobol"})) {
      spec_.sweep.design = *d == "grid"   ? SweepDesign::grid
                           : *d == "list" ? SweepDesign::list
                           : *d == "lhs"  ? SweepDesign::lhs
                                          : SweepDesign::sobol;
    }
    const bool sampled =
        spec_.sweep.design == SweepDesign::lhs || spec_.sweep.design == SweepDesign::sobol;
    const auto points = positive_int(block, "sweep", "points", 1, 10'000'000);
    if (sampled) {
      if (!points && block.find("points") == nullptr) {
        error(block.loc, "sweep.points",
              fmt::format("missing required key (expected the number of points of the {} design, "
                          "e.g. points: 64)",
                          to_string(spec_.sweep.design)));
      }
      spec_.sweep.points = points.value_or(0);
    } else if (const YamlTree* p = block.find("points")) {
      error(p->loc, "sweep.points",
            fmt::format("points is for lhs and sobol designs (got points with design {}; expected "
                        "no points: a {} design takes each factor's values)",
                        to_string(spec_.sweep.design), to_string(spec_.sweep.design)));
    }
    read_factors(block, "sweep", /*values_allowed=*/!sampled, /*range_allowed=*/sampled);
    if (spec_.sweep.design == SweepDesign::list && !spec_.factors.empty()) {
      const std::size_t n = spec_.factors[0].values.size();
      for (const auto& f : spec_.factors) {
        if (f.values.size() != n) {
          error(f.loc, "sweep.factors",
                fmt::format("value lists of different lengths (got {} values for {} and {} for "
                            "{}; expected the same length: point i takes value i of each)",
                            f.values.size(), f.name, n, spec_.factors[0].name));
        }
      }
    }
  }

  void read_sensitivity(const YamlTree& block) {
    if (!block.is_map()) {
      error(block.loc, "sensitivity",
            "wrong type (got " + describe_value(block) + "; expected a mapping with keys " +
                join(kSensitivityKeys) + ")");
      return;
    }
    check_keys(block, kSensitivityKeys, "sensitivity");
    SensitivityBlock& s = spec_.sensitivity;
    if (const auto m = choice(block, "sensitivity", "method", {"sobol", "morris", "tornado"})) {
      s.method = *m == "sobol"    ? SensitivityMethod::sobol
                 : *m == "morris" ? SensitivityMethod::morris
                                  : SensitivityMethod::tornado;
    }
    if (const auto n = positive_int(block, "sensitivity", "base_samples", 2, 1 << 24)) {
      if ((*n & (*n - 1)) != 0) {
        error(block.find("base_samples")->loc, "sensitivity.base_samples",
              fmt::format("not a power of 2 (got {}; expected 2, 4, ..., e.g. {} or {})", *n,
                          1 << static_cast<int>(std::floor(std::log2(*n))),
                          1 << static_cast<int>(std::ceil(std::log2(*n)))));
      }
      s.base_samples = *n;
    }
    if (const auto r = positive_int(block, "sensitivity", "trajectories", 2, 100000)) {
      s.trajectories = *r;
    }
    if (const auto p = positive_int(block, "sensitivity", "levels", 2, 1000)) {
      if (*p % 2 != 0) {
        error(block.find("levels")->loc, "sensitivity.levels",
              fmt::format("an odd number of levels (got {}; expected an even p, e.g. 4: the step "
                          "p / (2 (p - 1)) then lands on the grid)",
                          *p));
      }
      s.levels = *p;
    }
    if (const auto b = positive_int(block, "sensitivity", "bootstrap", 10, 1000000)) {
      s.bootstrap = *b;
    }
    read_factors(block, "sensitivity", /*values_allowed=*/false, /*range_allowed=*/true);
  }

  // Every per-replication distribution of the base scenario, one factor each.
  void scenario_factors(const SourceLoc& loc, const std::string& prefix) {
    for (const int i : uncertain_slots(*base_)) {
      const Slot& slot = base_->slots[static_cast<std::size_t>(i)];
      Factor f;
      f.name = slot.path;
      f.paths = {slot.path};
      f.source = Factor::Source::distribution;
      f.distribution = slot.value;
      f.clamp_lo = slot.lo;
      f.clamp_hi = slot.hi_exclusive ? std::nextafter(slot.hi, slot.lo) : slot.hi;
      f.loc = loc;
      spec_.factors.push_back(std::move(f));
    }
    if (spec_.factors.empty()) {
      error(loc, prefix + ".factors",
            "the scenario has no distributions (got factors: scenario; expected a scenario with "
            "at least one uncertain number, or a list of factors)");
    }
  }

  void read_factors(const YamlTree& block, const std::string& prefix, bool values_allowed,
                    bool range_allowed) {
    const YamlTree* node = block.find("factors");
    if (node == nullptr || node->is_null()) {
      error(block.loc, prefix + ".factors",
            "missing required key (expected a list of {path, ...} factors" +
                std::string(prefix == "sensitivity" ? ", or factors: scenario" : "") + ")");
      return;
    }
    if (node->is_scalar() && node->text == "scenario") {
      scenario_factors(node->loc, prefix);
      return;
    }
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, prefix + ".factors",
            "wrong type (got " + describe_value(*node) +
                "; expected a list of factors such as {path: churn.satisfaction, range: [0.3, "
                "0.6]}, or scenario)");
      return;
    }
    for (std::size_t i = 0; i < node->items.size(); ++i) {
      read_factor(node->items[i], fmt::format("{}.factors[{}]", prefix, i), values_allowed,
                  range_allowed);
    }
    std::vector<std::string> seen;
    for (const auto& f : spec_.factors) {
      if (std::find(seen.begin(), seen.end(), f.name) != seen.end()) {
        error(f.loc, prefix + ".factors",
              "a factor listed twice (got " + f.name + " again; expected each path once)");
      }
      seen.push_back(f.name);
    }
  }

  void read_factor(const YamlTree& item, const std::string& where, bool values_allowed,
                   bool range_allowed) {
    if (!item.is_map()) {
      error(item.loc, where,
            "wrong type (got " + describe_value(item) +
                "; expected {path: ..., range: [lo, hi]} or {path: ..., values: [...]})");
      return;
    }
    check_keys(item, kFactorKeys, where);
    const YamlTree* path = item.find("path");
    if (path == nullptr || !path->is_scalar() || path->text.empty()) {
      error(path ? path->loc : item.loc, where + ".path",
            path ? "wrong type (got " + describe_value(*path) + "; expected a scenario path)"
                 : "missing required key (expected a scenario path such as "
                   "touchpoints.billing.failure_rate)");
      return;
    }
    bool together = false;
    if (const YamlTree* t = item.find("together")) {
      std::string why;
      const auto b = read_bool(*t, why);
      if (!b) {
        error(t->loc, where + ".together", why);
        return;
      }
      together = *b;
    }
    for (const auto& fixed : kFixedKeys) {
      if (path->text == fixed) {
        error(path->loc, where + ".path",
              fmt::format("{} cannot be a factor (got {}; expected a number of the model: every "
                          "point shares the seed, replications and horizon)",
                          fixed, fixed));
        return;
      }
    }
    Factor f;
    f.loc = path->loc;
    const YamlTree* values = item.find("values");
    const YamlTree* range = item.find("range");
    if (values && range) {
      error(range->loc, where + ".range",
            "both values and range (got both; expected one: values for grid and list designs, "
            "range for lhs, sobol and sensitivity)");
      return;
    }
    if (values) {
      if (!values_allowed) {
        error(values->loc, where + ".values",
              "a value list here (got values; expected range: [lo, hi], or no range to use the "
              "scenario's own distribution; value lists are for grid and list designs)");
        return;
      }
      if (!values->is_sequence() || values->items.empty()) {
        error(values->loc, where + ".values",
              "wrong type (got " + describe_value(*values) + "; expected a list of numbers)");
        return;
      }
      f.source = Factor::Source::values;
      for (const auto& v : values->items) {
        std::string why;
        const auto x = read_number(v, why);
        if (!x) {
          error(v.loc, where + ".values", why);
          return;
        }
        f.values.push_back(*x);
      }
    } else if (range) {
      if (!range_allowed) {
        error(range->loc, where + ".range",
              "a range here (got range; expected values: [...]: grid and list designs take each "
              "factor's values)");
        return;
      }
      std::string why;
      const auto lo = range->is_sequence() && range->items.size() == 2
                          ? read_number(range->items[0], why)
                          : std::nullopt;
      const auto hi = lo ? read_number(range->items[1], why) : std::nullopt;
      if (!lo || !hi || !(*lo < *hi)) {
        error(range->loc, where + ".range",
              "not a range (got " + describe_value(*range) + (why.empty() ? "" : ", " + why) +
                  "; expected [lo, hi] with lo < hi)");
        return;
      }
      f.source = Factor::Source::range;
      f.lo = *lo;
      f.hi = *hi;
    } else {
      f.source = Factor::Source::distribution;
    }

    // What the path names: slots of the base scenario (with `*`), or one key of the file.
    const std::vector<std::string> matches = expand_parameter_pattern(*base_, path->text);
    const bool wildcard = path->text.find('*') != std::string::npos;
    if (wildcard && matches.empty()) {
      error(path->loc, where + ".path",
            "'*' matches no number of the scenario (got " + path->text + ": " +
                pattern_mismatch(*base_, path->text) +
                "; expected a path such as touchpoints.*.failure_rate)");
      return;
    }
    if (f.source == Factor::Source::distribution) {
      if (together) {
        error(path->loc, where + ".together",
              "together needs a range (got together: true without range; expected range: [lo, "
              "hi] that every match moves through)");
        return;
      }
      const std::vector<std::string> names = wildcard ? matches : std::vector{path->text};
      for (const auto& name : names) {
        const std::optional<int> slot = find_slot(*base_, name);
        if (!slot || base_->slots[static_cast<std::size_t>(*slot)].value.is_constant()) {
          error(
              path->loc, where + ".path",
              fmt::format("no distribution to sample (got {}, {}; expected range: [lo, hi], or "
                          "a path whose value the scenario writes as a distribution)",
                          name, slot ? "a constant in the scenario" : "not a number of the model"));
          return;
        }
        const Slot& s = base_->slots[static_cast<std::size_t>(*slot)];
        Factor g = f;
        g.name = name;
        g.paths = {name};
        g.distribution = s.value;
        g.clamp_lo = s.lo;
        g.clamp_hi = s.hi_exclusive ? std::nextafter(s.hi, s.lo) : s.hi;
        spec_.factors.push_back(std::move(g));
      }
      return;
    }
    if (!wildcard) {
      // Integral keys take whole numbers: at the root, or of an initiative or a roadmap's use of
      // one (start_month, ramp_months, ...).
      const std::vector<std::string> parts = split_path(path->text);
      const KeyInfo* key = find_key(KeyOwner::root, path->text);
      if (key == nullptr && parts.size() >= 3 &&
          (parts[0] == "initiatives" || parts[0] == "roadmaps")) {
        key = find_key(parts[0] == "initiatives" ? KeyOwner::initiative : KeyOwner::roadmap_entry,
                       parts.back());
      }
      f.integer = key != nullptr && key->type == KeyType::integer;
      f.name = path->text;
      f.paths = {path->text};
      spec_.factors.push_back(std::move(f));
      return;
    }
    if (together) {
      f.name = path->text;
      f.paths = matches;
      spec_.factors.push_back(std::move(f));
      return;
    }
    for (const auto& m : matches) {
      Factor g = f;
      g.name = m;
      g.paths = {m};
      spec_.factors.push_back(std::move(g));
    }
  }

  // The design's points (as a double: a grid's product may not fit an integer), and whether the
  // study fits: its design in memory, and each summary metric over every point, roadmap and
  // replication, which finish() reads whole to compute statistics.
  void check_size(const YamlTree& block) {
    const double k = static_cast<double>(spec_.factors.size());
    double points = 0.0;
    if (spec_.kind == ExperimentKind::sweep) {
      switch (spec_.sweep.design) {
        case SweepDesign::grid:
          points = 1.0;
          for (const auto& f : spec_.factors) points *= static_cast<double>(f.values.size());
          break;
        case SweepDesign::list:
          points =
              spec_.factors.empty() ? 0.0 : static_cast<double>(spec_.factors[0].values.size());
          break;
        default:
          points = spec_.sweep.points;
      }
    } else {
      const SensitivityBlock& s = spec_.sensitivity;
      points = s.method == SensitivityMethod::sobol    ? s.base_samples * (k + 2)
               : s.method == SensitivityMethod::morris ? s.trajectories * (k + 1)
                                                       : 2 * k + 1;
    }
    const double roadmaps = static_cast<double>(base_->roadmaps.size());
    const double replications = static_cast<double>(base_->replications);
    const double values = points * roadmaps * replications;
    // A point is held whole until its last replication finishes (its timeseries are averaged in
    // replication order), and a few points are open at once.
    const double point_bytes = replications * roadmaps *
                               (kMetrics * base_->horizon_months + kSummaryMetrics) *
                               sizeof(double);
    const double memory = physical_memory_bytes();
    if (memory > 0 && 4 * point_bytes > 0.5 * memory) {
      error(block.loc, to_string(spec_.kind),
            fmt::format("points too large to hold in memory (got {} replications per point, "
                        "{:.1f} GB each, a few open at once; expected at most {:.1f} GB per "
                        "point on this machine: fewer replications per point, or more points)",
                        replications, point_bytes / 1e9, memory / 8 / 1e9));
    }
    if (points * std::max(k, 1.0) > kMaxDesignValues || values > kMaxStudyValues) {
      error(block.loc, to_string(spec_.kind),
            fmt::format("a study too large for one file (got {} points x {} roadmaps x {} "
                        "replications = {} values per metric, and {} design values; expected at "
                        "most {} and {}: fewer points, factors or replications)",
                        points, roadmaps, replications, values, points * k, kMaxStudyValues,
                        kMaxDesignValues));
    }
  }

  // Loads the scenario with each factor at its lowest and highest value (the others as in the
  // base): a value the scenario refuses is reported at the factor's line, with the scenario's
  // own message; and no factor may change the horizon or the roadmaps.
  void check_factor_ends(const ScenarioSource& source) {
    for (const Factor& f : spec_.factors) {
      std::vector<double> ends;
      if (f.source == Factor::Source::values) {
        ends = {*std::min_element(f.values.begin(), f.values.end()),
                *std::max_element(f.values.begin(), f.values.end())};
        if (f.integer) {
          for (double v : f.values) {
            if (v != std::nearbyint(v)) {
              error(f.loc, f.name,
                    "not an integer (got " + format_number(v) + "; expected whole numbers for " +
                        f.name + ")");
              return;
            }
          }
        }
      } else {
        ends = {f.at_unit(0.0), f.at_unit(1.0)};
      }
      for (const double v : ends) {
        LoadOptions load;
        load.overrides = spec_.overrides;
        for (const auto& p : f.paths) load.overrides.push_back(factor_assignment(p, v));
        try {
          const Scenario s = build_scenario(source, load);
          if (s.horizon_months != base_->horizon_months ||
              s.roadmaps.size() != base_->roadmaps.size() || s.agents != base_->agents ||
              s.replications != base_->replications) {
            error(f.loc, f.name,
                  "changes the shape of the results (got a factor that changes the horizon, "
                  "agents, replications or roadmaps; expected a number of the model)");
            return;
          }
        } catch (const ScenarioError& e) {
          for (const auto& d : reblame(e.diagnostics())) {
            const bool from_factor = d.file.rfind("--set ", 0) == 0;
            error(from_factor ? f.loc : SourceLoc{d.file, d.line, d.column}, f.name,
                  fmt::format("at {} = {}, the scenario is refused: {}{}", f.name, format_number(v),
                              d.path.empty() ? "" : d.path + ": ", d.message));
          }
          return;
        }
      }
    }
  }

  // The experiment as it was resolved, in the experiment-file format: every override in `set`
  // (the file's, then the command line's), the final replications and seed, and the factors
  // expanded (one entry per factor). It reads back as an experiment file beside the original
  // and resolves to the same text, so /experiment is a file that runs the study again.
  std::string resolved_yaml() const {
    std::vector<std::pair<std::string, std::string>> set;
    std::string replications, seed;
    for (const auto& o : spec_.overrides) {
      const std::size_t eq = o.find('=');
      const std::string path = o.substr(0, eq), value = o.substr(eq + 1);
      if (path == "replications") {
        replications = value;
        continue;
      }
      if (path == "seed") {
        seed = value;
        continue;
      }
      // A later override of the same path wins: keep it, at its place.
      std::erase_if(set, [&](const auto& kv) { return kv.first == path; });
      set.emplace_back(path, value);
    }
    std::string out = "scenario: " + quoted(scenario_as_written_) + "\n";
    if (!set.empty()) {
      out += "set:\n";
      for (const auto& [path, value] : set) out += "  " + quoted(path) + ": " + value + "\n";
    }
    if (!replications.empty()) out += "replications: " + replications + "\n";
    if (!seed.empty()) out += "seed: " + seed + "\n";
    out += "outputs: [" + join(spec_.outputs) + "]\n";
    if (spec_.kind == ExperimentKind::attribute) return out + attribute_block_yaml(spec_.attribute);
    if (spec_.kind == ExperimentKind::calibrate) return out + calibrate_block_yaml(spec_.calibrate);
    out += fmt::format("{}:\n", to_string(spec_.kind));
    if (spec_.kind == ExperimentKind::optimize) return out + optimize_block_yaml(spec_.optimize);
    if (spec_.kind == ExperimentKind::sweep) {
      out += fmt::format("  design: {}\n", to_string(spec_.sweep.design));
      if (spec_.sweep.points > 0) out += fmt::format("  points: {}\n", spec_.sweep.points);
    } else {
      const SensitivityBlock& b = spec_.sensitivity;
      out += fmt::format("  method: {}\n", to_string(b.method));
      if (b.method == SensitivityMethod::sobol) {
        out += fmt::format("  base_samples: {}\n", b.base_samples);
      }
      if (b.method == SensitivityMethod::morris) {
        out += fmt::format("  trajectories: {}\n  levels: {}\n", b.trajectories, b.levels);
      }
      if (b.method != SensitivityMethod::tornado) {
        out += fmt::format("  bootstrap: {}\n", b.bootstrap);
      }
    }
    out += "  factors:\n";
    for (const auto& f : spec_.factors) {
      out += "    - {path: " + quoted(f.name);
      switch (f.source) {
        case Factor::Source::values: {
          std::vector<std::string> v;
          for (double x : f.values) v.push_back(format_number(x));
          out += ", values: [" + join(v) + "]}\n";
          break;
        }
        case Factor::Source::range:
          out += fmt::format(", range: [{}, {}]{}}}\n", format_number(f.lo), format_number(f.hi),
                             f.paths.size() != 1 || f.paths[0] != f.name ? ", together: true" : "");
          break;
        case Factor::Source::distribution:
          out += "}   # the scenario's " + format_distribution(f.distribution) + "\n";
          break;
      }
    }
    return out;
  }

  // A YAML double-quoted scalar.
  static std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
};

}  // namespace

LoadedExperiment load_experiment_text(const std::string& text, const std::string& display_name,
                                      const std::string& base_dir, ExperimentKind expected,
                                      const ExperimentLoadOptions& options) {
  ExperimentReader reader(display_name, base_dir, expected, options);
  return reader.read(text);
}

LoadedExperiment load_experiment(const std::string& path, ExperimentKind expected,
                                 const ExperimentLoadOptions& options) {
  ReadProblem problem;
  const std::optional<std::string> text = read_input_file(path, problem);
  if (!text) throw ScenarioError({Diagnostic{path, 0, 0, "", problem.message()}});
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return load_experiment_text(*text, path, parent.empty() ? "." : parent.string(), expected,
                              options);
}

}  // namespace cxsim
