// Validation of a resolved scenario document and construction of the immutable Scenario.
#include "config/scenario_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>

#include "config/did_you_mean.hpp"
#include "config/input_file.hpp"
#include "config/parameter_paths.hpp"
#include "config/posterior_block.hpp"
#include "config/scenario_describe.hpp"
#include "config/scenario_keys.hpp"
#include "config/yaml_merge.hpp"
#include "config/yaml_tree.hpp"
#include "config/yaml_values.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/printable.hpp"
#include "engine/memory_budget.hpp"

namespace cxsim {

namespace {

constexpr double kShareTolerance = 1e-6;

// The smallest and largest value a number can take: a draw, then effects at any strength.
struct ValueRange {
  double lo = 0.0;
  double hi = 0.0;
};

ValueRange value_range(const Distribution& d) {
  constexpr double kPositive = 1e-300;  // lognormal and beta draws are never 0
  switch (d.kind) {
    case DistributionKind::constant:
      return {d.a, d.a};
    case DistributionKind::uniform:
      return {d.a, d.b};
    case DistributionKind::triangular:
      return {d.a, d.c};
    case DistributionKind::normal:  // sd 0 draws its mean
      return d.b == 0.0 ? ValueRange{d.a, d.a} : ValueRange{-kInf, kInf};
    case DistributionKind::lognormal:
      return d.b == 0.0 ? ValueRange{std::exp(d.a), std::exp(d.a)} : ValueRange{kPositive, kInf};
    case DistributionKind::beta:
      return {kPositive, 1.0};
  }
  return {-kInf, kInf};
}

// x after an effect of value v at a strength frac in [0, 1] (MODEL.md s.4), as intervals.
ValueRange after_effect(ValueRange x, EffectOp op, ValueRange v) {
  auto product = [](ValueRange a, ValueRange b) {
    const double p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
    ValueRange r{kInf, -kInf};
    for (double q : p) {
      if (std::isnan(q)) q = 0.0;  // 0 * inf: the factor is 1 at strength 0
      r.lo = std::min(r.lo, q);
      r.hi = std::max(r.hi, q);
    }
    return r;
  };
  switch (op) {
    case EffectOp::multiply:  // factor 1 + frac (v - 1) lies between 1 and v
      return product(x, {std::min(1.0, v.lo), std::max(1.0, v.hi)});
    case EffectOp::add:  // x + frac v
      return {x.lo + std::min(0.0, v.lo), x.hi + std::max(0.0, v.hi)};
    case EffectOp::set:  // between x and v
      return {std::min(x.lo, v.lo), std::max(x.hi, v.hi)};
  }
  return x;
}

// Names become HDF5 attribute values, dataset labels and the default results file name
// (<name>.h5), so they are short and plain.
constexpr std::size_t kMaxNameLength = 100;

bool valid_name(const std::string& s) {
  return !s.empty() && s.size() <= kMaxNameLength && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// A library initiative as declared (slots allocated when a roadmap first uses it).
struct LibEffect {
  std::string target;
  EffectOp op = EffectOp::multiply;
  bool value_ok = false;  // false: its value was reported as wrong and is a placeholder
  std::vector<int> slots;
  Distribution value;
};

struct Capex {
  Distribution total = Distribution::constant(0);
  int months = 1;
};

struct LibInitiative {
  std::string name;
  std::string display;
  SourceLoc loc;
  int start_month = 1;
  int end_month = 0;
  int ramp_months = 0;
  Capex capex;
  Distribution opex = Distribution::constant(0);
  std::optional<Distribution> sustaining_opex;  // unset: follows the effective opex
  std::vector<LibEffect> effects;
  bool allocated = false;
  std::vector<int> effect_slots;
  int capex_slot = -1;
  int opex_slot = -1;
  int sustaining_opex_slot = -1;  // -1: the use's own opex slot
};

class Builder {
 public:
  Builder(std::vector<Diagnostic>& diagnostics) : diags_(diagnostics) {}

  Scenario build(const YamlTree& root, const std::string& file);

 private:
  std::vector<Diagnostic>& diags_;
  Scenario sc_;
  std::vector<LibInitiative> library_;

  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diags_.push_back({loc.file, loc.line, loc.column, path, std::move(message)});
  }

  static bool from_override(const SourceLoc& loc) { return loc.file.rfind("--set ", 0) == 0; }

  // Where to report a problem that shows at `own` but that other keys take part in: at the
  // first of them that a --set wrote, since the override is what made it a problem; else `own`.
  static SourceLoc blame(const SourceLoc& own, const std::vector<const YamlTree*>& causes) {
    if (from_override(own)) return own;
    for (const YamlTree* c : causes) {
      if (c != nullptr && from_override(c->loc)) return c->loc;
    }
    return own;
  }

  static std::string join_path(const std::string& a, std::string_view b) {
    return a.empty() ? std::string(b) : a + "." + std::string(b);
  }

  // Unknown keys (with suggestions) and non-mapping intermediate sections, recursively.
  void check_keys(const YamlTree& map, KeyOwner owner, const std::string& rel,
                  const std::string& display) {
    const std::vector<std::string> allowed = child_keys(owner, rel);
    for (std::size_t i = 0; i < map.keys.size(); ++i) {
      const std::string& key = map.keys[i].text;
      const std::string key_rel = rel.empty() ? key : rel + "." + key;
      const std::string key_display = join_path(display, key);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        error(map.keys[i].loc, key_display,
              "unknown key '" + key + "'" + did_you_mean(key, allowed) +
                  " (expected one of: " + join(allowed) + ")");
        continue;
      }
      if (find_key(owner, key_rel) != nullptr) continue;  // a leaf: read by its reader
      const YamlTree& value = map.items[i];
      if (value.is_map()) {
        check_keys(value, owner, key_rel, key_display);
      } else if (!value.is_null()) {
        error(value.loc, key_display,
              "wrong type (got " + describe_value(value) + "; expected a mapping with keys " +
                  join(child_keys(owner, key_rel)) + ")");
      }
    }
  }

  // The node at a dotted path below `map`, or nullptr when absent (or not reachable).
  static const YamlTree* at(const YamlTree& map, std::string_view rel) {
    const YamlTree* node = &map;
    for (const auto& part : split_path(rel)) {
      if (!node->is_map()) return nullptr;
      node = node->find(part);
      if (node == nullptr) return nullptr;
    }
    return node;
  }

  // The location to blame when a key is missing: the owner mapping.
  static SourceLoc missing_loc(const YamlTree& map) { return map.loc; }

  const KeyInfo& key(KeyOwner owner, std::string_view rel) {
    const KeyInfo* k = find_key(owner, rel);
    return *k;  // every rel used below is declared in the table
  }

  // Plain numbers (structural): range from the table; distributions refused.
  std::optional<double> number(const YamlTree& map, KeyOwner owner, std::string_view rel,
                               const std::string& display, bool integral) {
    const KeyInfo& k = key(owner, rel);
    const YamlTree* node = at(map, rel);
    const std::string path = join_path(display, rel);
    if (node == nullptr || node->is_null()) {
      if (k.required()) {
        error(node != nullptr ? node->loc : missing_loc(map), path,
              std::string("missing required key (expected ") +
                  (integral ? "an integer " : "a number ") +
                  range_text(k.lo, k.hi, k.hi_exclusive) + ": " + std::string(k.meaning) + ")");
        return std::nullopt;
      }
      if (k.default_text == "-") return std::nullopt;
      double x = 0;
      std::from_chars(k.default_text.data(), k.default_text.data() + k.default_text.size(), x);
      return x;
    }
    if (node->is_map() && looks_like_distribution(*node)) {
      error(node->loc, path,
            "distributions are not allowed on structural numbers (got " + node->keys[0].text +
                " distribution; expected a plain number " + range_text(k.lo, k.hi, k.hi_exclusive) +
                ")");
      return std::nullopt;
    }
    std::string e;
    const std::optional<double> x = read_number(*node, e);
    if (!x) {
      error(node->loc, path, e);
      return std::nullopt;
    }
    if (integral && std::floor(*x) != *x) {
      error(node->loc, path,
            "not a whole number (got " + node->text + "; expected an integer " +
                range_text(k.lo, k.hi, k.hi_exclusive) + ")");
      return std::nullopt;
    }
    if (!(*x >= k.lo && (k.hi_exclusive ? *x < k.hi : *x <= k.hi))) {
      error(node->loc, path,
            "out of range (got " + node->text + "; expected " +
                range_text(k.lo, k.hi, k.hi_exclusive) + ")");
      return std::nullopt;
    }
    return x;
  }

  std::optional<int> integer(const YamlTree& map, KeyOwner owner, std::string_view rel,
                             const std::string& display) {
    const std::optional<double> x = number(map, owner, rel, display, true);
    if (!x) return std::nullopt;
    if (std::fabs(*x) > 2e9) {
      error(at(map, rel) ? at(map, rel)->loc : map.loc, join_path(display, rel),
            "out of range (got " + format_number(*x) + "; expected an integer below 2e9)");
      return std::nullopt;
    }
    return static_cast<int>(*x);
  }

  std::optional<bool> boolean(const YamlTree& map, KeyOwner owner, std::string_view rel,
                              const std::string& display) {
    const KeyInfo& k = key(owner, rel);
    const YamlTree* node = at(map, rel);
    if (node == nullptr || node->is_null()) return k.default_text == "true";
    std::string e;
    const std::optional<bool> b = read_bool(*node, e);
    if (!b) error(node->loc, join_path(display, rel), e);
    return b;
  }

  std::optional<std::string> choice(const YamlTree& map, KeyOwner owner, std::string_view rel,
                                    const std::string& display) {
    const KeyInfo& k = key(owner, rel);
    const YamlTree* node = at(map, rel);
    if (node == nullptr || node->is_null()) return std::string(k.default_text);
    const std::vector<std::string> options = split_choices(k.choices);
    if (node->is_scalar() &&
        std::find(options.begin(), options.end(), node->text) != options.end()) {
      return node->text;
    }
    error(node->loc, join_path(display, rel),
          (node->is_scalar()
               ? "unknown value '" + node->text + "'" + did_you_mean(node->text, options)
               : std::string("wrong type")) +
              " (got " + describe_value(*node) + "; expected one of " + join(options, " | ") + ")");
    return std::nullopt;
  }

  static std::vector<std::string> split_choices(std::string_view choices) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= choices.size()) {
      const std::size_t bar = choices.find('|', start);
      out.emplace_back(choices.substr(start, bar == std::string_view::npos ? bar : bar - start));
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    return out;
  }

  // A name key: required, [A-Za-z0-9_-]+.
  std::optional<std::string> name(const YamlTree& map, const std::string& display) {
    const YamlTree* node = map.find("name");
    const std::string path = join_path(display, "name");
    if (node == nullptr || node->is_null()) {
      error(node ? node->loc : map.loc, path,
            "missing required key (expected a name of letters, digits, '_' or '-')");
      return std::nullopt;
    }
    if (node->is_scalar() && node->text.size() > kMaxNameLength) {
      error(node->loc, path,
            fmt::format("name too long (got {} characters; expected 1 to {} letters, digits, '_' "
                        "or '-')",
                        node->text.size(), kMaxNameLength));
      return std::nullopt;
    }
    if (!node->is_scalar() || !valid_name(node->text)) {
      error(node->loc, path,
            "invalid name (got " + describe_value(*node) +
                "; expected letters, digits, '_' or '-' only)");
      return std::nullopt;
    }
    return node->text;
  }

  // A free-text key: any printable text; of the control characters only those in `allowed`
  // (they would reach the terminal raw, and a NUL would cut the results-file attribute).
  std::optional<std::string> text(const YamlTree& map, std::string_view key,
                                  std::string_view allowed) {
    const YamlTree* node = map.find(key);
    if (node == nullptr || node->is_null()) return std::nullopt;
    if (!node->is_scalar()) {
      error(node->loc, std::string(key),
            "wrong type (got " + describe_value(*node) + "; expected text)");
      return std::nullopt;
    }
    if (const auto at = first_control(node->text, allowed)) {
      const std::size_t n = static_cast<unsigned char>(node->text[*at]) == 0xC2 ? 2 : 1;
      error(node->loc, std::string(key),
            fmt::format("control character in text (got '{}' at character {}; expected "
                        "printable text{})",
                        printable(node->text.substr(*at, n)), *at + 1,
                        allowed.empty() ? "" : ", with tabs and line breaks allowed"));
      return std::nullopt;
    }
    return node->text;
  }

  // A behavioural number: constant or distribution, checked against `p`.
  std::optional<Distribution> param(const YamlTree* node, const SourceLoc& owner_loc,
                                    const ParamInfo& p, const std::string& path,
                                    bool required_override = false, bool allow_missing = false) {
    if (node == nullptr || node->is_null()) {
      if (p.required() || required_override) {
        if (allow_missing) return std::nullopt;
        error(node ? node->loc : owner_loc, path,
              "missing required key (expected a number " + range_text(p.lo, p.hi, p.hi_exclusive) +
                  (p.unit.empty() ? std::string{} : " " + std::string(p.unit)) +
                  (p.meaning.empty() ? std::string{} : ": " + std::string(p.meaning)) + ")");
        return std::nullopt;
      }
      return Distribution::constant(p.default_value);
    }
    std::string e;
    if (node->is_map()) {
      if (!p.distribution_ok) {
        error(node->loc, path,
              "distributions are not allowed here (got " + describe_value(*node) +
                  "; expected a plain number)");
        return std::nullopt;
      }
      const std::optional<Distribution> d = read_distribution(*node, e);
      if (!d) {
        error(node->loc, path, e);
        return std::nullopt;
      }
      const double m = d->mean();
      if (!std::isfinite(m) || !p.in_range(m)) {
        error(node->loc, path,
              "distribution mean out of range (got mean " + format_number(m) + "; expected " +
                  range_text(p.lo, p.hi, p.hi_exclusive) + ")");
        return std::nullopt;
      }
      return d;
    }
    const std::optional<double> x = read_number(*node, e);
    if (!x) {
      if (node->is_sequence() || (node->is_scalar() && e.rfind("wrong type", 0) == 0)) {
        e = "wrong type (got " + describe_value(*node) +
            "; expected a number or a distribution such as {normal: [mean, sd]})";
      }
      error(node->loc, path, e);
      return std::nullopt;
    }
    if (!p.in_range(*x)) {
      error(node->loc, path,
            "out of range (got " + node->text + "; expected " +
                range_text(p.lo, p.hi, p.hi_exclusive) +
                (p.unit.empty() ? std::string{} : " " + std::string(p.unit)) + ")");
      return std::nullopt;
    }
    return Distribution::constant(*x);
  }

  static ParamInfo money_info(std::string_view key, std::string_view unit) {
    return ParamInfo{key, 0.0, 0.0, kMaxMoney, false, unit, "", "", true, false};
  }

  // capex: a total (number/distribution) or {total, months}.
  std::optional<Capex> capex(const YamlTree* node, const SourceLoc& owner_loc,
                             const std::string& path, int start_month, int horizon) {
    Capex out;
    const ParamInfo info = money_info("capex", "money");
    if (node != nullptr && node->is_map() && !looks_like_distribution(*node)) {
      const std::vector<std::string> allowed{"total", "months"};
      bool ok = true;
      for (const auto& k : node->keys) {
        if (std::find(allowed.begin(), allowed.end(), k.text) == allowed.end()) {
          error(k.loc, path + "." + k.text,
                "unknown key '" + k.text + "'" + did_you_mean(k.text, allowed) +
                    " (expected one of: total, months)");
          ok = false;
        }
      }
      const YamlTree* total = node->find("total");
      if (total == nullptr) {
        error(node->loc, path + ".total", "missing required key (expected the capex total >= 0)");
        ok = false;
      } else if (const auto d = param(total, node->loc, info, path + ".total")) {
        out.total = *d;
      } else {
        ok = false;
      }
      if (const YamlTree* months = node->find("months")) {
        std::string e;
        const std::optional<double> m = read_number(*months, e);
        if (!m) {
          error(months->loc, path + ".months", e);
          ok = false;
        } else if (std::floor(*m) != *m || *m < 1 || *m > 600) {
          error(months->loc, path + ".months",
                "out of range (got " + months->text + "; expected an integer in [1, 600])");
          ok = false;
        } else {
          out.months = static_cast<int>(*m);
        }
      }
      if (!ok) return std::nullopt;
    } else if (node != nullptr) {
      const std::optional<Distribution> d = param(node, owner_loc, info, path);
      if (!d) return std::nullopt;
      out.total = *d;
    }
    if (start_month + out.months - 1 > horizon) {
      error(blame(node ? node->loc : owner_loc, {horizon_node_}), path,
            fmt::format("capex spending runs past the horizon (got months {}..{}; expected "
                        "start_month + months - 1 <= horizon_months {})",
                        start_month, start_month + out.months - 1, horizon));
      return std::nullopt;
    }
    return out;
  }

  // The list at `key` of the root, items checked to be mappings.
  const YamlTree* list(const YamlTree& root, std::string_view key_name, bool required) {
    const YamlTree* node = root.find(key_name);
    if (node == nullptr || node->is_null()) {
      if (required) {
        error(node ? node->loc : root.loc, std::string(key_name),
              "missing required key (expected a list of " + std::string(key_name) + ")");
      }
      return nullptr;
    }
    if (!node->is_sequence()) {
      error(node->loc, std::string(key_name),
            "wrong type (got " + describe_value(*node) + "; expected a list of " +
                std::string(key_name) + ", each item starting with '- name: ...')");
      return nullptr;
    }
    return node;
  }

  // Display path of a list item: by name when it has a valid one, else by index.
  static std::string item_display(const std::string& list_name, const YamlTree& item,
                                  std::size_t index, std::string_view name_key = "name") {
    const std::string n = item.item_name(name_key);
    if (valid_name(n)) return list_name + "." + n;
    return list_name + "[" + std::to_string(index) + "]";
  }

  void read_structure(const YamlTree& root);
  void read_segments(const YamlTree& root);
  void read_touchpoints(const YamlTree& root);
  void read_contacts(const YamlTree& tp, int k, const std::string& display);
  void read_library(const YamlTree& root);
  std::vector<int> resolve_target(const std::string& target, const SourceLoc& loc,
                                  const std::string& path);
  void read_roadmaps(const YamlTree& root);
  void allocate_library(LibInitiative& lib);
  int add_slot(std::string path, Distribution value, double lo, double hi) {
    Slot s;
    s.path = std::move(path);
    s.value = value;
    s.lo = lo;
    s.hi = hi;
    sc_.slots.push_back(std::move(s));
    failed_.resize(sc_.slots.size(), 0);
    return static_cast<int>(sc_.slots.size()) - 1;
  }
  void cross_checks(const YamlTree& root);
  // A description of a segment's churn hazard that some draw and roadmap can make 0, or "".
  std::string hazard_that_can_be_zero() const;
  // Whether the discount, a baseline churn or an effect on one was reported as wrong.
  bool clv_inputs_failed() const {
    if (failed(sc_.layout.global(GlobalParam::discount_rate_annual))) return true;
    for (int s = 0; s < sc_.layout.segments(); ++s) {
      const int slot = sc_.layout.segment(s, SegmentParam::baseline_churn_monthly);
      if (failed(slot)) return true;
      for (const Roadmap& roadmap : sc_.roadmaps) {
        for (const Initiative& init : roadmap.initiatives) {
          for (const Effect& e : init.effects) {
            if (failed(e.value_slot) &&
                std::find(e.slots.begin(), e.slots.end(), slot) != e.slots.end()) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  std::vector<std::optional<Distribution>> globals_;
  std::vector<const YamlTree*> segment_nodes_;
  std::vector<const YamlTree*> touchpoint_nodes_;
  std::vector<std::string> segment_display_, touchpoint_display_;
  bool segments_ok_ = false;
  bool touchpoints_ok_ = false;
  double agents_ = 0;
  bool agents_ok_ = false;
  bool population_ok_ = false;
  const YamlTree* horizon_node_ = nullptr;
  bool degree_ok_ = false;
  // By slot: 1 where the value was reported as wrong (cross-checks skip what reads it).
  std::vector<char> failed_;
  bool failed(int slot) const {
    return static_cast<std::size_t>(slot) < failed_.size() &&
           failed_[static_cast<std::size_t>(slot)] != 0;
  }
  bool replications_ok_ = false;

  // The values a slot can take in some replication: its distribution's range, or with a
  // posterior that sets it (or its distribution's parameters) the union over the particles.
  ValueRange slot_range(int slot) const {
    const Slot& s = sc_.slots[static_cast<std::size_t>(slot)];
    if (!sc_.posterior) return value_range(s.value);
    const Posterior& p = *sc_.posterior;
    bool touched = false;
    ValueRange out{kInf, -kInf};
    for (std::size_t k = 0; k < p.particles(); ++k) {
      Distribution d = s.value;
      for (std::size_t j = 0; j < p.parameters.size(); ++j) {
        const PosteriorTarget& t = p.parameters[j];
        if (t.slot != slot) continue;
        touched = true;
        if (t.kind == PosteriorTarget::Kind::slot) d = Distribution::constant(p.value(k, j));
        if (t.kind == PosteriorTarget::Kind::distribution_parameter) {
          d.parameter(t.index) = p.value(k, j);
        }
      }
      if (!touched) return value_range(s.value);
      const ValueRange r = value_range(d);
      out = {std::min(out.lo, r.lo), std::max(out.hi, r.hi)};
    }
    return touched ? out : value_range(s.value);
  }

  // Whether a posterior sets the slot to a value other than 0 in some replication.
  bool posterior_nonzero(int slot) const {
    if (!sc_.posterior) return false;
    for (const PosteriorTarget& t : sc_.posterior->parameters) {
      if (t.slot != slot) continue;
      const ValueRange r = slot_range(slot);
      return r.lo != 0.0 || r.hi != 0.0;
    }
    return false;
  }
};

Scenario Builder::build(const YamlTree& root, const std::string& file) {
  sc_.file = file;
  if (!root.is_map()) {
    error(root.loc, "",
          "the top level must be a mapping of scenario keys (got " + describe_value(root) +
              "; expected lines such as 'name: my_scenario')");
    return sc_;
  }
  check_keys(root, KeyOwner::root, "", "");
  read_structure(root);
  read_segments(root);
  read_touchpoints(root);
  sc_.layout =
      ParamLayout(static_cast<int>(sc_.segments.size()), static_cast<int>(sc_.touchpoints.size()));
  read_library(root);
  read_roadmaps(root);
  sc_.posterior = read_posterior(root, sc_, diags_);
  cross_checks(root);
  return sc_;
}

void Builder::read_structure(const YamlTree& root) {
  const KeyOwner R = KeyOwner::root;
  if (const auto n = name(root, "")) sc_.name = *n;
  if (const auto d = text(root, "description", "\t\n")) sc_.description = *d;
  if (const auto c = text(root, "currency", "")) sc_.currency = *c;
  // An invalid horizon would make every month check fail too; check months against the maximum.
  horizon_node_ = root.find("horizon_months");
  const auto horizon = integer(root, R, "horizon_months", "");
  sc_.horizon_months = horizon ? *horizon : 600;
  if (const auto r = number(root, R, "replications", "", true)) {
    sc_.replications = static_cast<std::int64_t>(*r);
    replications_ok_ = true;
  }
  if (const YamlTree* s = root.find("seed"); s != nullptr && !s->is_null()) {
    std::string e;
    if (const auto v = read_uint64(*s, e)) {
      sc_.seed = *v;
    } else {
      error(s->loc, "seed", e);
    }
  } else {
    sc_.seed = 1;
  }
  if (const auto a = number(root, R, "agents", "", true)) {
    agents_ = *a;
    agents_ok_ = true;
    sc_.agents = static_cast<std::int64_t>(*a);
  }
  if (const auto t = choice(root, R, "terminal_value", "")) {
    for (const TerminalValue tv : kTerminalValues) {
      if (*t == to_string(tv)) sc_.terminal_value = tv;
    }
  }
  if (const auto p = number(root, R, "market.population", "", false)) {
    sc_.population = *p;
    population_ok_ = true;
  }
  if (const auto t = choice(root, R, "market.network.type", "")) {
    for (const NetworkType nt :
         {NetworkType::none, NetworkType::complete, NetworkType::ring, NetworkType::random,
          NetworkType::small_world, NetworkType::scale_free}) {
      if (*t == to_string(nt)) sc_.network.type = nt;
    }
  }
  if (const auto d = integer(root, R, "market.network.mean_degree", "")) {
    sc_.network.mean_degree = *d;
    degree_ok_ = true;
  }
  if (const auto p = number(root, R, "market.network.rewire_probability", "", false)) {
    sc_.network.rewire_probability = *p;
  }
  if (const auto b = boolean(root, R, "market.network.per_replication", "")) {
    sc_.network.per_replication = *b;
  }
  if (const auto c = integer(root, R, "organization.change_capacity", "")) {
    sc_.change_capacity = *c;
  } else {
    sc_.change_capacity = 0;
  }
  if (const auto z = boolean(root, R, "analysis.zero_defect_counterfactual", "")) {
    sc_.zero_defect_counterfactual = *z;
  }
  if (const auto z = boolean(root, R, "analysis.avoidable_cost_by_touchpoint", "")) {
    sc_.avoidable_cost_by_touchpoint = *z;
  }
  for (const auto& p : global_params()) {
    globals_.push_back(param(at(root, p.key), root.loc, p, std::string(p.key)));
  }
}

void Builder::read_segments(const YamlTree& root) {
  const YamlTree* segs = list(root, "segments", true);
  if (segs == nullptr) return;
  if (segs->items.empty()) {
    error(segs->loc, "segments", "no segments (got an empty list; expected at least one)");
    return;
  }
  bool ok = true;
  double share_sum = 0;
  bool shares_ok = true;
  std::vector<std::string> names;
  std::vector<const YamlTree*> share_nodes;
  for (std::size_t i = 0; i < segs->items.size(); ++i) {
    const YamlTree& item = segs->items[i];
    const std::string display = item_display("segments", item, i);
    if (!item.is_map()) {
      error(item.loc, display,
            "wrong type (got " + describe_value(item) +
                "; expected a segment mapping with name, share, ...)");
      ok = false;
      continue;
    }
    check_keys(item, KeyOwner::segment, "", display);
    Segment seg;
    if (const auto n = name(item, display)) {
      if (std::find(names.begin(), names.end(), *n) != names.end()) {
        error(item.find("name")->loc, display + ".name",
              "duplicate segment name (got '" + *n + "' twice; expected unique names)");
        ok = false;
      }
      seg.name = *n;
    } else {
      ok = false;
    }
    names.push_back(seg.name);
    share_nodes.push_back(item.find("share"));
    if (const auto s = number(item, KeyOwner::segment, "share", display, false)) {
      seg.share = *s;
      share_sum += *s;
    } else {
      shares_ok = false;
    }
    if (const auto p = number(item, KeyOwner::segment, "initial_penetration", display, false)) {
      seg.initial_penetration = *p;
    }
    const YamlTree* het = at(item, "heterogeneity.baseline_churn_monthly");
    if (het != nullptr && !het->is_null()) {
      std::string e;
      const std::optional<Distribution> d = read_distribution(*het, e);
      const std::string path = display + ".heterogeneity.baseline_churn_monthly";
      if (!d) {
        error(het->loc, path,
              e.rfind("wrong type", 0) == 0
                  ? "wrong type (got " + describe_value(*het) + "; expected {beta: [a, b]})"
                  : e);
      } else if (d->kind != DistributionKind::beta) {
        error(het->loc, path,
              std::string("only a beta distribution is allowed here (got ") + to_string(d->kind) +
                  "; expected {beta: [a, b]} with a, b > 0)");
      } else {
        seg.churn_heterogeneity = *d;
      }
    }
    seg.transactional = at(item, "revenue.purchases_per_month") != nullptr &&
                        !at(item, "revenue.purchases_per_month")->is_null();
    sc_.segments.push_back(seg);
    segment_nodes_.push_back(&item);
    segment_display_.push_back(display);
  }
  if (shares_ok && ok && std::fabs(share_sum - 1.0) > kShareTolerance) {
    error(blame(root.key_node("segments")->loc, share_nodes), "segments",
          "segment shares do not sum to 1 (got " + format_number(share_sum) +
              "; expected 1 within 1e-6)");
  }
  segments_ok_ = ok;
}

void Builder::read_touchpoints(const YamlTree& root) {
  const YamlTree* tps = list(root, "touchpoints", false);
  if (tps == nullptr) {
    // No touchpoints is valid (effects can still be resolved); a wrong type was reported.
    const YamlTree* node = root.find("touchpoints");
    touchpoints_ok_ = node == nullptr || node->is_null();
    return;
  }
  std::vector<std::string> names;
  bool ok = true;
  for (std::size_t i = 0; i < tps->items.size(); ++i) {
    const YamlTree& item = tps->items[i];
    const std::string display = item_display("touchpoints", item, i);
    if (!item.is_map()) {
      error(item.loc, display,
            "wrong type (got " + describe_value(item) +
                "; expected a touchpoint mapping with name, failure_rate, ...)");
      ok = false;
      continue;
    }
    check_keys(item, KeyOwner::touchpoint, "", display);
    Touchpoint tp;
    if (const auto n = name(item, display)) {
      if (std::find(names.begin(), names.end(), *n) != names.end()) {
        error(item.find("name")->loc, display + ".name",
              "duplicate touchpoint name (got '" + *n + "' twice; expected unique names)");
        ok = false;
      }
      tp.name = *n;
    } else {
      ok = false;
    }
    names.push_back(tp.name);
    sc_.touchpoints.push_back(tp);
    touchpoint_nodes_.push_back(&item);
    touchpoint_display_.push_back(display);
  }
  touchpoints_ok_ = ok;
}

void Builder::read_contacts(const YamlTree& tp, int k, const std::string& display) {
  const ParamInfo& p = contacts_param();
  const std::string path = display + ".contacts_per_month";
  const YamlTree* node = tp.find("contacts_per_month");
  const int nseg = static_cast<int>(sc_.segments.size());
  auto fill = [&](int s, const Distribution& d) {
    Slot& slot = sc_.slots[static_cast<std::size_t>(sc_.layout.contacts(k, s))];
    slot.value = d;
  };
  if (node != nullptr && node->is_map() && !looks_like_distribution(*node)) {
    std::vector<std::string> seg_names;
    for (const auto& s : sc_.segments) seg_names.push_back(s.name);
    for (std::size_t i = 0; i < node->keys.size(); ++i) {
      const std::string& key = node->keys[i].text;
      if (std::find(seg_names.begin(), seg_names.end(), key) == seg_names.end()) {
        error(node->keys[i].loc, path + "." + key,
              "unknown segment '" + key + "'" + did_you_mean(key, seg_names) +
                  " (expected one of: " + join(seg_names) + ")");
      }
    }
    for (int s = 0; s < nseg; ++s) {
      const std::string& seg = sc_.segments[static_cast<std::size_t>(s)].name;
      const YamlTree* v = node->find(seg);
      if (v == nullptr) {
        error(node->loc, path,
              "missing segment '" + seg +
                  "' (a per-segment map must name every segment: " + join(seg_names) + ")");
        continue;
      }
      if (const auto d = param(v, node->loc, p, path + "." + seg)) {
        fill(s, *d);
      } else {
        failed_[static_cast<std::size_t>(sc_.layout.contacts(k, s))] = 1;
      }
    }
    return;
  }
  const std::optional<Distribution> d = param(node, tp.loc, p, path);
  for (int s = 0; s < nseg; ++s) {
    if (d) {
      fill(s, *d);
    } else {
      failed_[static_cast<std::size_t>(sc_.layout.contacts(k, s))] = 1;
    }
  }
}

std::vector<int> Builder::resolve_target(const std::string& target, const SourceLoc& loc,
                                         const std::string& path) {
  const std::vector<std::string> pattern = split_path(target);
  std::vector<int> out;
  std::vector<int> untargetable;
  const int model = sc_.layout.model_count();
  auto matches = [&](const std::vector<std::string>& slot_parts, std::size_t n) {
    if (n != pattern.size()) return false;
    for (std::size_t i = 0; i < n; ++i) {
      // `*` stands for a segment or touchpoint name (the second part of a path).
      if (pattern[i] == "*" && i == 1) continue;
      if (pattern[i] == "*" && i == 3 && slot_parts[2] == "contacts_per_month") continue;
      if (pattern[i] != slot_parts[i]) return false;
    }
    return true;
  };
  for (int i = 0; i < model; ++i) {
    const Slot& slot = sc_.slots[static_cast<std::size_t>(i)];
    const std::vector<std::string> parts = split_path(slot.path);
    const bool is_contacts = parts.size() == 4 && parts[2] == "contacts_per_month";
    // A path naming a per-segment map covers every segment of it.
    if (matches(parts, parts.size()) || (is_contacts && matches(parts, 3))) {
      (slot.target_ok ? out : untargetable).push_back(i);
    }
  }
  if (!out.empty()) return out;
  if (!untargetable.empty()) {
    error(loc, path,
          "not a target (got '" + target +
              "'; expected a parameter initiatives may change: this one is fixed at the start "
              "of a run)");
    return out;
  }
  std::vector<std::string> candidates;
  for (int i = 0; i < model; ++i) {
    if (sc_.slots[static_cast<std::size_t>(i)].target_ok) {
      candidates.push_back(sc_.slots[static_cast<std::size_t>(i)].path);
    }
  }
  std::string hint = did_you_mean(target, candidates);
  error(loc, path,
        "target names no parameter (got '" + target + "'" + hint +
            "; expected a path such as touchpoints.<name>.failure_rate or "
            "segments.*.adoption.innovation)");
  return out;
}

void Builder::read_library(const YamlTree& root) {
  // The model slots come first: every later path lookup relies on them.
  const int model = sc_.layout.model_count();
  sc_.slots.assign(static_cast<std::size_t>(model), Slot{});
  failed_.assign(static_cast<std::size_t>(model), 0);
  // `d` empty: the value was reported as wrong; its slot holds a placeholder that no later
  // check may read as if it had been written.
  auto set_slot = [&](int index, std::string path, const ParamInfo& p,
                      const std::optional<Distribution>& d, bool placeholder_ok = false) {
    Slot& s = sc_.slots[static_cast<std::size_t>(index)];
    failed_[static_cast<std::size_t>(index)] = !d && !placeholder_ok;
    s.path = std::move(path);
    s.value = d ? *d : Distribution::constant(std::isnan(p.default_value) ? 0 : p.default_value);
    s.lo = p.lo;
    s.hi = p.hi;
    s.hi_exclusive = p.hi_exclusive;
    s.target_ok = p.target_ok;
  };
  for (int g = 0; g < ParamLayout::kGlobals; ++g) {
    const ParamInfo& p = global_params()[static_cast<std::size_t>(g)];
    set_slot(sc_.layout.global(static_cast<GlobalParam>(g)), std::string(p.key), p,
             globals_.size() > static_cast<std::size_t>(g) ? globals_[static_cast<std::size_t>(g)]
                                                           : std::nullopt);
  }
  for (std::size_t s = 0; s < sc_.segments.size(); ++s) {
    const YamlTree& item = *segment_nodes_[s];
    const std::string prefix = "segments." + sc_.segments[s].name;
    const bool heterogeneous = sc_.segments[s].churn_heterogeneity.has_value();
    for (int j = 0; j < ParamLayout::kPerSegment; ++j) {
      const ParamInfo& p = segment_params()[static_cast<std::size_t>(j)];
      const std::string path = segment_display_[s] + "." + std::string(p.key);
      std::optional<Distribution> d;
      const bool churn = static_cast<SegmentParam>(j) == SegmentParam::baseline_churn_monthly;
      if (churn && heterogeneous && at(item, p.key) == nullptr) {
        // h0 is drawn per agent; its replication-level value is the beta mean.
        d = Distribution::constant(sc_.segments[s].churn_heterogeneity->mean());
      } else {
        d = param(at(item, p.key), item.loc, p, path);
      }
      set_slot(sc_.layout.segment(static_cast<int>(s), static_cast<SegmentParam>(j)),
               prefix + "." + std::string(p.key), p, d);
    }
  }
  for (std::size_t k = 0; k < sc_.touchpoints.size(); ++k) {
    const YamlTree& item = *touchpoint_nodes_[k];
    const std::string prefix = "touchpoints." + sc_.touchpoints[k].name;
    for (int j = 0; j < ParamLayout::kPerTouchpointFixed; ++j) {
      const ParamInfo& p = touchpoint_params()[static_cast<std::size_t>(j)];
      set_slot(
          sc_.layout.touchpoint(static_cast<int>(k), static_cast<TouchpointParam>(j)),
          prefix + "." + std::string(p.key), p,
          param(at(item, p.key), item.loc, p, touchpoint_display_[k] + "." + std::string(p.key)));
    }
    for (std::size_t s = 0; s < sc_.segments.size(); ++s) {
      set_slot(sc_.layout.contacts(static_cast<int>(k), static_cast<int>(s)),
               prefix + ".contacts_per_month." + sc_.segments[s].name, contacts_param(),
               std::nullopt, true);  // filled by read_contacts
    }
    read_contacts(item, static_cast<int>(k), touchpoint_display_[k]);
  }

  const YamlTree* inits = list(root, "initiatives", false);
  if (inits == nullptr) return;
  const int horizon = sc_.horizon_months;
  for (std::size_t i = 0; i < inits->items.size(); ++i) {
    const YamlTree& item = inits->items[i];
    const std::string display = item_display("initiatives", item, i);
    if (!item.is_map()) {
      error(item.loc, display,
            "wrong type (got " + describe_value(item) +
                "; expected an initiative mapping with name, effects, ...)");
      continue;
    }
    check_keys(item, KeyOwner::initiative, "", display);
    LibInitiative lib;
    lib.display = display;
    lib.loc = item.loc;
    if (const auto n = name(item, display)) {
      for (const auto& other : library_) {
        if (other.name == *n) {
          error(item.find("name")->loc, display + ".name",
                "duplicate initiative name (got '" + *n + "' twice; expected unique names)");
        }
      }
      lib.name = *n;
    }
    if (const auto s = integer(item, KeyOwner::initiative, "start_month", display)) {
      lib.start_month = *s;
      if (*s > horizon) {
        error(blame(at(item, "start_month")->loc, {horizon_node_}), display + ".start_month",
              fmt::format("start_month past the horizon (got {}; expected 1..{})", *s, horizon));
      }
    }
    if (const auto e = integer(item, KeyOwner::initiative, "end_month", display)) {
      lib.end_month = *e;
      if (*e < lib.start_month || *e > horizon) {
        error(blame(at(item, "end_month")->loc, {horizon_node_, at(item, "start_month")}),
              display + ".end_month",
              fmt::format("end_month outside start_month..horizon (got {}; expected {}..{})", *e,
                          lib.start_month, horizon));
      }
    }
    if (const auto r = integer(item, KeyOwner::initiative, "ramp_months", display)) {
      lib.ramp_months = *r;
    }
    if (const auto c =
            capex(item.find("capex"), item.loc, display + ".capex", lib.start_month, horizon)) {
      lib.capex = *c;
    }
    const ParamInfo opex_info = money_info("opex_per_month", "money/month");
    if (const auto o =
            param(item.find("opex_per_month"), item.loc, opex_info, display + ".opex_per_month")) {
      lib.opex = *o;
    }
    const ParamInfo sustaining_info = money_info("sustaining_opex_per_month", "money/month");
    if (const YamlTree* so = item.find("sustaining_opex_per_month")) {
      if (const auto d =
              param(so, item.loc, sustaining_info, display + ".sustaining_opex_per_month")) {
        lib.sustaining_opex = *d;
      }
    }
    const YamlTree* effects = item.find("effects");
    if (effects != nullptr && !effects->is_null() && !effects->is_sequence()) {
      error(effects->loc, display + ".effects",
            "wrong type (got " + describe_value(*effects) +
                "; expected a list of {target, op, value})");
    } else if (effects != nullptr && effects->is_sequence()) {
      for (std::size_t j = 0; j < effects->items.size(); ++j) {
        const YamlTree& e = effects->items[j];
        const std::string edisplay = display + ".effects[" + std::to_string(j) + "]";
        if (!e.is_map()) {
          error(e.loc, edisplay,
                "wrong type (got " + describe_value(e) +
                    "; expected {target: path, op: multiply|add|set, value: x})");
          continue;
        }
        check_keys(e, KeyOwner::effect, "", edisplay);
        LibEffect effect;
        const YamlTree* target = e.find("target");
        if (target == nullptr || target->is_null()) {
          error(e.loc, edisplay + ".target",
                "missing required key (expected a parameter path such as "
                "touchpoints.billing.failure_rate)");
        } else if (!target->is_scalar()) {
          error(target->loc, edisplay + ".target",
                "wrong type (got " + describe_value(*target) + "; expected a parameter path)");
        } else {
          effect.target = target->text;
          if (segments_ok_ && touchpoints_ok_) {
            effect.slots = resolve_target(target->text, target->loc, edisplay + ".target");
          }
        }
        const YamlTree* op = e.find("op");
        if (op == nullptr || op->is_null()) {
          error(e.loc, edisplay + ".op", "missing required key (expected multiply, add or set)");
        } else if (const auto o = choice(e, KeyOwner::effect, "op", edisplay)) {
          effect.op = *o == "add"   ? EffectOp::add
                      : *o == "set" ? EffectOp::set
                                    : EffectOp::multiply;
        }
        // A factor below 0 would turn a rate or a price negative, to be clamped back every
        // month: refused, constant or drawn.
        const bool multiply = effect.op == EffectOp::multiply;
        const ParamInfo value_info{"value", kRequired,      -kMaxMoney, kMaxMoney, false,
                                   "",      "effect value", "",         true,      false};
        const YamlTree* value = e.find("value");
        if (const auto v = param(value, e.loc, value_info, edisplay + ".value")) {
          effect.value = *v;
          effect.value_ok = !multiply || value_range(*v).lo >= 0.0;
          const std::string on = effect.target.empty() ? std::string("its target") : effect.target;
          if (multiply && v->is_constant() && v->a < 0.0) {
            error(value->loc, edisplay + ".value",
                  "a negative multiply factor (got " + format_number(v->a) + " for the effect on " +
                      on + "; expected a factor >= 0: 0.8 takes 20% off, 1.2 adds 20%)");
          } else if (multiply && value_range(*v).lo < 0.0) {
            error(value->loc, edisplay + ".value",
                  "a multiply factor that can be negative (got " + format_distribution(*v) +
                      ", which can draw below 0, for the effect on " + on +
                      "; expected a factor >= 0: a number, or a uniform, triangular, lognormal "
                      "or beta distribution with no negative values)");
          }
        }
        lib.effects.push_back(std::move(effect));
      }
    }
    library_.push_back(std::move(lib));
  }
}

void Builder::allocate_library(LibInitiative& lib) {
  if (lib.allocated) return;
  lib.allocated = true;
  const std::string prefix = "initiatives." + lib.name;
  for (std::size_t j = 0; j < lib.effects.size(); ++j) {
    // Named by target (EXPERIMENTS.md), #2, #3 for a target repeated in this initiative; an
    // effect without a target (already reported) by its position.
    const std::string& target = lib.effects[j].target;
    int occurrence = 1;
    for (std::size_t k = 0; k < j; ++k) occurrence += lib.effects[k].target == target ? 1 : 0;
    const std::string path = target.empty() ? prefix + ".effects[" + std::to_string(j) + "].value"
                                            : effect_slot_path(lib.name, target, occurrence);
    lib.effect_slots.push_back(add_slot(path, lib.effects[j].value,
                                        lib.effects[j].op == EffectOp::multiply ? 0.0 : -kMaxMoney,
                                        kMaxMoney));
    failed_.back() = lib.effects[j].value_ok ? 0 : 1;
  }
  lib.capex_slot = add_slot(prefix + ".capex", lib.capex.total, 0, kMaxMoney);
  lib.opex_slot = add_slot(prefix + ".opex_per_month", lib.opex, 0, kMaxMoney);
  if (lib.sustaining_opex) {
    lib.sustaining_opex_slot =
        add_slot(prefix + ".sustaining_opex_per_month", *lib.sustaining_opex, 0, kMaxMoney);
  }
}

void Builder::read_roadmaps(const YamlTree& root) {
  const YamlTree* maps = root.find("roadmaps");
  if (maps == nullptr || maps->is_null()) {
    sc_.roadmaps.push_back(Roadmap{"baseline", {}});
    sc_.baseline = 0;
    return;
  }
  const YamlTree* checked = list(root, "roadmaps", false);
  if (checked == nullptr) return;
  if (maps->items.empty()) {
    error(maps->loc, "roadmaps",
          "no roadmaps (got an empty list; expected at least one, or omit the key)");
    return;
  }
  std::vector<std::string> lib_names;
  for (const auto& l : library_) lib_names.push_back(l.name);
  const int horizon = sc_.horizon_months;
  for (std::size_t i = 0; i < maps->items.size(); ++i) {
    const YamlTree& item = maps->items[i];
    const std::string display = item_display("roadmaps", item, i);
    if (!item.is_map()) {
      error(item.loc, display,
            "wrong type (got " + describe_value(item) +
                "; expected a roadmap mapping with name and initiatives)");
      continue;
    }
    check_keys(item, KeyOwner::roadmap, "", display);
    Roadmap roadmap;
    if (const auto n = name(item, display)) {
      for (const auto& other : sc_.roadmaps) {
        if (other.name == *n) {
          error(item.find("name")->loc, display + ".name",
                "duplicate roadmap name (got '" + *n + "' twice; expected unique names)");
        }
      }
      roadmap.name = *n;
    }
    const YamlTree* uses = item.find("initiatives");
    if (uses != nullptr && !uses->is_null() && !uses->is_sequence()) {
      error(uses->loc, display + ".initiatives",
            "wrong type (got " + describe_value(*uses) +
                "; expected a list of initiative names or {use: name, ...})");
      uses = nullptr;
    }
    const std::size_t n_uses = (uses != nullptr && uses->is_sequence()) ? uses->items.size() : 0;
    for (std::size_t j = 0; j < n_uses; ++j) {
      const YamlTree& entry = uses->items[j];
      const YamlTree* use = entry.is_map() ? entry.find("use") : &entry;
      std::string edisplay = display + ".initiatives[" + std::to_string(j) + "]";
      if (entry.is_map()) check_keys(entry, KeyOwner::roadmap_entry, "", edisplay);
      if (use == nullptr || !use->is_scalar()) {
        error(use ? use->loc : entry.loc, edisplay + (entry.is_map() ? ".use" : ""),
              use == nullptr ? std::string("missing required key (expected the name of a library "
                                           "initiative)")
                             : "wrong type (got " + describe_value(*use) +
                                   "; expected an initiative name or {use: name, ...})");
        continue;
      }
      auto lib = std::find_if(library_.begin(), library_.end(),
                              [&](const LibInitiative& l) { return l.name == use->text; });
      if (lib == library_.end()) {
        error(use->loc, edisplay + (entry.is_map() ? ".use" : ""),
              "unknown initiative '" + use->text + "'" + did_you_mean(use->text, lib_names) +
                  " (expected one of the initiatives: " +
                  (lib_names.empty() ? std::string("none declared") : join(lib_names)) + ")");
        continue;
      }
      edisplay = display + ".initiatives." + use->text;
      bool twice = false;
      for (const auto& other : roadmap.initiatives) twice = twice || other.name == use->text;
      if (twice) {
        error(use->loc, edisplay,
              "initiative used twice in one roadmap (got '" + use->text +
                  "' again; expected each initiative at most once per roadmap)");
        continue;
      }
      allocate_library(*lib);
      Initiative init;
      init.name = lib->name;
      init.start_month = lib->start_month;
      init.end_month = lib->end_month;
      init.ramp_months = lib->ramp_months;
      init.capex_slot = lib->capex_slot;
      init.capex_months = lib->capex.months;
      init.opex_slot = lib->opex_slot;
      init.sustaining_opex_slot = lib->sustaining_opex_slot;
      for (std::size_t e = 0; e < lib->effects.size(); ++e) {
        Effect effect;
        effect.target = lib->effects[e].target;
        effect.slots = lib->effects[e].slots;
        effect.op = lib->effects[e].op;
        effect.value_slot = lib->effect_slots[e];
        init.effects.push_back(std::move(effect));
      }
      if (entry.is_map()) {
        const KeyOwner E = KeyOwner::roadmap_entry;
        if (const auto s = integer(entry, E, "start_month", edisplay)) init.start_month = *s;
        if (const auto e = integer(entry, E, "end_month", edisplay)) init.end_month = *e;
        if (const auto r = integer(entry, E, "ramp_months", edisplay)) init.ramp_months = *r;
        const bool start_given = entry.find("start_month") != nullptr;
        if (start_given && init.start_month > horizon) {
          error(blame(entry.find("start_month")->loc, {horizon_node_}), edisplay + ".start_month",
                fmt::format("start_month past the horizon (got {}; expected 1..{})",
                            init.start_month, horizon));
        }
        if ((start_given || entry.find("end_month") != nullptr) && init.end_month != 0 &&
            (init.end_month < init.start_month || init.end_month > horizon)) {
          const YamlTree* at_node =
              entry.find("end_month") ? entry.find("end_month") : entry.find("start_month");
          error(blame(at_node->loc, {horizon_node_, entry.find("start_month")}),
                edisplay + ".end_month",
                fmt::format("end_month outside start_month..horizon (got {}; expected {}..{})",
                            init.end_month, init.start_month, horizon));
        }
        if (const YamlTree* c = entry.find("capex")) {
          if (const auto cx = capex(c, entry.loc, edisplay + ".capex", init.start_month, horizon)) {
            init.capex_slot = add_slot(roadmap_override_path(roadmap.name, lib->name, "capex"),
                                       cx->total, 0, kMaxMoney);
            init.capex_months = cx->months;
          }
        } else if (start_given && init.start_month + init.capex_months - 1 > horizon) {
          error(blame(entry.find("start_month")->loc, {horizon_node_}), edisplay + ".start_month",
                fmt::format("capex spending runs past the horizon (got months {}..{}; expected "
                            "start_month + months - 1 <= horizon_months {})",
                            init.start_month, init.start_month + init.capex_months - 1, horizon));
        }
        if (const YamlTree* o = entry.find("opex_per_month")) {
          const ParamInfo opex_info = money_info("opex_per_month", "money/month");
          if (const auto d = param(o, entry.loc, opex_info, edisplay + ".opex_per_month")) {
            init.opex_slot = add_slot(
                roadmap_override_path(roadmap.name, lib->name, "opex_per_month"), *d, 0, kMaxMoney);
          }
        }
        if (const YamlTree* so = entry.find("sustaining_opex_per_month")) {
          const ParamInfo info = money_info("sustaining_opex_per_month", "money/month");
          if (const auto d = param(so, entry.loc, info, edisplay + ".sustaining_opex_per_month")) {
            init.sustaining_opex_slot = add_slot(
                roadmap_override_path(roadmap.name, lib->name, "sustaining_opex_per_month"), *d, 0,
                kMaxMoney);
          }
        }
      }
      // Unset: the run-rate after the horizon is the use's effective opex (the same draw).
      if (init.sustaining_opex_slot < 0) init.sustaining_opex_slot = init.opex_slot;
      roadmap.initiatives.push_back(std::move(init));
    }
    sc_.roadmaps.push_back(std::move(roadmap));
  }
  sc_.baseline = 0;
  for (std::size_t i = 0; i < sc_.roadmaps.size(); ++i) {
    if (sc_.roadmaps[i].name == "baseline") sc_.baseline = static_cast<int>(i);
  }
}

std::string Builder::hazard_that_can_be_zero() const {
  for (int s = 0; s < sc_.layout.segments(); ++s) {
    const Segment& seg = sc_.segments[static_cast<std::size_t>(s)];
    const int slot = sc_.layout.segment(s, SegmentParam::baseline_churn_monthly);
    // Per-agent sBG draws are kept >= 1e-9; only effects can bring them to 0.
    const ValueRange base = seg.churn_heterogeneity ? ValueRange{1e-9, 1.0} : slot_range(slot);
    if (base.lo <= 0.0) {
      return "segment '" + seg.name + "' with a baseline_churn_monthly that can be 0";
    }
    for (const Roadmap& roadmap : sc_.roadmaps) {
      ValueRange h = base;
      for (const Initiative& init : roadmap.initiatives) {
        for (const Effect& e : init.effects) {
          if (std::find(e.slots.begin(), e.slots.end(), slot) == e.slots.end()) continue;
          h = after_effect(h, e.op, slot_range(e.value_slot));
        }
      }
      if (h.lo <= 0.0) {
        return "roadmap '" + roadmap.name + "' can set segment '" + seg.name +
               "' baseline_churn_monthly to 0";
      }
    }
  }
  return "";
}

void Builder::cross_checks(const YamlTree& root) {
  const YamlTree* agents_node = root.find("agents");
  const SourceLoc agents_loc = agents_node ? agents_node->loc : root.loc;
  const YamlTree* population = at(root, "market.population");
  // A key that failed its own check feeds no check here: its value would be invented.
  if (agents_ok_ && population_ok_ && population != nullptr && agents_ > sc_.population) {
    error(blame(agents_loc, {population, agents_node}), "agents",
          "more agents than people (got agents " + format_number(agents_) + " > population " +
              format_number(sc_.population) + "; expected agents <= market.population)");
  }
  // Network degrees.
  const NetworkType type = sc_.network.type;
  const YamlTree* degree_node = at(root, "market.network.mean_degree");
  const SourceLoc degree_own = degree_node ? degree_node->loc
                               : at(root, "market.network.type")
                                   ? at(root, "market.network.type")->loc
                                   : root.loc;
  const SourceLoc degree_loc =
      blame(degree_own, {degree_node, at(root, "market.network.type"), agents_node});
  if (degree_ok_ && type != NetworkType::none && type != NetworkType::complete) {
    const int d = sc_.network.mean_degree;
    if (d < 1) {
      error(
          degree_loc, "market.network.mean_degree",
          fmt::format("out of range (got {}; expected >= 1 for a {} network)", d, to_string(type)));
    } else if ((type == NetworkType::ring || type == NetworkType::small_world) && d % 2 != 0) {
      error(degree_loc, "market.network.mean_degree",
            fmt::format("must be even for a {} network (got {}; expected an even number, e.g. {})",
                        to_string(type), d, d + 1));
    } else if (agents_ok_ && d >= agents_) {
      error(degree_loc, "market.network.mean_degree",
            fmt::format("degree not below the number of agents (got {}; expected < agents {})", d,
                        format_number(agents_)));
    }
  }
  // A complete graph with WOM effects would have every customer hear everyone.
  if (type == NetworkType::complete && !sc_.slots.empty()) {
    std::vector<int> wom_slots{sc_.layout.global(GlobalParam::wom_positive_effect),
                               sc_.layout.global(GlobalParam::wom_negative_effect),
                               sc_.layout.global(GlobalParam::churn_negative_wom)};
    for (int s = 0; s < sc_.layout.segments(); ++s) {
      wom_slots.push_back(sc_.layout.segment(s, SegmentParam::negative_wom_deterrence));
      wom_slots.push_back(sc_.layout.segment(s, SegmentParam::broadcast_reach));
    }
    std::vector<std::string> nonzero;
    for (const int i : wom_slots) {
      const Slot& slot = sc_.slots[static_cast<std::size_t>(i)];
      if (!failed(i) && (slot.value.mean() != 0.0 || posterior_nonzero(i))) {
        nonzero.push_back(slot.path);
      }
    }
    for (const auto& r : sc_.roadmaps) {
      for (const auto& init : r.initiatives) {
        for (const auto& e : init.effects) {
          if (e.op == EffectOp::multiply || failed(e.value_slot)) continue;
          if (sc_.slots[static_cast<std::size_t>(e.value_slot)].value.mean() == 0.0 &&
              !posterior_nonzero(e.value_slot)) {
            continue;
          }
          for (const int t : e.slots) {
            if (std::find(wom_slots.begin(), wom_slots.end(), t) != wom_slots.end()) {
              nonzero.push_back(sc_.slots[static_cast<std::size_t>(t)].path + " (by initiative " +
                                init.name + ")");
            }
          }
        }
      }
    }
    if (!nonzero.empty()) {
      const YamlTree* tn = at(root, "market.network.type");
      error(tn ? tn->loc : root.loc, "market.network.type",
            "a complete network needs every WOM effect on customers to be 0 (got non-zero " +
                join(nonzero) + "; expected 0, or another network type)");
    }
  }
  // Customer lifetime value m / (d + h) is infinite when a draw can make both the discount and
  // a hazard 0 (MODEL.md s.3): refused whatever terminal_value says, since customer equity is
  // reported every month.
  if (!sc_.slots.empty() && !clv_inputs_failed()) {
    const ValueRange discount = slot_range(sc_.layout.global(GlobalParam::discount_rate_annual));
    const std::string zero_hazard = discount.lo <= 0.0 ? hazard_that_can_be_zero() : "";
    if (!zero_hazard.empty()) {
      const YamlTree* dr = root.find("discount_rate_annual");
      std::vector<const YamlTree*> causes{dr};
      for (const YamlTree* seg : segment_nodes_)
        causes.push_back(seg->find("baseline_churn_monthly"));
      error(blame(dr ? dr->loc : root.loc, causes), "discount_rate_annual",
            "infinite customer lifetime value (got a discount rate that can be 0 and " +
                zero_hazard + "; expected discount_rate_annual > 0 for every draw, or churn > 0)");
    }
  }
  // Absurd sizes: refuse rather than fail to allocate half-way through a run.
  // Roadmap runs per replication: roadmaps, their zero-defect twins and per-touchpoint twins.
  const double roadmaps =
      roadmap_runs(std::max<double>(1.0, static_cast<double>(sc_.roadmaps.size())),
                   sc_.zero_defect_counterfactual, sc_.avoidable_cost_by_touchpoint,
                   static_cast<int>(sc_.touchpoints.size()));
  if (replications_ok_) {
    const double bytes = results_memory_bytes(static_cast<double>(sc_.replications), roadmaps);
    const double available = physical_memory_bytes();
    if (available > 0 && bytes > 0.5 * available) {
      const YamlTree* node = root.find("replications");
      const double gib = 1024.0 * 1024.0 * 1024.0;
      error(node ? node->loc : root.loc, "replications",
            fmt::format("too many for this machine: the results would need about {:.0f} GiB of "
                        "memory at the end of the run (got replications {} x {} roadmap runs; "
                        "expected at most about {:.0f} GiB, half the physical memory here)",
                        std::ceil(bytes / gib), sc_.replications, format_number(roadmaps),
                        0.5 * available / gib));
    }
  }
  if (agents_ok_) {
    const double bytes = replication_memory_bytes(agents_, roadmaps, type, sc_.network.mean_degree);
    const double available = physical_memory_bytes();
    if (available > 0 && bytes > available) {
      const double gib = 1024.0 * 1024.0 * 1024.0;
      error(agents_loc, "agents",
            fmt::format("too large for this machine: the run would need about {:.0f} GiB of "
                        "memory (got agents {}; expected at most about {:.0f} GiB, the physical "
                        "memory here)",
                        std::ceil(bytes / gib), format_number(agents_), available / gib));
    }
  }
}

// The base files of a document's `extends` chain, in order (resolve_extends reports problems).
std::vector<std::string> extends_files(const YamlTree& doc, std::filesystem::path base_dir) {
  std::vector<std::string> files;
  std::optional<YamlTree> current;
  for (const YamlTree* ext = doc.find("extends"); ext && ext->is_scalar() && files.size() < 64;) {
    const std::filesystem::path path = base_dir / ext->text;
    files.push_back(path.string());
    // Read with the same checks as any input (no devices, no huge files).
    ReadProblem problem;
    const std::optional<std::string> text = read_input_file(path.string(), problem);
    if (!text) break;
    std::vector<Diagnostic> ignored;
    current = parse_yaml(*text, path.string(), ignored);
    ext = current && current->is_map() ? current->find("extends") : nullptr;
    base_dir = path.parent_path();
  }
  return files;
}

}  // namespace

ScenarioSource read_scenario_text(const std::string& text, const std::string& display_name,
                                  const std::string& base_dir) {
  std::vector<Diagnostic> diagnostics;
  std::optional<YamlTree> doc = parse_yaml(text, display_name, diagnostics);
  if (doc && !doc->is_map()) {
    diagnostics.push_back({display_name, doc->loc.line, doc->loc.column, "",
                           "the top level must be a mapping of scenario keys (got " +
                               describe_value(*doc) + "; expected lines such as 'name: x')"});
    doc.reset();
  }
  const std::vector<std::string> bases =
      doc ? extends_files(*doc, base_dir) : std::vector<std::string>{};
  if (doc) doc = resolve_extends(std::move(*doc), display_name, base_dir, diagnostics);
  if (!doc) throw ScenarioError(std::move(diagnostics));
  return ScenarioSource{std::move(*doc), display_name, bases};
}

ScenarioSource read_scenario_source(const std::string& path) {
  namespace fs = std::filesystem;
  ReadProblem problem;
  const std::optional<std::string> text = read_input_file(path, problem);
  if (!text) throw ScenarioError({Diagnostic{path, 0, 0, "", problem.message()}});
  const fs::path parent = fs::path(path).parent_path();
  ScenarioSource source = read_scenario_text(*text, path, parent.empty() ? "." : parent.string());
  source.files.insert(source.files.begin(), path);
  return source;
}

Scenario build_scenario(const ScenarioSource& source, const LoadOptions& options) {
  std::vector<Diagnostic> diagnostics;
  YamlTree doc = source.document;
  for (const auto& o : options.overrides) apply_override(doc, o, diagnostics);
  Builder builder(diagnostics);
  Scenario scenario = builder.build(doc, source.display_name);
  // The posterior sets its parameters in every replication: an override of one would be lost.
  for (const auto& o : options.overrides) {
    const std::string path = o.substr(0, o.find('='));
    const std::string conflict = posterior_override_conflict(scenario, path);
    if (!conflict.empty()) diagnostics.push_back({"--set " + o, 0, 0, path, conflict});
  }
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));
  if (options.describe) scenario.resolved_yaml = describe_scenario(scenario);
  scenario.source_files = source.files;
  // Not read, but a results file written over the calibration's would lose it.
  if (scenario.posterior && !scenario.posterior->source_file.empty() && !source.files.empty()) {
    scenario.source_files.push_back(scenario.posterior->source_file);
  }
  return scenario;
}

Scenario load_scenario(const std::string& path, const LoadOptions& options) {
  return build_scenario(read_scenario_source(path), options);
}

Scenario load_scenario_text(const std::string& yaml_text, const std::string& display_name,
                            const LoadOptions& options) {
  return build_scenario(read_scenario_text(yaml_text, display_name, "."), options);
}

}  // namespace cxsim
