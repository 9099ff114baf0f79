// Names of uncertain numbers, and matching factor patterns against them.
#include "config/parameter_paths.hpp"

#include <array>

#include "config/did_you_mean.hpp"
#include "config/scenario_keys.hpp"
#include "config/yaml_values.hpp"

namespace cxsim {

namespace {

struct KindSpec {
  std::string_view name;
  DistributionKind kind;
  int arity;
  std::string_view parameters;
};

constexpr std::array<KindSpec, 5> kKinds{{
    {"normal", DistributionKind::normal, 2, "[mean, sd]"},
    {"lognormal", DistributionKind::lognormal, 2, "[mu, sigma]"},
    {"uniform", DistributionKind::uniform, 2, "[lo, hi]"},
    {"triangular", DistributionKind::triangular, 3, "[lo, mode, hi]"},
    {"beta", DistributionKind::beta, 2, "[a, b]"},
}};

const KindSpec* spec_of(DistributionKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

// A path that can be named, with how its value is written.
struct Named {
  std::string path;
  Distribution value;
};

// Every slot in slot order, each segment's heterogeneity key right after its
// baseline_churn_monthly.
std::vector<Named> named_values(const Scenario& sc) {
  std::vector<Named> out;
  out.reserve(sc.slots.size() + sc.segments.size());
  const int segments = static_cast<int>(sc.segments.size());
  const bool layout_ok = sc.layout.segments() == segments &&
                         sc.layout.model_count() <= static_cast<int>(sc.slots.size());
  for (int i = 0; i < static_cast<int>(sc.slots.size()); ++i) {
    out.push_back(
        {sc.slots[static_cast<std::size_t>(i)].path, sc.slots[static_cast<std::size_t>(i)].value});
    if (!layout_ok) continue;
    for (int s = 0; s < segments; ++s) {
      const Segment& seg = sc.segments[static_cast<std::size_t>(s)];
      if (seg.churn_heterogeneity &&
          sc.layout.segment(s, SegmentParam::baseline_churn_monthly) == i) {
        out.push_back({heterogeneity_path(seg.name), *seg.churn_heterogeneity});
      }
    }
  }
  return out;
}

bool has_star(const std::vector<std::string>& parts) {
  for (const auto& p : parts) {
    if (p == "*") return true;
  }
  return false;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& parts) {
  if (pattern.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (pattern[i] != "*" && pattern[i] != parts[i]) return false;
  }
  return true;
}

// The named values `base` names: the one equal to it, else (with `*`) every match.
std::vector<const Named*> base_matches(const std::vector<Named>& all, const std::string& base) {
  std::vector<const Named*> out;
  for (const auto& n : all) {
    if (n.path == base) return {&n};
  }
  const std::vector<std::string> pattern = split_path(base);
  if (!has_star(pattern)) return out;
  for (const auto& n : all) {
    if (matches(pattern, split_path(n.path))) out.push_back(&n);
  }
  return out;
}

std::string kind_suffix(const DistributionParameter& p) {
  return "." + std::string(spec_of(p.kind)->name) + "." + std::to_string(p.index);
}

}  // namespace

std::string effect_slot_path(std::string_view initiative, std::string_view target, int occurrence) {
  std::string out = "initiatives." + std::string(initiative) + ".effects." + std::string(target);
  if (occurrence >= 2) out += "#" + std::to_string(occurrence);
  return out;
}

std::string roadmap_override_path(std::string_view roadmap, std::string_view initiative,
                                  std::string_view key) {
  return "roadmaps." + std::string(roadmap) + "." + std::string(initiative) + "." +
         std::string(key);
}

std::string heterogeneity_path(std::string_view segment) {
  return "segments." + std::string(segment) + ".heterogeneity.baseline_churn_monthly";
}

std::optional<DistributionParameter> split_distribution_parameter(std::string_view path) {
  const std::size_t last = path.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const std::size_t middle = path.rfind('.', last - 1);
  if (middle == std::string_view::npos || middle == 0) return std::nullopt;
  const std::string_view digits = path.substr(last + 1);
  if (digits.empty() || digits.size() > 6 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::optional<DistributionKind> kind =
      distribution_kind_named(path.substr(middle + 1, last - middle - 1));
  if (!kind) return std::nullopt;
  return DistributionParameter{std::string(path.substr(0, middle)), *kind,
                               std::stoi(std::string(digits))};
}

int distribution_arity(DistributionKind kind) {
  const KindSpec* s = spec_of(kind);
  return s ? s->arity : 0;
}

std::string_view distribution_parameter_names(DistributionKind kind) {
  const KindSpec* s = spec_of(kind);
  return s ? s->parameters : std::string_view("[value]");
}

std::optional<DistributionKind> distribution_kind_named(std::string_view name) {
  for (const auto& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::optional<int> find_slot(const Scenario& scenario, std::string_view path) {
  for (std::size_t i = 0; i < scenario.slots.size(); ++i) {
    if (scenario.slots[i].path == path) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::vector<std::string> expand_parameter_pattern(const Scenario& scenario,
                                                  const std::string& pattern) {
  const std::vector<Named> all = named_values(scenario);
  const std::optional<DistributionParameter> param = split_distribution_parameter(pattern);
  std::vector<std::string> out;
  if (!param) {
    for (const Named* n : base_matches(all, pattern)) {
      // The heterogeneity key is named only through one of its parameters.
      if (find_slot(scenario, n->path)) out.push_back(n->path);
    }
    return out;
  }
  for (const Named* n : base_matches(all, param->path)) {
    if (n->value.kind == param->kind && param->index < distribution_arity(param->kind)) {
      out.push_back(n->path + kind_suffix(*param));
    }
  }
  return out;
}

std::string pattern_mismatch(const Scenario& scenario, const std::string& pattern) {
  if (!expand_parameter_pattern(scenario, pattern).empty()) return "";
  const std::vector<Named> all = named_values(scenario);
  const std::optional<DistributionParameter> param = split_distribution_parameter(pattern);
  const std::string base = param ? param->path : pattern;
  const std::vector<const Named*> found = base_matches(all, base);
  if (param && !found.empty()) {
    const std::string_view kind = spec_of(param->kind)->name;
    for (const Named* n : found) {
      if (n->value.kind != param->kind) continue;
      // The kind matches: the index is past the kind's parameters.
      return "distribution parameter index out of range (got " + std::string(kind) + "." +
             std::to_string(param->index) + " at " + n->path + ", written as " +
             format_distribution(n->value) + "; expected an index from 0 to " +
             std::to_string(distribution_arity(param->kind) - 1) + " into " + std::string(kind) +
             " " + std::string(distribution_parameter_names(param->kind)) + ")";
    }
    const Named& n = *found.front();
    if (n.value.is_constant()) {
      return "not a distribution (got " + format_number(n.value.a) + " at " + n.path +
             "; expected a key written as {" + std::string(kind) + ": " +
             std::string(distribution_parameter_names(param->kind)) + "} to name its parameter " +
             std::string(kind) + "." + std::to_string(param->index) + ")";
    }
    const std::string_view written = spec_of(n.value.kind)->name;
    return "distribution kind mismatch (got " + format_distribution(n.value) + " at " + n.path +
           "; expected " + std::string(kind) + "." + std::to_string(param->index) +
           " only where the key is written as {" + std::string(kind) + ": " +
           std::string(distribution_parameter_names(param->kind)) + "}; this one takes " +
           std::string(written) + ".0 to " + std::string(written) + "." +
           std::to_string(distribution_arity(n.value.kind) - 1) + ")";
  }
  if (!param && !found.empty()) {
    // A heterogeneity key: drawn per agent, never one number per replication.
    const Named& n = *found.front();
    const std::string_view kind = spec_of(n.value.kind)->name;
    return "a per-agent distribution is not one number (got '" + pattern + "', written as " +
           format_distribution(n.value) + "; expected one of its parameters, " + n.path + "." +
           std::string(kind) + ".0 to " + n.path + "." + std::string(kind) + "." +
           std::to_string(distribution_arity(n.value.kind) - 1) + ")";
  }
  std::vector<std::string> candidates;
  for (const auto& s : scenario.slots) candidates.push_back(s.path);
  return "names no parameter (got '" + pattern + "'" + did_you_mean(base, candidates) +
         "; expected a slot path such as touchpoints.<name>.failure_rate, "
         "initiatives.<name>.effects.<target> or roadmaps.<roadmap>.<initiative>.capex, with `*` "
         "for one component, optionally followed by .<kind>.<index>)";
}

}  // namespace cxsim
