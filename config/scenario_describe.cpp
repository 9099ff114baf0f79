// Rendering of a Scenario back into scenario YAML, with a summary in comments.
#include "config/scenario_describe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "config/parameter_paths.hpp"
#include "config/yaml_values.hpp"
#include "engine/core/json_string.hpp"
#include "engine/core/parameters.hpp"

namespace cxsim {

namespace {

// An ordered YAML block tree: leaves hold ready-made flow text.
struct Out {
  enum class Kind { leaf, map, list };
  Kind kind = Kind::map;
  std::string text;
  std::vector<std::string> names;
  std::vector<Out> kids;

  static Out leaf(std::string t) {
    Out o;
    o.kind = Kind::leaf;
    o.text = std::move(t);
    return o;
  }
  static Out list() {
    Out o;
    o.kind = Kind::list;
    return o;
  }

  // The child map at a dotted path, created on first use (so sections keep first-use order).
  Out& at(std::string_view dotted) {
    Out* node = this;
    std::size_t start = 0;
    while (true) {
      const std::size_t dot = dotted.find('.', start);
      const std::string part(
          dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
      auto it = std::find(node->names.begin(), node->names.end(), part);
      if (it == node->names.end()) {
        node->names.push_back(part);
        node->kids.emplace_back();
        node = &node->kids.back();
      } else {
        node = &node->kids[static_cast<std::size_t>(it - node->names.begin())];
      }
      if (dot == std::string_view::npos) return *node;
      start = dot + 1;
    }
  }
  void put(std::string_view dotted, std::string text) { at(dotted) = leaf(std::move(text)); }
  void put(std::string_view dotted, Out value) { at(dotted) = std::move(value); }
};

void emit(const Out& map, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (std::size_t i = 0; i < map.names.size(); ++i) {
    const Out& v = map.kids[i];
    const std::string& key = map.names[i];
    switch (v.kind) {
      case Out::Kind::leaf:
        out += pad + key + ": " + v.text + "\n";
        break;
      case Out::Kind::map:
        if (v.names.empty()) {
          out += pad + key + ": {}\n";
        } else {
          out += pad + key + ":\n";
          emit(v, indent + 2, out);
        }
        break;
      case Out::Kind::list:
        if (v.kids.empty()) {
          out += pad + key + ": []\n";
          break;
        }
        out += pad + key + ":\n";
        for (const Out& item : v.kids) {
          if (item.kind == Out::Kind::leaf) {
            out += pad + "  - " + item.text + "\n";
          } else {
            std::string block;
            emit(item, indent + 4, block);
            out += pad + "  - " + block.substr(static_cast<std::size_t>(indent) + 4);
          }
        }
        break;
    }
  }
}

bool plain_safe(const std::string& s) {
  if (s.empty()) return false;
  static const char* const kReserved[] = {"null", "true", "false", "yes", "no",
                                          "on",   "off",  "y",     "n",   "~"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* r : kReserved) {
    if (lower == r) return false;
  }
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '*';
  });
}

std::string str(const std::string& s) {
  return plain_safe(s) ? s : json_quoted(s);
}

std::string capex_text(const Distribution& total, int months) {
  if (months == 1) return format_distribution(total);
  return fmt::format("{{total: {}, months: {}}}", format_distribution(total), months);
}

std::string month_range(const Initiative& init, int horizon) {
  return fmt::format("months {}-{}{}", init.start_month,
                     init.end_month == 0 ? horizon : init.end_month,
                     init.ramp_months > 0 ? fmt::format(", ramp {}", init.ramp_months) : "");
}

// The posterior's provenance, effective sample size and, per parameter, the weighted mean and
// 5-95% range (weighted quantiles).
std::string posterior_summary(const Posterior& p) {
  std::string source = p.source;  // a comment stays on its line
  std::replace_if(
      source.begin(), source.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  std::string out = fmt::format(
      "# posterior: {} particles from {} (sha256 {}), effective sample size {:.1f}; each "
      "replication uses one particle, drawn by weight\n",
      p.particles(), source, p.sha256, p.effective_sample_size());
  for (std::size_t j = 0; j < p.parameters.size(); ++j) {
    out +=
        fmt::format("#   {}: weighted mean {:.6g}, 5-95% [{:.6g}, {:.6g}]\n", p.parameters[j].name,
                    p.weighted_mean(j), p.weighted_quantile(j, 0.05), p.weighted_quantile(j, 0.95));
  }
  return out;
}

// The posterior block as it loads back: every number exactly.
Out posterior_block(const Posterior& p) {
  auto flow = [](std::size_t n, auto&& text) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) out += (i == 0 ? "" : ", ") + text(i);
    return out + "]";
  };
  Out block;
  block.put("source", json_quoted(p.source));
  block.put("sha256", json_quoted(p.sha256));
  block.put("parameters",
            flow(p.parameters.size(), [&](std::size_t j) { return str(p.parameters[j].name); }));
  Out rows = Out::list();
  for (std::size_t k = 0; k < p.particles(); ++k) {
    rows.kids.push_back(Out::leaf(
        flow(p.parameters.size(), [&](std::size_t j) { return format_number(p.value(k, j)); })));
  }
  block.put("particles", std::move(rows));
  block.put("weights",
            flow(p.particles(), [&](std::size_t k) { return format_number(p.weights[k]); }));
  return block;
}

std::string summary(const Scenario& sc) {
  std::string out;
  std::string desc = sc.description;
  std::replace(desc.begin(), desc.end(), '\n', ' ');
  out += "# " + sc.name + (desc.empty() ? "" : ": " + desc) + "\n";
  out += fmt::format(
      "# {} months x {} replications (seed {}); {} agents for {} people ({} per "
      "agent)\n",
      sc.horizon_months, sc.replications, sc.seed, sc.agents, format_number(sc.population),
      fmt::format("{:g}", sc.agent_weight()));
  out += fmt::format("# network: {}", to_string(sc.network.type));
  if (sc.network.type != NetworkType::none && sc.network.type != NetworkType::complete) {
    out += fmt::format(", mean degree {}", sc.network.mean_degree);
  }
  out += "\n# segments:";
  for (std::size_t i = 0; i < sc.segments.size(); ++i) {
    const Segment& s = sc.segments[i];
    out += fmt::format("{} {} {:g}%{}", i == 0 ? "" : ",", s.name, s.share * 100.0,
                       s.transactional ? " (transactional)" : "");
  }
  out += "\n# touchpoints:";
  if (sc.touchpoints.empty()) out += " none";
  for (std::size_t i = 0; i < sc.touchpoints.size(); ++i) {
    out += (i == 0 ? " " : ", ") + sc.touchpoints[i].name;
  }
  out += "\n# roadmaps";
  if (!sc.roadmaps.empty()) {
    out += " (compared against " + sc.roadmaps[static_cast<std::size_t>(sc.baseline)].name + ")";
  }
  out += ":\n";
  for (const auto& r : sc.roadmaps) {
    out += "#   " + r.name + ":";
    if (r.initiatives.empty()) out += " no initiatives";
    std::vector<const Initiative*> by_month;
    for (const auto& i : r.initiatives) by_month.push_back(&i);
    std::stable_sort(
        by_month.begin(), by_month.end(),
        [](const Initiative* a, const Initiative* b) { return a->start_month < b->start_month; });
    for (std::size_t i = 0; i < by_month.size(); ++i) {
      out += (i == 0 ? " " : "; ") + by_month[i]->name + " (" +
             month_range(*by_month[i], sc.horizon_months) + ")";
    }
    out += "\n";
  }
  if (sc.posterior) out += posterior_summary(*sc.posterior);
  return out;
}

}  // namespace

std::string describe_scenario(const Scenario& sc) {
  std::map<std::string, int> slot_index;
  for (std::size_t i = 0; i < sc.slots.size(); ++i)
    slot_index[sc.slots[i].path] = static_cast<int>(i);
  auto slot_text = [&](int index) {
    return index >= 0 && index < static_cast<int>(sc.slots.size())
               ? format_distribution(sc.slots[static_cast<std::size_t>(index)].value)
               : std::string("0");
  };
  auto value_of = [&](const std::string& path) {
    auto it = slot_index.find(path);
    return it == slot_index.end() ? std::string("0") : slot_text(it->second);
  };
  const bool have_model = static_cast<int>(sc.slots.size()) >= sc.layout.model_count() &&
                          sc.layout.segments() == static_cast<int>(sc.segments.size()) &&
                          sc.layout.touchpoints() == static_cast<int>(sc.touchpoints.size());

  Out root;
  root.put("name", str(sc.name));
  root.put("description", json_quoted(sc.description));
  if (!sc.currency.empty()) root.put("currency", json_quoted(sc.currency));
  root.put("horizon_months", std::to_string(sc.horizon_months));
  root.put("replications", std::to_string(sc.replications));
  root.put("seed", std::to_string(sc.seed));
  root.put("agents", std::to_string(sc.agents));
  if (have_model) {
    root.put("discount_rate_annual",
             slot_text(sc.layout.global(GlobalParam::discount_rate_annual)));
  }
  root.put("terminal_value", to_string(sc.terminal_value));
  root.put("market.population", format_number(sc.population));
  for (const auto& p : global_params()) {
    if (p.key.rfind("market.", 0) == 0) root.put(p.key, value_of(std::string(p.key)));
  }
  root.put("market.network.type", to_string(sc.network.type));
  root.put("market.network.mean_degree", std::to_string(sc.network.mean_degree));
  root.put("market.network.rewire_probability", format_number(sc.network.rewire_probability));
  root.put("market.network.per_replication", sc.network.per_replication ? "true" : "false");
  if (sc.change_capacity > 0) {
    root.put("organization.change_capacity", std::to_string(sc.change_capacity));
  }
  for (const auto& p : global_params()) {
    if (p.key.rfind("market.", 0) != 0 && p.key != "discount_rate_annual") {
      root.put(p.key, value_of(std::string(p.key)));
    }
  }

  Out segments = Out::list();
  for (const auto& s : sc.segments) {
    Out item;
    item.put("name", str(s.name));
    item.put("share", format_number(s.share));
    item.put("initial_penetration", format_number(s.initial_penetration));
    if (s.churn_heterogeneity) {
      item.put("heterogeneity.baseline_churn_monthly", format_distribution(*s.churn_heterogeneity));
    }
    for (const auto& p : segment_params()) {
      if (p.key == "revenue.purchases_per_month" && !s.transactional) continue;
      item.put(p.key, value_of("segments." + s.name + "." + std::string(p.key)));
    }
    segments.kids.push_back(std::move(item));
  }
  root.put("segments", std::move(segments));

  Out touchpoints = Out::list();
  for (const auto& t : sc.touchpoints) {
    Out item;
    item.put("name", str(t.name));
    std::string contacts = "{";
    for (std::size_t s = 0; s < sc.segments.size(); ++s) {
      contacts += (s == 0 ? "" : ", ") + str(sc.segments[s].name) + ": " +
                  value_of("touchpoints." + t.name + ".contacts_per_month." + sc.segments[s].name);
    }
    item.put("contacts_per_month", contacts + "}");
    for (const auto& p : touchpoint_params()) {
      item.put(p.key, value_of("touchpoints." + t.name + "." + std::string(p.key)));
    }
    touchpoints.kids.push_back(std::move(item));
  }
  root.put("touchpoints", std::move(touchpoints));

  // The library, rebuilt from the roadmaps in order of first use (the loader allocates library
  // slots in that order, so the text loads back to the same slot indices). The library entry
  // copies the first use that spends the library's own capex, so its capex window is valid.
  std::vector<std::string> library_names;
  std::map<std::string, const Initiative*> library;
  for (const auto& r : sc.roadmaps) {
    for (const auto& i : r.initiatives) {
      const bool own_capex =
          i.capex_slot >= 0 && sc.slots[static_cast<std::size_t>(i.capex_slot)].path ==
                                   "initiatives." + i.name + ".capex";
      auto it = library.find(i.name);
      if (it == library.end()) {
        library_names.push_back(i.name);
        library[i.name] = &i;
      } else if (own_capex) {
        const Initiative* rep = it->second;
        const bool rep_own = sc.slots[static_cast<std::size_t>(rep->capex_slot)].path ==
                             "initiatives." + i.name + ".capex";
        if (!rep_own) it->second = &i;
      }
    }
  }
  auto lib_capex_months = [&](const Initiative& rep) {
    return sc.slots[static_cast<std::size_t>(rep.capex_slot)].path ==
                   "initiatives." + rep.name + ".capex"
               ? rep.capex_months
               : 1;
  };
  Out initiatives = Out::list();
  for (const auto& name : library_names) {
    const Initiative& rep = *library[name];
    Out item;
    item.put("name", str(name));
    item.put("start_month", std::to_string(rep.start_month));
    if (rep.end_month != 0) item.put("end_month", std::to_string(rep.end_month));
    item.put("ramp_months", std::to_string(rep.ramp_months));
    item.put(
        "capex",
        capex_text(
            sc.slots[static_cast<std::size_t>(slot_index["initiatives." + name + ".capex"])].value,
            lib_capex_months(rep)));
    item.put("opex_per_month", value_of("initiatives." + name + ".opex_per_month"));
    if (slot_index.count("initiatives." + name + ".sustaining_opex_per_month") != 0) {
      item.put("sustaining_opex_per_month",
               value_of("initiatives." + name + ".sustaining_opex_per_month"));
    }
    Out effects = Out::list();
    for (const auto& e : rep.effects) {
      effects.kids.push_back(
          Out::leaf(fmt::format("{{target: {}, op: {}, value: {}}}", str(e.target), to_string(e.op),
                                slot_text(e.value_slot))));
    }
    item.put("effects", std::move(effects));
    initiatives.kids.push_back(std::move(item));
  }
  root.put("initiatives", std::move(initiatives));
  root.put("analysis.zero_defect_counterfactual", sc.zero_defect_counterfactual ? "true" : "false");
  root.put("analysis.avoidable_cost_by_touchpoint",
           sc.avoidable_cost_by_touchpoint ? "true" : "false");

  Out roadmaps = Out::list();
  for (const auto& r : sc.roadmaps) {
    Out item;
    item.put("name", str(r.name));
    Out uses = Out::list();
    for (const auto& i : r.initiatives) {
      const Initiative& rep = *library[i.name];
      std::string overrides;
      if (i.start_month != rep.start_month)
        overrides += fmt::format(", start_month: {}", i.start_month);
      if (i.end_month != rep.end_month && i.end_month != 0) {
        overrides += fmt::format(", end_month: {}", i.end_month);
      }
      if (i.ramp_months != rep.ramp_months)
        overrides += fmt::format(", ramp_months: {}", i.ramp_months);
      auto own = [&](int slot, std::string_view key) {
        return slot >= 0 && sc.slots[static_cast<std::size_t>(slot)].path ==
                                roadmap_override_path(r.name, i.name, key);
      };
      if (own(i.capex_slot, "capex")) {
        overrides +=
            ", capex: " +
            capex_text(sc.slots[static_cast<std::size_t>(i.capex_slot)].value, i.capex_months);
      }
      if (own(i.opex_slot, "opex_per_month")) {
        overrides += ", opex_per_month: " + slot_text(i.opex_slot);
      }
      if (own(i.sustaining_opex_slot, "sustaining_opex_per_month")) {
        overrides += ", sustaining_opex_per_month: " + slot_text(i.sustaining_opex_slot);
      }
      uses.kids.push_back(
          Out::leaf(overrides.empty() ? str(i.name) : "{use: " + str(i.name) + overrides + "}"));
    }
    item.put("initiatives", std::move(uses));
    roadmaps.kids.push_back(std::move(item));
  }
  root.put("roadmaps", std::move(roadmaps));
  if (sc.posterior) root.put("posterior", posterior_block(*sc.posterior));

  std::string out = summary(sc);
  emit(root, 0, out);
  return out;
}

}  // namespace cxsim
