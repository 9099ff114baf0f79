// The calibrate block: keys checked with did-you-mean, parameters resolved against the base
// scenario with their bounds, priors truncated to them, the history read against the horizon.
#include "experiments/calibrate_block.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "config/did_you_mean.hpp"
#include "config/parameter_paths.hpp"
#include "config/yaml_values.hpp"
#include "engine/core/distribution.hpp"

namespace cxsim {

namespace {

const std::vector<std::string> kCalibrateKeys = {
    "observed",        "roadmap",         "parameters",           "method",
    "particles",       "max_simulations", "min_acceptance_rate",  "epsilon_quantile",
    "max_generations", "min_epsilon",     "min_epsilon_decrease", "summary"};
const std::vector<std::string> kParameterKeys = {"path", "prior"};
const std::vector<std::string> kPriorKinds = {"uniform", "normal", "lognormal", "beta"};
constexpr int kMaxParameters = 20;
// The weights cost particles^2 kernel evaluations per generation, and /run holds room for
// max_generations x particles x parameters values from the start.
constexpr int kMaxParticles = 20000;
constexpr int kMaxGenerations = 100;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class BlockReader {
 public:
  BlockReader(const std::string& base_dir, const ScenarioSource& source, const Scenario& base,
              const std::vector<std::string>& overrides, CalibrateBlock& out,
              std::vector<Diagnostic>& diagnostics)
      : base_dir_(base_dir),
        source_(source),
        base_(base),
        overrides_(overrides),
        out_(out),
        diags_(diagnostics) {}

  void read(const YamlTree& block) {
    out_.loc = block.loc;
    if (!block.is_map()) {
      error(block.loc, "calibrate",
            "wrong type (got " + describe_value(block) + "; expected a mapping with keys " +
                join(kCalibrateKeys) + ")");
      return;
    }
    for (const auto& key : block.keys) {
      if (std::find(kCalibrateKeys.begin(), kCalibrateKeys.end(), key.text) ==
          kCalibrateKeys.end()) {
        error(key.loc, "calibrate." + key.text,
              "unknown key '" + key.text + "'" + did_you_mean(key.text, kCalibrateKeys) +
                  " (expected one of: " + join(kCalibrateKeys) + ")");
      }
    }
    read_roadmap(block);
    read_method(block);
    read_summary(block);
    read_settings(block);
    read_parameters(block);
    read_observed(block);
  }

 private:
  const std::string& base_dir_;
  const ScenarioSource& source_;
  const Scenario& base_;
  const std::vector<std::string>& overrides_;
  CalibrateBlock& out_;
  std::vector<Diagnostic>& diags_;

  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diags_.push_back({loc.file, loc.line, loc.column, path, std::move(message)});
  }

  void read_roadmap(const YamlTree& block) {
    std::vector<std::string> names;
    for (const auto& r : base_.roadmaps) names.push_back(r.name);
    const YamlTree* node = block.find("roadmap");
    if (node == nullptr || node->is_null()) {
      error(block.loc, "calibrate.roadmap",
            "missing required key (expected the roadmap the history was lived under, one of: " +
                join(names) + ")");
      return;
    }
    const auto it =
        node->is_scalar() ? std::find(names.begin(), names.end(), node->text) : names.end();
    if (it == names.end()) {
      error(node->loc, "calibrate.roadmap",
            "unknown roadmap " + describe_value(*node) +
                (node->is_scalar() ? did_you_mean(node->text, names) : std::string()) +
                " (expected one of the scenario's roadmaps: " + join(names) + ")");
      return;
    }
    out_.roadmap = node->text;
    out_.roadmap_index = static_cast<int>(it - names.begin());
  }

  void read_method(const YamlTree& block) {
    const YamlTree* node = block.find("method");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_scalar() || node->text != "abc_smc") {
      error(node->loc, "calibrate.method",
            "unknown method " + describe_value(*node) +
                (node->is_scalar() ? did_you_mean(node->text, std::vector<std::string>{"abc_smc"})
                                   : std::string()) +
                " (expected abc_smc)");
    }
  }

  void read_summary(const YamlTree& block) {
    const YamlTree* node = block.find("summary");
    if (node == nullptr || node->is_null()) return;
    const std::vector<std::string> allowed = {"monthly", "total"};
    if (!node->is_scalar() ||
        std::find(allowed.begin(), allowed.end(), node->text) == allowed.end()) {
      error(node->loc, "calibrate.summary",
            "unknown summary " + describe_value(*node) +
                (node->is_scalar() ? did_you_mean(node->text, allowed) : std::string()) +
                " (expected monthly: every observed month, or total: each series' sum over its "
                "observed months)");
      return;
    }
    out_.totals = node->text == "total";
  }

  std::optional<double> number(const YamlTree& block, const char* key, double lo, double hi,
                               bool lo_open, const char* expected) {
    const YamlTree* node = block.find(key);
    if (node == nullptr || node->is_null()) return std::nullopt;
    std::string why;
    const auto v = read_number(*node, why);
    if (!v || *v > hi || *v < lo || (lo_open && *v == lo)) {
      error(node->loc, std::string("calibrate.") + key,
            fmt::format("out of range (got {}; expected {})", describe_value(*node), expected));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::int64_t> integer(const YamlTree& block, const char* key, std::int64_t lo,
                                      std::int64_t hi) {
    const YamlTree* node = block.find(key);
    if (node == nullptr || node->is_null()) return std::nullopt;
    std::string why;
    const auto v = read_uint64(*node, why);
    if (!v || *v < static_cast<std::uint64_t>(lo) || *v > static_cast<std::uint64_t>(hi)) {
      error(node->loc, std::string("calibrate.") + key,
            fmt::format("out of range (got {}; expected an integer in [{}, {}])",
                        describe_value(*node), lo, hi));
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*v);
  }

  void read_settings(const YamlTree& block) {
    AbcSettings& s = out_.settings;
    s.seed = base_.seed;
    s.replications = static_cast<int>(std::min<std::int64_t>(base_.replications, 1000));
    if (base_.replications > 1000) {
      error(block.loc, "replications",
            fmt::format("too many simulations per particle (got replications: {}; expected at "
                        "most 1000 for cxsim calibrate: replications is simulations averaged "
                        "per particle)",
                        base_.replications));
    }
    if (const auto n = integer(block, "particles", 2, kMaxParticles))
      s.particles = static_cast<int>(*n);
    s.max_simulations = 100LL * s.particles * s.replications;
    const YamlTree* budget = block.find("max_simulations");
    if (const auto m = integer(block, "max_simulations", 1, 4'000'000'000LL)) {
      s.max_simulations = *m;
      if (*m < static_cast<std::int64_t>(s.particles) * s.replications) {
        error(budget->loc, "calibrate.max_simulations",
              fmt::format("a budget below generation 0 (got {}; expected at least particles x "
                          "replications = {} x {} = {}: generation 0 simulates every particle)",
                          *m, s.particles, s.replications,
                          static_cast<std::int64_t>(s.particles) * s.replications));
      }
    }
    if (const auto r = number(block, "min_acceptance_rate", 0, 1, true, "a rate in (0, 1]")) {
      s.min_acceptance_rate = *r;
    }
    if (const auto q = number(block, "epsilon_quantile", 0, 1, true, "a quantile in (0, 1)")) {
      if (*q >= 1) {
        error(block.find("epsilon_quantile")->loc, "calibrate.epsilon_quantile",
              fmt::format("out of range (got {}; expected a quantile in (0, 1), e.g. 0.5)",
                          format_number(*q)));
      }
      s.epsilon_quantile = *q;
    }
    if (const auto g = integer(block, "max_generations", 1, kMaxGenerations)) {
      s.max_generations = static_cast<int>(*g);
    }
    if (const auto e = number(block, "min_epsilon", 0, 1e300, false, "a distance >= 0")) {
      s.min_epsilon = *e;
    }
    if (const auto d =
            number(block, "min_epsilon_decrease", 0, 1, false, "a relative decrease in [0, 1)")) {
      s.min_epsilon_decrease = *d;
    }
  }

  // The bounds a parameter's values keep: its slot's, or those of a distribution parameter.
  std::optional<std::pair<double, double>> bounds(const std::string& path) {
    if (const auto slot = find_slot(base_, path)) {
      const Slot& s = base_.slots[static_cast<std::size_t>(*slot)];
      return std::pair{s.lo, s.hi_exclusive ? std::nextafter(s.hi, s.lo) : s.hi};
    }
    if (const auto dp = split_distribution_parameter(path)) {
      if (dp->kind == DistributionKind::beta) {
        return std::pair{kMinBetaParameter, kMaxBetaParameter};
      }
      if ((dp->kind == DistributionKind::normal || dp->kind == DistributionKind::lognormal) &&
          dp->index == 1) {
        return std::pair{0.0, kMaxDistributionParameter};
      }
      return std::pair{-kMaxDistributionParameter, kMaxDistributionParameter};
    }
    return std::nullopt;
  }

  std::optional<Prior> read_prior(const YamlTree& node, const std::string& where) {
    if (!node.is_map() || node.items.size() != 1) {
      error(node.loc, where,
            "wrong type (got " + describe_value(node) +
                "; expected one distribution, e.g. {uniform: [0.005, 0.02]}, {normal: [mean, sd]}, "
                "{lognormal: [mu, sigma]} or {beta: [a, b]})");
      return std::nullopt;
    }
    const std::string& kind = node.keys[0].text;
    const YamlTree& args = node.items[0];
    const auto it = std::find(kPriorKinds.begin(), kPriorKinds.end(), kind);
    if (it == kPriorKinds.end()) {
      error(node.keys[0].loc, where,
            "unknown prior '" + kind + "'" + did_you_mean(kind, kPriorKinds) +
                " (expected one of: " + join(kPriorKinds) + ")");
      return std::nullopt;
    }
    std::string why;
    const auto a = args.is_sequence() && args.items.size() == 2 ? read_number(args.items[0], why)
                                                                : std::nullopt;
    const auto b = a ? read_number(args.items[1], why) : std::nullopt;
    Prior p;
    p.kind = kind == "uniform"     ? Prior::Kind::uniform
             : kind == "normal"    ? Prior::Kind::normal
             : kind == "lognormal" ? Prior::Kind::lognormal
                                   : Prior::Kind::beta;
    const char* shape = kind == "uniform"     ? "[lo, hi] with lo < hi"
                        : kind == "normal"    ? "[mean, sd] with sd > 0"
                        : kind == "lognormal" ? "[mu, sigma] with sigma > 0"
                                              : "[a, b] with a, b > 0";
    bool ok = a && b;
    if (ok) {
      p.a = *a;
      p.b = *b;
      ok = p.kind == Prior::Kind::uniform ? p.a < p.b
           : p.kind == Prior::Kind::beta  ? p.a > 0 && p.b > 0
                                          : p.b > 0;
    }
    if (!ok) {
      error(args.loc, where,
            fmt::format("not a {} prior (got {}; expected {})", kind, describe_value(args), shape));
      return std::nullopt;
    }
    return p;
  }

  void read_parameters(const YamlTree& block) {
    const YamlTree* node = block.find("parameters");
    if (node == nullptr || node->is_null()) {
      error(block.loc, "calibrate.parameters",
            "missing required key (expected a list such as {path: churn.satisfaction, prior: "
            "{uniform: [0.1, 1.0]}})");
      return;
    }
    if (!node->is_sequence() || node->items.empty() ||
        static_cast<int>(node->items.size()) > kMaxParameters) {
      error(node->loc, "calibrate.parameters",
            fmt::format("wrong type (got {}; expected a list of 1 to {} parameters such as "
                        "{{path: churn.satisfaction, prior: {{uniform: [0.1, 1.0]}}}})",
                        describe_value(*node), kMaxParameters));
      return;
    }
    for (std::size_t i = 0; i < node->items.size(); ++i) {
      const YamlTree& item = node->items[i];
      const std::string where = fmt::format("calibrate.parameters[{}]", i);
      if (!item.is_map()) {
        error(item.loc, where,
              "wrong type (got " + describe_value(item) +
                  "; expected {path: ..., prior: {uniform: [lo, hi]}})");
        continue;
      }
      for (const auto& key : item.keys) {
        if (std::find(kParameterKeys.begin(), kParameterKeys.end(), key.text) ==
            kParameterKeys.end()) {
          error(key.loc, where + "." + key.text,
                "unknown key '" + key.text + "'" + did_you_mean(key.text, kParameterKeys) +
                    " (expected one of: path, prior)");
        }
      }
      const YamlTree* path = item.find("path");
      const YamlTree* prior = item.find("prior");
      if (path == nullptr || !path->is_scalar() || path->text.empty()) {
        error(path ? path->loc : item.loc, where + ".path",
              "missing required key (expected a scenario path such as churn.satisfaction, or "
              "<path>.<kind>.<index> for a distribution's parameter)");
        continue;
      }
      if (prior == nullptr || prior->is_null()) {
        error(item.loc, where + ".prior",
              "missing required key (expected a prior such as {uniform: [0.1, 1.0]})");
        continue;
      }
      if (path->text.find('*') != std::string::npos) {
        error(path->loc, where + ".path",
              "a '*' path (got " + path->text +
                  "; expected one parameter per entry: list each match with its own prior)");
        continue;
      }
      const std::string mismatch = pattern_mismatch(base_, path->text);
      const auto b = bounds(path->text);
      if (!mismatch.empty() || !b) {
        error(path->loc, where + ".path",
              mismatch.empty() ? "names no number of the model (got " + path->text +
                                     "; expected a scenario path such as churn.satisfaction)"
                               : mismatch);
        continue;
      }
      auto p = read_prior(*prior, where + ".prior");
      if (!p) continue;
      p->lo = b->first;
      p->hi = b->second;
      if (p->kind == Prior::Kind::uniform) {
        p->lo = std::max(p->lo, p->a);
        p->hi = std::min(p->hi, p->b);
      }
      if (p->kind == Prior::Kind::beta) {
        p->lo = std::max(p->lo, 0.0);
        p->hi = std::min(p->hi, 1.0);
      }
      if (p->kind == Prior::Kind::lognormal) p->lo = std::max(p->lo, 0.0);
      const double q0 = p->quantile(1e-9), q1 = p->quantile(1 - 1e-9);
      if (!(p->lo < p->hi) || !(q0 < q1)) {
        error(prior->loc, where + ".prior",
              fmt::format("no mass within the parameter's bounds (got {}; expected a prior that "
                          "puts mass in [{}, {}], where {} is defined)",
                          describe_value(*prior), format_number(b->first), format_number(b->second),
                          path->text));
        continue;
      }
      bool twice = false;
      for (const auto& q : out_.parameters) twice = twice || q.path == path->text;
      if (twice) {
        error(path->loc, where + ".path",
              "a parameter listed twice (got " + path->text + " again; expected each path once)");
        continue;
      }
      if (!scenario_accepts(path->text, q0, path->loc, where) ||
          !scenario_accepts(path->text, q1, path->loc, where)) {
        continue;
      }
      CalibratedParameter cp;
      cp.path = path->text;
      cp.prior = *p;
      cp.prior_as_written =
          fmt::format("{{{}: [{}, {}]}}", node->items[i].find("prior")->keys[0].text,
                      format_number(p->a), format_number(p->b));
      cp.loc = path->loc;
      out_.parameters.push_back(std::move(cp));
    }
  }

  // Whether the scenario loads with the parameter at x; else its message at the parameter.
  bool scenario_accepts(const std::string& path, double x, const SourceLoc& loc,
                        const std::string& where) {
    LoadOptions load;
    load.overrides = overrides_;
    load.overrides.push_back(path + "=" + format_number(x));
    try {
      (void)build_scenario(source_, load);
      return true;
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) {
        error(loc, where + ".prior",
              fmt::format("at {} = {} (the prior's end), the scenario is refused: {}{}", path,
                          format_number(x), d.path.empty() ? "" : d.path + ": ", d.message));
      }
      return false;
    }
  }

  void read_observed(const YamlTree& block) {
    const YamlTree* node = block.find("observed");
    if (node == nullptr || node->is_null() || !node->is_scalar() || node->text.empty()) {
      error(node ? node->loc : block.loc, "calibrate.observed",
            node ? "wrong type (got " + describe_value(*node) + "; expected a CSV file path)"
                 : "missing required key (expected the observed history, a CSV file relative to "
                   "this file, e.g. observed: history.csv)");
      return;
    }
    namespace fs = std::filesystem;
    const fs::path p(node->text);
    out_.observed_as_written = node->text;
    out_.observed_file = p.is_absolute() ? p.string() : (fs::path(base_dir_) / p).string();
    const std::size_t before = diags_.size();
    out_.history = read_observed_history(out_.observed_file, out_.observed_file, base_, diags_);
    for (std::size_t i = before; i < diags_.size(); ++i) {
      if (diags_[i].line == 0) {
        // The file itself could not be read: said at the key.
        diags_[i] = {node->loc.file, node->loc.line, node->loc.column, "calibrate.observed",
                     "cannot read the history " + out_.observed_file + ": " + diags_[i].message};
      }
    }
  }
};

}  // namespace

void read_calibrate_block(const YamlTree& block, const std::string& base_dir,
                          const ScenarioSource& source, const Scenario& base,
                          const std::vector<std::string>& overrides, CalibrateBlock& out,
                          std::vector<Diagnostic>& diagnostics) {
  BlockReader(base_dir, source, base, overrides, out, diagnostics).read(block);
}

std::string calibrate_block_yaml(const CalibrateBlock& block) {
  const AbcSettings& s = block.settings;
  std::string out = "calibrate:\n";
  out += "  observed: " + quoted(block.observed_as_written) + "\n";
  out += "  roadmap: " + quoted(block.roadmap) + "\n";
  out += "  parameters:\n";
  for (const auto& p : block.parameters) {
    out += "    - {path: " + quoted(p.path) + ", prior: " + p.prior_as_written + "}\n";
  }
  out += "  method: abc_smc\n";
  out += fmt::format("  summary: {}\n", block.totals ? "total" : "monthly");
  out += fmt::format("  particles: {}\n  max_simulations: {}\n", s.particles, s.max_simulations);
  out += fmt::format("  min_acceptance_rate: {}\n  epsilon_quantile: {}\n",
                     format_number(s.min_acceptance_rate), format_number(s.epsilon_quantile));
  out += fmt::format("  max_generations: {}\n  min_epsilon: {}\n  min_epsilon_decrease: {}\n",
                     s.max_generations, format_number(s.min_epsilon),
                     format_number(s.min_epsilon_decrease));
  return out;
}

Scenario calibration_scenario(const ScenarioSource& source,
                              const std::vector<std::string>& overrides,
                              const CalibrateBlock& block, std::span<const double> theta) {
  LoadOptions load;
  load.overrides = overrides;
  load.describe = false;  // one simulation of many: its text is never written
  for (std::size_t i = 0; i < block.parameters.size(); ++i) {
    load.overrides.push_back(block.parameters[i].path + "=" + format_number(theta[i]));
  }
  Scenario s = build_scenario(source, load);
  Roadmap roadmap = s.roadmaps[static_cast<std::size_t>(block.roadmap_index)];
  s.roadmaps.clear();
  s.roadmaps.push_back(std::move(roadmap));
  s.baseline = 0;
  s.zero_defect_counterfactual = false;
  s.avoidable_cost_by_touchpoint = false;
  return s;
}

}  // namespace cxsim
