// Per-replication draws of every uncertain number (MODEL.md s.5): one draw per replication,
// shared by every roadmap of that replication. With a posterior (scenario key posterior) the
// replication's particle sets the numbers it names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"

namespace cxsim {

struct ParameterDraw {
  std::vector<double> values;     // one per slot; constants as given
  std::vector<double> uncertain;  // the recorded values, in recorded_parameters() order
  int clamps = 0;                 // draws that fell outside their slot's bounds
  // The posterior particle this replication uses; -1 without a posterior.
  std::int64_t particle = -1;
  // Per segment, the per-agent churn distribution of this replication when the posterior sets
  // one of its parameters; empty otherwise (the scenario's own then applies).
  std::vector<Distribution> heterogeneity;
};

// Indices of the slots holding a distribution that is drawn as written, in slot order: those
// the posterior does not touch (experiments take them as factors).
std::vector<int> uncertain_slots(const Scenario& scenario);

// The names of the /parameters datasets, in the order of ParameterDraw::uncertain: every slot
// holding a distribution or set by the posterior, in slot order, then the posterior's
// distribution-parameter names in the posterior's order. Without a posterior: the paths of
// uncertain_slots().
std::vector<std::string> recorded_parameters(const Scenario& scenario);

// Clamps x into the slot's bounds; returns true when it had to.
bool clamp_to_bounds(const Slot& slot, double& x);

ParameterDraw draw_parameters(const Scenario& scenario, std::int64_t replication);

}  // namespace cxsim
