// The behavioural parameters of the model, each declared once: path, default, range, unit,
// meaning and source. Validation, `cxsim schema`, docs/parameters.md and the slot layout of the
// per-month parameter vector all come from these tables.
#pragma once

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace cxsim {

inline constexpr double kRequired = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Upper bounds that keep every result of an accepted scenario finite and far from overflow
// (the argument is in docs/scenario.md, "Bad input"). Money per agent-month is at most
// purchases x price plus, per touchpoint, contacts x (cost + failure cost): 1e6 x 1e12 each;
// times people (<= 1e10), months (<= 600) and a customer lifetime of at most 1e12 months, every
// money figure stays below about 1e50, and its square (standard deviations) below 1e100.
inline constexpr double kMaxMoney = 1e12;        // any money amount, per its unit
inline constexpr double kMaxPoissonMean = 1e6;   // contacts, purchases, broadcast reach
inline constexpr double kMaxPopulation = 1e10;   // people in the market
inline constexpr double kMaxAgents = 1e9;        // simulated agents (32-bit agent indices)
inline constexpr double kMaxReplications = 1e7;  // also bounded by the results' memory
inline constexpr double kMaxMeanDegree = 1e6;    // neighbours per agent

// One declared number. `key` is relative to its owner: the document root for global parameters,
// a segment for segment parameters, a touchpoint for touchpoint parameters.
struct ParamInfo {
  std::string_view key;
  double default_value;  // kRequired when the key must be given
  double lo;             // valid range, inclusive ...
  double hi;             // ... unless hi_exclusive
  bool hi_exclusive;
  std::string_view unit;
  std::string_view meaning;
  std::string_view source;
  bool distribution_ok;  // may be {normal: ...} etc. (behavioural, drawn once per replication)
  bool target_ok;        // may be changed by initiative effects

  bool required() const { return std::isnan(default_value); }
  bool in_range(double x) const { return x >= lo && (hi_exclusive ? x < hi : x <= hi); }
};

enum class GlobalParam : int {
  expectation_drift_per_year,
  competitor_pressure,
  memory,
  expectation_adaptation,
  gain_weight,
  loss_weight,
  price_gain_weight,
  price_loss_weight,
  reference_price_adaptation,
  wom_positive_effect,
  wom_negative_effect,
  churn_satisfaction,
  churn_price,
  churn_unrecovered_failure,
  churn_negative_wom,
  churn_competitor,
  discount_rate_annual,
  count
};

enum class SegmentParam : int {
  baseline_churn_monthly,
  performance,
  performance_sd,
  experience_noise,
  satisfaction_mean,
  satisfaction_sd,
  expectation_mean,
  expectation_sd,
  price,
  variable_cost,
  purchases_per_month,
  acquisition_cost,
  innovation,
  imitation,
  negative_wom_deterrence,
  promoter_talk_probability,
  detractor_talk_probability,
  broadcast_reach,
  winback_probability,
  count
};

// contacts_per_month is per segment and laid out separately (see ParamLayout::contacts).
enum class TouchpointParam : int {
  failure_rate,
  recovery_rate,
  cost_per_contact,
  failure_cost,
  severity,
  recovered_severity,
  count
};

std::span<const ParamInfo> global_params();
std::span<const ParamInfo> segment_params();
std::span<const ParamInfo> touchpoint_params();
const ParamInfo& contacts_param();  // touchpoints.<k>.contacts_per_month.<segment>

inline const ParamInfo& info(GlobalParam p) {
  return global_params()[static_cast<int>(p)];
}
inline const ParamInfo& info(SegmentParam p) {
  return segment_params()[static_cast<int>(p)];
}
inline const ParamInfo& info(TouchpointParam p) {
  return touchpoint_params()[static_cast<int>(p)];
}

// Index of every model number in the flat parameter vector:
// [globals | segment 0 | segment 1 | ... | touchpoint 0 (params, contacts by segment) | ...].
// Numbers that belong to initiatives (effect values, capex, opex) follow model_count().
class ParamLayout {
 public:
  static constexpr int kGlobals = static_cast<int>(GlobalParam::count);
  static constexpr int kPerSegment = static_cast<int>(SegmentParam::count);
  static constexpr int kPerTouchpointFixed = static_cast<int>(TouchpointParam::count);

  ParamLayout() = default;
  ParamLayout(int segments, int touchpoints) : segments_(segments), touchpoints_(touchpoints) {}

  int segments() const { return segments_; }
  int touchpoints() const { return touchpoints_; }

  int global(GlobalParam p) const { return static_cast<int>(p); }
  int segment(int s, SegmentParam p) const {
    return kGlobals + s * kPerSegment + static_cast<int>(p);
  }
  int touchpoint(int k, TouchpointParam p) const {
    return touchpoint_base(k) + static_cast<int>(p);
  }
  int contacts(int k, int s) const { return touchpoint_base(k) + kPerTouchpointFixed + s; }
  int model_count() const { return touchpoint_base(touchpoints_); }

 private:
  int touchpoint_base(int k) const {
    return kGlobals + segments_ * kPerSegment + k * (kPerTouchpointFixed + segments_);
  }
  int segments_ = 0;
  int touchpoints_ = 0;
};

}  // namespace cxsim
