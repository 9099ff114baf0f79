// The sub-roadmaps of an attribution and the scenarios that run them in batches. A sub-roadmap
// keeps the roadmap's entries as they are (their timing, overrides and slots), in roadmap order,
// with the players outside its coalition left out; change capacity applies to it as to any
// roadmap. Batch scenarios are the base scenario with other roadmaps and the same slots, so every
// random number of a replication is the base scenario's: a sub-roadmap equal to the roadmap gives
// the roadmap's own metric bit for bit, in whichever batch it runs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/core/scenario.hpp"
#include "experiments/attribute_block.hpp"
#include "experiments/coalitions.hpp"

namespace cxsim {

// Coalitions per batch at most: a batch is one scenario of 1 + batch roadmaps, each replication
// of it holding that many populations at once.
inline constexpr int kMaxAttributionBatch = 32;

struct AttributionPlan {
  CoalitionPlan coalitions;
  std::vector<std::string> labels;  // /attribute/coalitions
  int batch_size = 1;               // coalitions per batch; the last batch may hold fewer

  int batches() const { return (coalitions.coalitions() + batch_size - 1) / batch_size; }
  int first(int batch) const { return batch * batch_size; }
  int count(int batch) const {
    return std::min(batch_size, coalitions.coalitions() - first(batch));
  }
};

// The coalitions of the block (exact: all subsets; sampled: along `permutations` orders drawn
// from seed) in batches of batch_size.
AttributionPlan make_attribution_plan(const AttributeBlock& block, std::uint64_t seed,
                                      int batch_size);

// The largest batch whose replication fits in a quarter of physical memory, at most
// kMaxAttributionBatch and at least 1.
int attribution_batch_size(const Scenario& base, const AttributeBlock& block);

// Whether the metric needs each sub-roadmap's zero-defect counterfactual (an avoidable cost).
bool needs_zero_defect(const AttributeBlock& block);

// Coalition c's sub-roadmap of the block's roadmap, named `name`.
Roadmap sub_roadmap(const Scenario& base, const AttributeBlock& block, const CoalitionPlan& plan,
                    int coalition, std::string name);

// The scenario of one batch: the base scenario's baseline roadmap first (the baseline of delta
// metrics), then the batch's sub-roadmaps in coalition order; the zero-defect counterfactual only
// when the metric needs it, and no per-touchpoint twins.
Scenario batch_scenario(const Scenario& base, const AttributeBlock& block,
                        const AttributionPlan& plan, int batch);

// What the experiment reader checks of a read block: the study fits one file (coalitions x
// replications values per metric, at most 1e8). The sub-roadmaps need no check of their own:
// every check the scenario loader makes of a roadmap holds for its sub-roadmaps when it holds for
// the roadmap (a hazard's bounds are taken over effect strengths from 0 to 1, and 0 is leaving
// an initiative out; the other checks are per entry or per initiative).
void check_attribution(const Scenario& base, const AttributeBlock& block,
                       std::vector<Diagnostic>& diagnostics);

}  // namespace cxsim
