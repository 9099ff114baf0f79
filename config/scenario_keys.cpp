// The structural key table and the merge with the behavioural parameter tables.
#include "config/scenario_keys.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cxsim {

namespace {

using O = KeyOwner;
using T = KeyType;

// clang-format off
// Structural keys: what the run is (sizes, names, months, network), never uncertain.
const KeyInfo kStructural[] = {
  {O::root, "name", T::name, "", -kInf, kInf, false, "", "", "Scenario name ([A-Za-z0-9_-]+, 1 to 100 characters)", "scenario file"},
  {O::root, "description", T::text, "\"\"", -kInf, kInf, false, "", "", "Free text shown in summaries (printable: of the control characters only tab and line break)", "scenario file"},
  {O::root, "currency", T::text, "\"\"", -kInf, kInf, false, "", "", "Currency of every money figure (e.g. USD, EUR), shown in summaries and written to results files (printable, no control characters)", "scenario file"},
  {O::root, "extends", T::path, "-", -kInf, kInf, false, "", "", "Base scenario file (relative to this file) that this file is deep-merged over", "scenario file"},
  {O::root, "horizon_months", T::integer, "", 1, 600, false, "", "months", "Months simulated (t = 1..T)", "scenario file"},
  {O::root, "replications", T::integer, "100", 1, kMaxReplications, false, "", "runs", "Monte Carlo replications (parameter draws and agent randomness)", "scenario file; the CLI may override"},
  {O::root, "seed", T::seed, "1", 0, kInf, false, "", "", "Random seed (uint64): key of every Philox stream", "scenario file; the CLI may override"},
  {O::root, "agents", T::integer, "", 1, kMaxAgents, false, "", "agents", "Simulated agents; each stands for population/agents people", "scenario file"},
  {O::root, "terminal_value", T::choice, "customer_equity_net", -kInf, kInf, false, "customer_equity_net|customer_equity|none", "", "Value after the horizon: customer equity at the horizon less the initiatives' sustaining cost over the same lifetimes (customer_equity_net), gross customer equity (customer_equity, for comparison) or nothing (none)", "MODEL.md s.3"},
  {O::root, "market.population", T::number, "", 1, kMaxPopulation, false, "", "people", "Addressable market size (>= agents)", "scenario data"},
  {O::root, "market.network.type", T::choice, "none", -kInf, kInf, false, "none|complete|ring|random|small_world|scale_free", "", "Social network of word of mouth; complete = mean field (validation only: every WOM effect on customers must be 0)", "MODEL.md s.2 step 9"},
  {O::root, "market.network.mean_degree", T::integer, "10", 0, kMaxMeanDegree, false, "", "neighbours", "Mean number of neighbours (even for ring/small_world; < agents; ignored for none/complete)", "assumption"},
  {O::root, "market.network.rewire_probability", T::number, "0.1", 0, 1, false, "", "probability", "Watts-Strogatz rewiring probability (small_world only)", "Watts & Strogatz (1998)"},
  {O::root, "market.network.per_replication", T::boolean, "true", -kInf, kInf, false, "", "", "Build a new network every replication (else one network for the run)", "assumption"},
  {O::root, "organization.change_capacity", T::integer, "-", 1, 1e6, false, "", "initiatives", "Initiatives that can ramp at full speed at once (absent: unlimited)", "MODEL.md s.4"},
  {O::root, "analysis.zero_defect_counterfactual", T::boolean, "false", -kInf, kInf, false, "", "", "Also run every roadmap with all failure rates 0 (total avoidable cost)", "MODEL.md s.3"},
  {O::root, "analysis.avoidable_cost_by_touchpoint", T::boolean, "false", -kInf, kInf, false, "", "", "Also run every roadmap once per touchpoint with only that touchpoint's failure rate 0 (avoidable cost by touchpoint, churn and WOM included)", "MODEL.md s.3"},
  {O::root, "posterior.source", T::path, "-", -kInf, kInf, false, "", "", "With posterior: the calibration results file the particles come from (relative to this file); recorded in results files as posterior_source, never read", "cxsim calibrate"},
  {O::root, "posterior.sha256", T::text, "-", -kInf, kInf, false, "", "", "With posterior: SHA-256 of that file (64 lowercase hex digits); recorded as posterior_sha256, not checked against the file", "cxsim calibrate"},
  {O::root, "posterior.parameters", T::names, "-", -kInf, kInf, false, "", "", "With posterior: the parameter names (EXPERIMENTS.md: slot paths and `<path>.<kind>.<index>`) that the particles give values for, in column order, each once", "cxsim calibrate"},
  {O::root, "posterior.particles", T::number_rows, "-", -kInf, kInf, false, "", "", "With posterior: one row per particle, a value per parameter in parameters order, each within that parameter's range (at least one row)", "cxsim calibrate"},
  {O::root, "posterior.weights", T::numbers, "-", 0, kInf, false, "", "", "With posterior: one weight per particle, finite and > 0 (need not sum to 1); each replication uses one particle, drawn with probability proportional to its weight, for every parameter at once", "cxsim calibrate"},
  {O::root, "segments", T::list, "", -kInf, kInf, false, "", "", "Customer segments (at least one; shares sum to 1)", "scenario data", O::segment},
  {O::root, "touchpoints", T::list, "[]", -kInf, kInf, false, "", "", "Service touchpoints where contacts, failures and recoveries happen", "scenario data", O::touchpoint},
  {O::root, "initiatives", T::list, "[]", -kInf, kInf, false, "", "", "Library of CX initiatives that roadmaps use", "scenario data", O::initiative},
  {O::root, "roadmaps", T::list, "[{name: baseline}]", -kInf, kInf, false, "", "", "Roadmaps compared (the one named baseline, else the first, is the reference)", "scenario data", O::roadmap},

  {O::segment, "name", T::name, "", -kInf, kInf, false, "", "", "Segment name (unique)", "scenario data"},
  {O::segment, "share", T::number, "", 0, 1, false, "", "fraction", "Share of the population in this segment (shares sum to 1)", "scenario data"},
  {O::segment, "initial_penetration", T::number, "", 0, 1, false, "", "fraction", "Fraction of the segment that are customers at t = 0", "scenario data"},
  {O::segment, "heterogeneity.baseline_churn_monthly", T::beta, "-", -kInf, kInf, false, "", "1/month", "Draw h0 per agent from {beta: [a, b]} (shifted-beta-geometric) instead of once per replication", "Fader & Hardie (2007)"},

  {O::touchpoint, "name", T::name, "", -kInf, kInf, false, "", "", "Touchpoint name (unique)", "scenario data"},

  {O::initiative, "name", T::name, "", -kInf, kInf, false, "", "", "Initiative name (unique)", "scenario data"},
  {O::initiative, "start_month", T::integer, "1", 1, 600, false, "", "month", "First month of effects, opex and capex (<= horizon)", "scenario data"},
  {O::initiative, "end_month", T::integer, "-", 1, 600, false, "", "month", "Last month of effects and opex (absent: the horizon)", "scenario data"},
  {O::initiative, "ramp_months", T::integer, "0", 0, 600, false, "", "months", "Months to reach full effect (0: full from start_month)", "MODEL.md s.4"},
  {O::initiative, "capex", T::capex, "0", 0, kMaxMoney, false, "", "money", "Investment: a total spent in start_month, or {total, months} spread evenly from start_month", "scenario data"},
  {O::initiative, "opex_per_month", T::parameter, "0", 0, kMaxMoney, false, "", "money/month", "Running cost from start_month to end_month (or the horizon)", "scenario data"},
  {O::initiative, "sustaining_opex_per_month", T::parameter, "-", 0, kMaxMoney, false, "", "money/month", "Run-rate cost after the horizon while the initiative is still in force at it, charged over the customers' remaining lifetimes under customer_equity_net (absent: the use's opex_per_month, same draw)", "MODEL.md s.3"},
  {O::initiative, "effects", T::list, "[]", -kInf, kInf, false, "", "", "What the initiative changes", "scenario data", O::effect},

  {O::effect, "target", T::target, "", -kInf, kInf, false, "", "", "Parameter path, e.g. touchpoints.billing.failure_rate or segments.*.adoption.innovation", "MODEL.md s.4"},
  {O::effect, "op", T::effect_op, "", -kInf, kInf, false, "multiply|add|set", "", "multiply by, add, or set to the value (ramped)", "MODEL.md s.4"},
  {O::effect, "value", T::parameter, "", -kMaxMoney, kMaxMoney, false, "", "", "Factor (>= 0, and a distribution only if it cannot draw below 0), increment or new value (may be a distribution)", "scenario data"},

  {O::roadmap, "name", T::name, "", -kInf, kInf, false, "", "", "Roadmap name (unique)", "scenario data"},
  {O::roadmap, "initiatives", T::initiative_uses, "[]", -kInf, kInf, false, "", "", "Initiatives in roadmap order: names, or {use: name, ...overrides}", "scenario data", O::roadmap_entry},

  {O::roadmap_entry, "use", T::name, "", -kInf, kInf, false, "", "", "Library initiative used", "scenario data"},
  {O::roadmap_entry, "start_month", T::integer, "-", 1, 600, false, "", "month", "Override of the initiative's start_month", "scenario data"},
  {O::roadmap_entry, "end_month", T::integer, "-", 1, 600, false, "", "month", "Override of the initiative's end_month", "scenario data"},
  {O::roadmap_entry, "ramp_months", T::integer, "-", 0, 600, false, "", "months", "Override of the initiative's ramp_months", "scenario data"},
  {O::roadmap_entry, "capex", T::capex, "-", 0, kMaxMoney, false, "", "money", "Override of the initiative's capex (its own draw)", "scenario data"},
  {O::roadmap_entry, "opex_per_month", T::parameter, "-", 0, kMaxMoney, false, "", "money/month", "Override of the initiative's opex (its own draw)", "scenario data"},
  {O::roadmap_entry, "sustaining_opex_per_month", T::parameter, "-", 0, kMaxMoney, false, "", "money/month", "Override of the initiative's sustaining_opex_per_month (its own draw)", "scenario data"},
};
// clang-format on

std::string default_text_of(const ParamInfo& p) {
  if (p.required()) return "";
  return fmt::format("{}", p.default_value);
}

KeyInfo from_param(KeyOwner owner, const ParamInfo& p, KeyType type) {
  KeyInfo k{owner, p.key, type, "", p.lo, p.hi, p.hi_exclusive, "", p.unit, p.meaning, p.source};
  k.param = &p;
  return k;
}

std::vector<KeyInfo> build_keys(std::vector<std::string>& default_texts) {
  std::vector<KeyInfo> out;
  auto add_params = [&](KeyOwner owner, std::span<const ParamInfo> params) {
    for (const auto& p : params) out.push_back(from_param(owner, p, KeyType::parameter));
  };
  for (const KeyOwner owner : {O::root, O::segment, O::touchpoint, O::initiative, O::effect,
                               O::roadmap, O::roadmap_entry}) {
    for (const auto& k : kStructural) {
      if (k.owner == owner) out.push_back(k);
    }
    if (owner == O::root) add_params(owner, global_params());
    if (owner == O::segment) add_params(owner, segment_params());
    if (owner == O::touchpoint) {
      out.push_back(from_param(owner, contacts_param(), KeyType::per_segment));
      add_params(owner, touchpoint_params());
    }
  }
  // Behavioural defaults are numbers in their table; keep their text alive beside the keys.
  default_texts.reserve(out.size());
  for (auto& k : out) {
    if (k.param != nullptr) {
      default_texts.push_back(default_text_of(*k.param));
      k.default_text = default_texts.back();
    }
  }
  return out;
}

struct KeyTable {
  std::vector<std::string> default_texts;
  std::vector<KeyInfo> keys = build_keys(default_texts);
};

const KeyTable& key_table() {
  static const KeyTable table;  // immutable after construction
  return table;
}

}  // namespace

std::string_view owner_prefix(KeyOwner owner) {
  switch (owner) {
    case O::root:
      return "";
    case O::segment:
      return "segments[]";
    case O::touchpoint:
      return "touchpoints[]";
    case O::initiative:
      return "initiatives[]";
    case O::effect:
      return "initiatives[].effects[]";
    case O::roadmap:
      return "roadmaps[]";
    case O::roadmap_entry:
      return "roadmaps[].initiatives[]";
  }
  return "";
}

const std::vector<KeyInfo>& scenario_keys() {
  return key_table().keys;
}

const KeyInfo* find_key(KeyOwner owner, std::string_view path) {
  for (const auto& k : scenario_keys()) {
    if (k.owner == owner && k.path == path) return &k;
  }
  return nullptr;
}

std::vector<std::string> child_keys(KeyOwner owner, std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& k : scenario_keys()) {
    if (k.owner != owner) continue;
    std::string_view rest = k.path;
    if (!prefix.empty()) {
      if (rest.size() <= prefix.size() || rest.substr(0, prefix.size()) != prefix ||
          rest[prefix.size()] != '.') {
        continue;
      }
      rest.remove_prefix(prefix.size() + 1);
    }
    std::string head(rest.substr(0, rest.find('.')));
    if (std::find(out.begin(), out.end(), head) == out.end()) out.push_back(head);
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    out.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

}  // namespace cxsim
