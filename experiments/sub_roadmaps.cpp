// Sub-roadmaps: subsets of a roadmap's entries, run in batch scenarios that share the base
// scenario's slots, and checked by the scenario loader as if written in the scenario.
#include "experiments/sub_roadmaps.hpp"

#include <fmt/format.h>

#include "config/yaml_merge.hpp"
#include "engine/memory_budget.hpp"

namespace cxsim {

namespace {

// The name a sub-roadmap has in the documents the loader checks (names are letters, digits, '_'
// and '-'); messages show the coalition instead.
std::string checked_name(int coalition) {
  return fmt::format("attribute-sub-roadmap-{}", coalition);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

AttributionPlan make_attribution_plan(const AttributeBlock& block, std::uint64_t seed,
                                      int batch_size) {
  AttributionPlan plan;
  const int k = static_cast<int>(block.players.size());
  plan.coalitions = block.method == AttributeMethod::exact
                        ? exact_coalitions(k)
                        : sampled_coalitions(k, block.permutations, seed);
  for (int c = 0; c < plan.coalitions.coalitions(); ++c) {
    plan.labels.push_back(coalition_label(plan.coalitions, c, block.player_names));
  }
  plan.batch_size = std::max(1, batch_size);
  return plan;
}

bool needs_zero_defect(const AttributeBlock& block) {
  return block.metric.rfind("avoidable_cost", 0) == 0;
}

int attribution_batch_size(const Scenario& base, const AttributeBlock& block) {
  const double memory = physical_memory_bytes();
  int batch = kMaxAttributionBatch;
  while (batch > 1 && memory > 0) {
    const double runs = roadmap_runs(batch + 1.0, needs_zero_defect(block), false, 0);
    const double bytes = replication_memory_bytes(static_cast<double>(base.agents), runs,
                                                  base.network.type, base.network.mean_degree);
    if (bytes <= memory / 4) break;
    batch /= 2;
  }
  return batch;
}

Roadmap sub_roadmap(const Scenario& base, const AttributeBlock& block, const CoalitionPlan& plan,
                    int coalition, std::string name) {
  const Roadmap& roadmap = base.roadmaps[static_cast<std::size_t>(block.roadmap_index)];
  Roadmap out;
  out.name = std::move(name);
  std::size_t player = 0;
  for (std::size_t j = 0; j < roadmap.initiatives.size(); ++j) {
    const bool is_player =
        player < block.players.size() && block.players[player] == static_cast<int>(j);
    if (!is_player || plan.has(coalition, static_cast<int>(player))) {
      out.initiatives.push_back(roadmap.initiatives[j]);
    }
    if (is_player) ++player;
  }
  return out;
}

Scenario batch_scenario(const Scenario& base, const AttributeBlock& block,
                        const AttributionPlan& plan, int batch) {
  Scenario s = base;
  s.roadmaps.clear();
  s.roadmaps.push_back(base.roadmaps[static_cast<std::size_t>(base.baseline)]);
  s.baseline = 0;
  for (int c = plan.first(batch); c < plan.first(batch) + plan.count(batch); ++c) {
    s.roadmaps.push_back(
        sub_roadmap(base, block, plan.coalitions, c, plan.labels[static_cast<std::size_t>(c)]));
  }
  s.zero_defect_counterfactual = needs_zero_defect(block);
  s.avoidable_cost_by_touchpoint = false;
  return s;
}

void check_sub_roadmaps(const ScenarioSource& source, const std::vector<std::string>& overrides,
                        const AttributeBlock& block, const AttributionPlan& plan,
                        std::vector<Diagnostic>& diagnostics) {
  YamlTree doc = source.document;
  std::vector<Diagnostic> ignored;  // the base scenario took these overrides already
  for (const auto& o : overrides) apply_override(doc, o, ignored);
  YamlTree* roadmaps = doc.find("roadmaps");
  const YamlTree* entries = nullptr;
  if (roadmaps != nullptr && roadmaps->is_sequence()) {
    for (const auto& item : roadmaps->items) {
      if (item.is_map() && item.item_name() == block.roadmap) entries = item.find("initiatives");
    }
  }
  if (entries == nullptr || !entries->is_sequence()) return;  // the base scenario has none
  const YamlTree written_roadmaps = *roadmaps;
  for (int b = 0; b < plan.batches(); ++b) {
    YamlTree list = written_roadmaps;
    list.items.clear();
    for (int c = plan.first(b); c < plan.first(b) + plan.count(b); ++c) {
      YamlTree roadmap = YamlTree::map(entries->loc);
      roadmap.set("name", YamlTree::scalar(checked_name(c), entries->loc), entries->loc);
      YamlTree uses = *entries;
      uses.items.clear();
      std::size_t player = 0;
      for (std::size_t j = 0; j < entries->items.size(); ++j) {
        const bool is_player =
            player < block.players.size() && block.players[player] == static_cast<int>(j);
        if (!is_player || plan.coalitions.has(c, static_cast<int>(player))) {
          uses.items.push_back(entries->items[j]);
        }
        if (is_player) ++player;
      }
      roadmap.set("initiatives", std::move(uses), entries->loc);
      list.items.push_back(std::move(roadmap));
    }
    ScenarioSource variant{doc, source.display_name, source.files};
    *variant.document.find("roadmaps") = std::move(list);
    // One replication: the loader's bound on a run's results is not this experiment's.
    variant.document.set("replications", YamlTree::scalar("1", doc.loc), doc.loc);
    try {
      build_scenario(variant, {});
    } catch (const ScenarioError& e) {
      for (Diagnostic d : e.diagnostics()) {
        std::string message = d.format();
        for (int c = plan.first(b); c < plan.first(b) + plan.count(b); ++c) {
          replace_all(message, checked_name(c),
                      "sub-roadmap " + plan.labels[static_cast<std::size_t>(c)]);
        }
        diagnostics.push_back(
            {block.loc.file, block.loc.line, block.loc.column, "attribute",
             fmt::format("a sub-roadmap of {} is refused by the scenario (got {}; expected "
                         "initiatives whose every subset the scenario accepts)",
                         block.roadmap, message)});
      }
      return;
    }
  }
}

void check_attribution(const ScenarioSource& source, const std::vector<std::string>& overrides,
                       const Scenario& base, const AttributeBlock& block,
                       std::vector<Diagnostic>& diagnostics) {
  constexpr double kMaxValues = 1e8;  // per metric: [coalition, replication], read whole at the end
  const AttributionPlan plan =
      make_attribution_plan(block, base.seed, attribution_batch_size(base, block));
  const double coalitions = plan.coalitions.coalitions();
  const double values = coalitions * static_cast<double>(base.replications);
  if (values > kMaxValues) {
    diagnostics.push_back(
        {block.loc.file, block.loc.line, block.loc.column, "attribute",
         fmt::format("a study too large for one file (got {} sub-roadmaps x {} replications = {} "
                     "values per metric; expected at most {}: fewer initiatives, permutations or "
                     "replications)",
                     coalitions, base.replications, values, kMaxValues)});
    return;
  }
  check_sub_roadmaps(source, overrides, block, plan, diagnostics);
}

}  // namespace cxsim
