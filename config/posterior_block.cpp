// Reading and checking the posterior block: names resolved to slots, distribution parameters
// or a segment's per-agent churn distribution; every value checked where it will be used.
#include "config/posterior_block.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "config/parameter_paths.hpp"
#include "config/yaml_values.hpp"

namespace cxsim {

namespace {

using Kind = PosteriorTarget::Kind;

constexpr const char* kKeys[] = {"source", "sha256", "parameters", "particles", "weights"};

bool is_sha256(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

class PosteriorReader {
 public:
  PosteriorReader(const Scenario& sc, std::vector<Diagnostic>& diags) : sc_(sc), diags_(diags) {}

  // `where` is the posterior key itself: a missing key is reported there.
  std::optional<Posterior> read(const YamlTree& block, const SourceLoc& where) {
    const std::size_t before = diags_.size();
    for (const char* key : kKeys) {
      const YamlTree* node = block.find(key);
      if (node == nullptr || node->is_null()) {
        error(node ? node->loc : where, std::string("posterior.") + key,
              std::string("missing required key (expected ") + expected(key) + ")");
      }
    }
    Posterior p;
    read_source(block, p);
    read_sha256(block, p);
    const bool names_ok = read_names(block, p);
    read_particles(block, p, names_ok);
    read_weights(block, p);
    if (diags_.size() != before) return std::nullopt;
    return p;
  }

 private:
  const Scenario& sc_;
  std::vector<Diagnostic>& diags_;
  std::size_t rows_ = 0;  // particles read (for the weights' count)
  bool rows_ok_ = false;

  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diags_.push_back({loc.file, loc.line, loc.column, path, std::move(message)});
  }

  static std::string expected(std::string_view key) {
    if (key == "source") return "the calibration's results file, relative to this file";
    if (key == "sha256") return "the SHA-256 of that file, 64 lowercase hexadecimal digits";
    if (key == "parameters") return "a list of parameter names, e.g. [churn.satisfaction]";
    if (key == "particles") return "a list of rows, one value per parameter, e.g. [[0.43]]";
    return "one weight > 0 per particle, e.g. [0.5, 0.5]";
  }

  void read_source(const YamlTree& block, Posterior& p) {
    const YamlTree* node = block.find("source");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_scalar() || node->text.empty()) {
      error(node->loc, "posterior.source",
            "wrong type (got " + describe_value(*node) + "; expected " + expected("source") + ")");
      return;
    }
    p.source = node->text;
    if (node->loc.file.rfind("--set ", 0) != 0) {
      const std::filesystem::path folder = std::filesystem::path(node->loc.file).parent_path();
      p.source_file = (folder / node->text).lexically_normal().string();
    }
  }

  void read_sha256(const YamlTree& block, Posterior& p) {
    const YamlTree* node = block.find("sha256");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_scalar() || !is_sha256(node->text)) {
      error(node->loc, "posterior.sha256",
            "not a SHA-256 (got " +
                (node->is_scalar() ? "'" + node->text + "'" : describe_value(*node)) +
                fmt::format("{}; expected ", node->is_scalar()
                                                 ? fmt::format(", {} characters", node->text.size())
                                                 : "") +
                expected("sha256") + ")");
      return;
    }
    p.sha256 = node->text;
  }

  // Resolves one name; "" when it names a number the posterior can set, else what is wrong.
  std::string resolve(const std::string& name, PosteriorTarget& t) {
    const std::vector<std::string> named = expand_parameter_pattern(sc_, name);
    if (named.empty()) return pattern_mismatch(sc_, name);
    if (named.size() != 1 || named.front() != name) {
      return "a pattern, not one parameter (got '" + name + "', which names " +
             std::to_string(named.size()) + ": " + named.front() +
             (named.size() > 1 ? ", ..." : "") + "; expected each name written out)";
    }
    t.name = name;
    if (const auto slot = find_slot(sc_, name)) {
      t.kind = Kind::slot;
      t.slot = *slot;
      return "";
    }
    const std::optional<DistributionParameter> dp = split_distribution_parameter(name);
    t.index = dp->index;
    if (const auto slot = find_slot(sc_, dp->path)) {
      t.kind = Kind::distribution_parameter;
      t.slot = *slot;
      return "";
    }
    for (std::size_t s = 0; s < sc_.segments.size(); ++s) {
      if (heterogeneity_path(sc_.segments[s].name) != dp->path) continue;
      t.kind = Kind::heterogeneity_parameter;
      t.segment = static_cast<int>(s);
      return "";
    }
    return "names no parameter (got '" + name + "')";  // expand_parameter_pattern named it
  }

  bool read_names(const YamlTree& block, Posterior& p) {
    const YamlTree* node = block.find("parameters");
    if (node == nullptr || node->is_null()) return false;
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, "posterior.parameters",
            (node->is_sequence() ? std::string("empty") : "wrong type") + " (got " +
                describe_value(*node) + "; expected " + expected("parameters") + ")");
      return false;
    }
    bool ok = true;
    for (std::size_t j = 0; j < node->items.size(); ++j) {
      const YamlTree& item = node->items[j];
      const std::string display = fmt::format("posterior.parameters[{}]", j);
      if (!item.is_scalar()) {
        error(item.loc, display,
              "wrong type (got " + describe_value(item) + "; expected a parameter name)");
        ok = false;
        continue;
      }
      PosteriorTarget t;
      const std::string problem = resolve(item.text, t);
      if (!problem.empty()) {
        error(item.loc, display, problem);
        ok = false;
        continue;
      }
      const std::string clash = overlap(p, t);
      if (!clash.empty()) {
        error(item.loc, display, clash);
        ok = false;
        continue;
      }
      p.parameters.push_back(std::move(t));
    }
    if (!ok) return false;
    // A baseline churn that stands for a per-agent distribution's mean follows its draw.
    for (PosteriorTarget& t : p.parameters) {
      if (t.kind != Kind::heterogeneity_parameter) continue;
      const int churn = sc_.layout.segment(t.segment, SegmentParam::baseline_churn_monthly);
      const Slot& slot = sc_.slots[static_cast<std::size_t>(churn)];
      const bool implicit =
          slot.value.is_constant() &&
          slot.value.a ==
              sc_.segments[static_cast<std::size_t>(t.segment)].churn_heterogeneity->mean();
      t.mean_slot = implicit ? churn : -1;
    }
    return true;
  }

  // "" when `t` sets something no earlier name sets, else what clashes.
  static std::string overlap(const Posterior& p, const PosteriorTarget& t) {
    for (const PosteriorTarget& u : p.parameters) {
      if (u.name == t.name) {
        return "listed twice (got '" + t.name + "' again; expected each parameter once)";
      }
      const bool same_slot = t.slot >= 0 && u.slot == t.slot;
      if (same_slot && (u.kind == Kind::slot || t.kind == Kind::slot)) {
        return "overlaps '" + u.name + "' (got '" + t.name +
               "'; expected either the number or the parameters of its distribution, not both)";
      }
    }
    return "";
  }

  // The effect whose value a slot holds, or nullptr.
  const Effect* effect_of(int slot) const {
    for (const Roadmap& r : sc_.roadmaps) {
      for (const Initiative& i : r.initiatives) {
        for (const Effect& e : i.effects) {
          if (e.value_slot == slot) return &e;
        }
      }
    }
    return nullptr;
  }

  // "" when `x` may stand for the number `t` sets (its slot's range; a multiply effect's factor
  // >= 0), else what is wrong. Distribution parameters are checked row by row, as a whole
  // distribution (check_row_distributions).
  std::string check_value(const PosteriorTarget& t, double x) const {
    if (t.kind != Kind::slot) return "";
    const Slot& slot = sc_.slots[static_cast<std::size_t>(t.slot)];
    const bool inside = x >= slot.lo && (slot.hi_exclusive ? x < slot.hi : x <= slot.hi);
    if (!inside) {
      return "out of range (got " + format_number(x) + " for " + t.name + "; expected " +
             range_text(slot.lo, slot.hi, slot.hi_exclusive) + ")";
    }
    const Effect* e = effect_of(t.slot);
    if (e != nullptr && e->op == EffectOp::multiply && x < 0.0) {
      return "out of range (got " + format_number(x) + " for " + t.name +
             ", the factor of a multiply effect; expected >= 0)";
    }
    return "";
  }

  // The distributions a row sets parameters of, checked as the scenario's own are.
  std::string check_row_distributions(const Posterior& p, const std::vector<double>& row) const {
    std::vector<std::pair<std::string, Distribution>> dists;  // by the key written as it
    for (std::size_t j = 0; j < p.parameters.size(); ++j) {
      const PosteriorTarget& t = p.parameters[j];
      if (t.kind == Kind::slot) continue;
      const std::optional<DistributionParameter> dp = split_distribution_parameter(t.name);
      auto it = std::find_if(dists.begin(), dists.end(),
                             [&](const auto& d) { return d.first == dp->path; });
      if (it == dists.end()) {
        const Distribution base =
            t.kind == Kind::distribution_parameter
                ? sc_.slots[static_cast<std::size_t>(t.slot)].value
                : *sc_.segments[static_cast<std::size_t>(t.segment)].churn_heterogeneity;
        dists.emplace_back(dp->path, base);
        it = dists.end() - 1;
      }
      it->second.parameter(t.index) = row[j];
    }
    for (const auto& [path, d] : dists) {
      const std::string problem = d.check();
      if (!problem.empty()) {
        return "an invalid distribution (got " + format_distribution(d) + " at " + path + ": " +
               problem + "; expected parameters the scenario would accept there)";
      }
    }
    return "";
  }

  void read_particles(const YamlTree& block, Posterior& p, bool names_ok) {
    const YamlTree* node = block.find("particles");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, "posterior.particles",
            (node->is_sequence() ? std::string("no particles") : "wrong type") + " (got " +
                describe_value(*node) + "; expected " + expected("particles") + ")");
      return;
    }
    rows_ = node->items.size();
    rows_ok_ = true;
    const std::size_t width = p.parameters.size();
    const YamlTree* names = block.find("parameters");
    const std::size_t written =
        names != nullptr && names->is_sequence() ? names->items.size() : width;
    for (std::size_t k = 0; k < node->items.size(); ++k) {
      const YamlTree& row = node->items[k];
      const std::string display = fmt::format("posterior.particles[{}]", k);
      if (!row.is_sequence()) {
        error(row.loc, display,
              "wrong type (got " + describe_value(row) + "; expected a list of " +
                  std::to_string(written) + " numbers, one per parameter)");
        continue;
      }
      if (row.items.size() != written) {
        error(row.loc, display,
              fmt::format("wrong length (got {} values; expected {}, one per name in "
                          "posterior.parameters)",
                          row.items.size(), written));
        continue;
      }
      std::vector<double> values(row.items.size(), 0.0);
      bool ok = true;
      for (std::size_t j = 0; j < row.items.size(); ++j) {
        const YamlTree& cell = row.items[j];
        const std::string cell_display = fmt::format("{}[{}]", display, j);
        std::string e;
        const std::optional<double> x = read_number(cell, e);
        if (!x) {
          error(cell.loc, cell_display, e);
          ok = false;
          continue;
        }
        values[j] = *x;
        if (!names_ok) continue;
        const std::string problem = check_value(p.parameters[j], *x);
        if (!problem.empty()) {
          error(cell.loc, cell_display, problem);
          ok = false;
        }
      }
      if (ok && names_ok) {
        const std::string problem = check_row_distributions(p, values);
        if (!problem.empty()) error(row.loc, display, problem);
      }
      p.values.insert(p.values.end(), values.begin(), values.end());
    }
  }

  void read_weights(const YamlTree& block, Posterior& p) {
    const YamlTree* node = block.find("weights");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_sequence()) {
      error(node->loc, "posterior.weights",
            "wrong type (got " + describe_value(*node) + "; expected " + expected("weights") + ")");
      return;
    }
    if (rows_ok_ && node->items.size() != rows_) {
      error(node->loc, "posterior.weights",
            fmt::format("wrong count (got {} weights; expected {}, one per particle)",
                        node->items.size(), rows_));
    }
    for (std::size_t k = 0; k < node->items.size(); ++k) {
      const YamlTree& cell = node->items[k];
      const std::string display = fmt::format("posterior.weights[{}]", k);
      std::string e;
      const std::optional<double> w = read_number(cell, e);
      if (!w) {
        error(cell.loc, display, e);
        continue;
      }
      if (!(*w > 0.0)) {
        error(cell.loc, display,
              "not positive (got " + cell.text + "; expected a finite weight > 0)");
        continue;
      }
      p.weights.push_back(*w);
    }
  }
};

}  // namespace

std::optional<Posterior> read_posterior(const YamlTree& root, const Scenario& scenario,
                                        std::vector<Diagnostic>& diagnostics) {
  const YamlTree* block = root.find("posterior");
  // Absent, or not a mapping (the loader's key check reports that).
  if (block == nullptr || !block->is_map()) return std::nullopt;
  const YamlTree* key = root.key_node("posterior");
  return PosteriorReader(scenario, diagnostics).read(*block, key ? key->loc : block->loc);
}

std::string posterior_override_conflict(const Scenario& scenario, const std::string& path) {
  if (!scenario.posterior) return "";
  for (const std::string& name : expand_parameter_pattern(scenario, path)) {
    const std::optional<DistributionParameter> dp = split_distribution_parameter(name);
    for (const PosteriorTarget& t : scenario.posterior->parameters) {
      const bool same = t.name == name;
      // A slot's number and its distribution's parameters are the same number's.
      const bool related =
          t.slot >= 0 && ((find_slot(scenario, name) == t.slot) ||
                          (dp && find_slot(scenario, dp->path) == t.slot && t.kind == Kind::slot));
      if (same || related) {
        return "drawn from the posterior (got an override of '" + name +
               "', which posterior "
               "parameter '" +
               t.name +
               "' sets in every replication; expected a parameter the "
               "posterior does not list, or the posterior without it)";
      }
    }
  }
  return "";
}

}  // namespace cxsim
