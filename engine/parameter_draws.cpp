// Drawing uncertain parameters from streams keyed by the parameter's path, so adding a
// parameter never shifts another's draw.
#include "engine/parameter_draws.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/rng.hpp"

namespace cxsim {

std::vector<int> uncertain_slots(const Scenario& scenario) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(scenario.slots.size()); ++i) {
    if (!scenario.slots[i].value.is_constant()) out.push_back(i);
  }
  return out;
}

bool clamp_to_bounds(const Slot& slot, double& x) {
  double hi = slot.hi;
  if (slot.hi_exclusive) hi = std::nextafter(slot.hi, slot.lo);
  if (std::isnan(x)) {
    // Within the checked distribution parameters a draw is never NaN; if one were, it would
    // poison every result: it takes the distribution's mean, and counts as a clamp.
    x = std::clamp(slot.value.mean(), slot.lo, hi);
    if (std::isnan(x)) x = std::max(slot.lo, std::min(0.0, hi));
    return true;
  }
  if (x < slot.lo) {
    x = slot.lo;
    return true;
  }
  if (x > hi) {
    x = hi;
    return true;
  }
  return false;
}

ParameterDraw draw_parameters(const Scenario& scenario, std::int64_t replication) {
  ParameterDraw draw;
  draw.values.resize(scenario.slots.size());
  for (std::size_t i = 0; i < scenario.slots.size(); ++i) {
    const Slot& slot = scenario.slots[i];
    if (slot.value.is_constant()) {
      draw.values[i] = slot.value.a;
      continue;
    }
    Stream stream(scenario.seed, path_hash(slot.path), static_cast<std::uint32_t>(replication), 0,
                  Purpose::parameters);
    double x = slot.value.sample(stream);
    if (clamp_to_bounds(slot, x)) ++draw.clamps;
    draw.values[i] = x;
    draw.uncertain.push_back(x);
  }
  return draw;
}

}  // namespace cxsim
