// Per-replication draws of every uncertain number (MODEL.md s.5): one draw per replication,
// shared by every roadmap of that replication.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/scenario.hpp"

namespace cxsim {

struct ParameterDraw {
  std::vector<double> values;     // one per slot; constants as given
  std::vector<double> uncertain;  // drawn values of the uncertain slots, in slot order
  int clamps = 0;                 // draws that fell outside their slot's bounds
};

// Indices of the slots holding a distribution, in slot order (the /parameters datasets).
std::vector<int> uncertain_slots(const Scenario& scenario);

// Clamps x into the slot's bounds; returns true when it had to.
bool clamp_to_bounds(const Slot& slot, double& x);

ParameterDraw draw_parameters(const Scenario& scenario, std::int64_t replication);

}  // namespace cxsim
