// Sub-roadmaps: subsets of a roadmap's entries, run in batch scenarios that share the base
// scenario's slots.
#include "experiments/sub_roadmaps.hpp"

#include <fmt/format.h>

#include "engine/memory_budget.hpp"

namespace cxsim {

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

void check_attribution(const Scenario& base, const AttributeBlock& block,
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
  }
}

}  // namespace cxsim
