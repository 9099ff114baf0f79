// The validated, immutable description of a run: what the loader produces and the engine reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/distribution.hpp"
#include "engine/core/parameters.hpp"
#include "engine/core/posterior.hpp"

namespace cxsim {

// One number of the flat parameter vector: a model parameter (see ParamLayout) or a number
// that belongs to an initiative (effect value, capex total, opex). Drawn once per replication.
struct Slot {
  std::string path;  // scenario path, e.g. segments.consumer.revenue.price
  Distribution value;
  double lo = -kInf;  // bounds re-applied after draws and effects (each clamp is counted)
  double hi = kInf;
  bool hi_exclusive = false;
  bool target_ok = false;  // initiative effects may change it
};

// What NPV counts after the horizon (MODEL.md s.3).
enum class TerminalValue { customer_equity_net, customer_equity, none };
inline constexpr TerminalValue kTerminalValues[] = {
    TerminalValue::customer_equity_net, TerminalValue::customer_equity, TerminalValue::none};
const char* to_string(TerminalValue choice);

enum class NetworkType { none, complete, ring, random, small_world, scale_free };
const char* to_string(NetworkType type);

struct NetworkConfig {
  NetworkType type = NetworkType::none;
  int mean_degree = 0;
  double rewire_probability = 0.1;  // small_world only
  bool per_replication = true;      // false: one network (replication 0's) for the whole run
};

struct Segment {
  std::string name;
  double share = 0.0;
  double initial_penetration = 0.0;
  bool transactional = false;  // revenue.purchases_per_month was given
  // heterogeneity: {baseline_churn_monthly: {beta: [a, b]}}: h0 drawn per agent (sBG).
  std::optional<Distribution> churn_heterogeneity;
};

struct Touchpoint {
  std::string name;
};

enum class EffectOp { multiply, add, set };
const char* to_string(EffectOp op);

struct Effect {
  std::string target;      // as written, e.g. segments.*.adoption.innovation
  std::vector<int> slots;  // the parameter slots it changes (never empty after validation)
  EffectOp op = EffectOp::multiply;
  int value_slot = -1;  // slot holding the effect's value (may be a distribution)
};

// An initiative as used in a roadmap (library entry with the roadmap's overrides applied).
struct Initiative {
  std::string name;
  int start_month = 1;
  int end_month = 0;  // last month with effects and opex; 0 = to the horizon
  int ramp_months = 0;
  int capex_slot = -1;   // total capex (money); slot value 0 when none
  int capex_months = 1;  // spread evenly over this many months from start_month
  int opex_slot = -1;    // opex per month (money)
  // Run-rate cost after the horizon (MODEL.md s.3, customer_equity_net): its own slot when the
  // library or the roadmap entry sets sustaining_opex_per_month, else opex_slot (the same draw;
  // -1 also reads as opex_slot).
  int sustaining_opex_slot = -1;
  std::vector<Effect> effects;
};

struct Roadmap {
  std::string name;
  std::vector<Initiative> initiatives;  // in roadmap order (effects compose in this order)
};

struct Scenario {
  std::string file;  // the file it was loaded from
  std::string name;
  std::string description;
  std::string currency;  // of every money figure; "" when not given
  int horizon_months = 12;
  std::int64_t replications = 1;
  std::uint64_t seed = 1;
  std::int64_t agents = 1000;
  double population = 1000;
  TerminalValue terminal_value = TerminalValue::customer_equity_net;

  NetworkConfig network;
  int change_capacity = 0;  // 0 = unlimited
  bool zero_defect_counterfactual = false;
  // One zero-defect twin per touchpoint per roadmap (only that touchpoint's failures removed).
  bool avoidable_cost_by_touchpoint = false;

  std::vector<Segment> segments;
  std::vector<Touchpoint> touchpoints;
  std::vector<Roadmap> roadmaps;  // at least one
  int baseline = 0;               // index of the roadmap named baseline, else 0

  ParamLayout layout;
  std::vector<Slot> slots;  // layout.model_count() model slots, then initiative slots
  // A calibration's posterior (scenario key posterior): per replication one particle sets the
  // parameters it names (engine/parameter_draws.cpp).
  std::optional<Posterior> posterior;

  std::string resolved_yaml;  // the fully resolved scenario (after extends, --set, defaults)
  // The files the loader read (the scenario, then its extends bases), and a posterior's source,
  // which outputs never overwrite; empty for a scenario built in code or loaded from text.
  std::vector<std::string> source_files;

  double agent_weight() const { return population / static_cast<double>(agents); }
  const Slot& slot(GlobalParam p) const { return slots[layout.global(p)]; }
  const Slot& slot(int s, SegmentParam p) const { return slots[layout.segment(s, p)]; }
  const Slot& slot(int k, TouchpointParam p) const { return slots[layout.touchpoint(k, p)]; }
};

// The model slots of a scenario with these segments and touchpoints, laid out by
// ParamLayout: paths, bounds and declared defaults (NaN where a value is required).
std::vector<Slot> model_slots(const std::vector<Segment>& segments,
                              const std::vector<Touchpoint>& touchpoints);

}  // namespace cxsim
