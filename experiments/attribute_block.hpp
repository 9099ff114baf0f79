// The `attribute` block of an experiment file (EXPERIMENTS.md): which roadmap's value is shared
// out among which of its initiatives, by which summary metric and method; read with the same
// precise errors as the rest of the file.
#pragma once

#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "config/yaml_tree.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

enum class AttributeMethod { exact, sampled };
const char* to_string(AttributeMethod method);

// Exact Shapley values evaluate all 2^k sub-roadmaps: up to k = 10 (1024).
inline constexpr int kMaxExactInitiatives = 10;

struct AttributeBlock {
  std::string roadmap;    // the roadmap shared out
  int roadmap_index = 0;  // in the base scenario
  std::string metric = "delta_npv";
  int metric_index = 0;  // SummaryMetric
  AttributeMethod method = AttributeMethod::exact;
  int permutations = 200;  // sampled: random orders of the initiatives
  // The roadmap's entries shared out (the players), in roadmap order, and their names: the
  // library names, with #2, #3 for a repeat. Entries not listed stay in every sub-roadmap.
  std::vector<int> players;
  std::vector<std::string> player_names;
  SourceLoc loc;  // the block, for messages about its sub-roadmaps
};

// The names of a roadmap's entries as /coords/initiative writes them: library names in roadmap
// order, "#2", "#3" appended to a repeat.
std::vector<std::string> entry_names(const Roadmap& roadmap);

// Whether a summary metric can be shared out, and if not why ("" when it can): ratios,
// indicators and rankings do not add up over initiatives.
std::string metric_not_shared(const std::string& metric);

// Reads the block against the base scenario into `out`, appending a diagnostic per problem:
// unknown keys (did-you-mean), an unknown roadmap or metric, a roadmap without initiatives,
// initiatives it does not use, exact with more than kMaxExactInitiatives.
void read_attribute_block(const YamlTree& block, const Scenario& base, AttributeBlock& out,
                          std::vector<Diagnostic>& diagnostics);

// The block as the resolved experiment (/experiment) writes it.
std::string attribute_block_yaml(const AttributeBlock& block);

}  // namespace cxsim
