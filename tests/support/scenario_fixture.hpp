// Scenarios built in code for engine tests: zero-variance settings where the answer is known,
// without going through YAML.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/core/scenario.hpp"

namespace cxsim::testing {

// One segment "a" (all agents, every parameter at its declared default, required ones set to
// quiet values: no churn, no failures, no WOM), the given touchpoints, one baseline roadmap.
inline Scenario make_scenario(std::int64_t agents, int months, int touchpoints = 0) {
  Scenario sc;
  sc.file = "<test>";
  sc.name = "test";
  sc.horizon_months = months;
  sc.replications = 1;
  sc.seed = 12345;
  sc.agents = agents;
  sc.population = static_cast<double>(agents);
  sc.segments.push_back({"a", 1.0, 1.0, false, std::nullopt});
  for (int k = 0; k < touchpoints; ++k) sc.touchpoints.push_back({"t" + std::to_string(k)});
  sc.layout = ParamLayout(1, touchpoints);
  sc.slots = model_slots(sc.segments, sc.touchpoints);
  sc.roadmaps.push_back({"baseline", {}});
  auto quiet = [&](const std::string& path, double v) {
    for (Slot& s : sc.slots)
      if (s.path == path) s.value = Distribution::constant(v);
  };
  quiet("segments.a.baseline_churn_monthly", 0.0);
  quiet("segments.a.performance", 7.0);
  quiet("segments.a.satisfaction.mean", 7.0);
  quiet("segments.a.expectation.mean", 7.0);
  quiet("segments.a.revenue.price", 10.0);
  for (int k = 0; k < touchpoints; ++k) {
    quiet("touchpoints.t" + std::to_string(k) + ".failure_rate", 0.0);
    quiet("touchpoints.t" + std::to_string(k) + ".contacts_per_month.a", 0.0);
  }
  return sc;
}

inline Slot& slot(Scenario& sc, const std::string& path) {
  for (Slot& s : sc.slots)
    if (s.path == path) return s;
  throw std::invalid_argument("no slot " + path);
}

inline void set(Scenario& sc, const std::string& path, double value) {
  slot(sc, path).value = Distribution::constant(value);
}

// Appends an initiative-owned slot (effect value, capex, opex) and returns its index.
inline int add_slot(Scenario& sc, const std::string& path, Distribution value) {
  Slot s;
  s.path = path;
  s.value = value;
  sc.slots.push_back(s);
  return static_cast<int>(sc.slots.size()) - 1;
}

inline int slot_index(const Scenario& sc, const std::string& path) {
  for (int i = 0; i < static_cast<int>(sc.slots.size()); ++i)
    if (sc.slots[i].path == path) return i;
  throw std::invalid_argument("no slot " + path);
}

}  // namespace cxsim::testing
