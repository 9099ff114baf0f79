// Ramp schedules under limited change capacity, effect composition and initiative spend.
#include "engine/roadmap_schedule.hpp"

#include <algorithm>

#include "engine/parameter_draws.hpp"

namespace cxsim {

namespace {
// Far above any bound and far below overflow (see roadmap_month_vector).
constexpr double kMaxIntermediate = 1e300;

int last_month(const Initiative& in, int horizon) {
  return in.end_month > 0 ? std::min(in.end_month, horizon) : horizon;
}
}  // namespace

RoadmapSchedule::RoadmapSchedule(const Roadmap& roadmap, int horizon_months, int change_capacity)
    : initiatives_(roadmap.initiatives), horizon_(horizon_months) {
  const int n = static_cast<int>(initiatives_.size());
  strength_.assign(static_cast<std::size_t>(n) * horizon_, 0.0);
  // progress[j]: ramp months completed before the current month.
  std::vector<double> progress(n, 0.0);
  for (int t = 1; t <= horizon_; ++t) {
    std::vector<int> ramping;
    for (int j = 0; j < n; ++j) {
      const Initiative& in = initiatives_[j];
      if (t < in.start_month || t > last_month(in, horizon_)) continue;
      if (in.ramp_months == 0) {
        strength_[index(j, t)] = 1.0;
        continue;
      }
      strength_[index(j, t)] = std::min(progress[j] / in.ramp_months, 1.0);
      if (progress[j] < in.ramp_months) ramping.push_back(j);
    }
    // In an overloaded month every ramp advances by capacity / n of a month instead of one.
    const int busy = static_cast<int>(ramping.size());
    const double advance = (change_capacity > 0 && busy > change_capacity)
                               ? static_cast<double>(change_capacity) / busy
                               : 1.0;
    for (int j : ramping) progress[j] += advance;
  }
}

bool RoadmapSchedule::effects_active(int j, int month) const {
  const Initiative& in = initiatives_[j];
  return month >= in.start_month && month <= last_month(in, horizon_);
}

double RoadmapSchedule::capex_share(int j, int month) const {
  const Initiative& in = initiatives_[j];
  const int months = std::max(in.capex_months, 1);
  if (month < in.start_month || month >= in.start_month + months) return 0.0;
  return 1.0 / months;
}

std::vector<int> all_touchpoints(const Scenario& scenario) {
  std::vector<int> all(static_cast<std::size_t>(scenario.layout.touchpoints()));
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = static_cast<int>(k);
  return all;
}

int roadmap_month_vector(const Scenario& scenario, const Roadmap& roadmap,
                         const RoadmapSchedule& schedule, std::span<const double> base, int month,
                         bool zero_defect, std::vector<double>& out) {
  const std::vector<int> failure_free =
      zero_defect ? all_touchpoints(scenario) : std::vector<int>{};
  return roadmap_month_vector(scenario, roadmap, schedule, base, month,
                              std::span<const int>(failure_free), out);
}

int roadmap_month_vector(const Scenario& scenario, const Roadmap& roadmap,
                         const RoadmapSchedule& schedule, std::span<const double> base, int month,
                         std::span<const int> failure_free, std::vector<double>& out) {
  out.assign(base.begin(), base.end());
  std::vector<char> touched;
  const int n = static_cast<int>(roadmap.initiatives.size());
  for (int j = 0; j < n; ++j) {
    if (!schedule.effects_active(j, month)) continue;
    const double frac = schedule.strength(j, month);
    if (frac <= 0.0) continue;
    if (touched.empty()) touched.assign(out.size(), 0);
    for (const Effect& e : roadmap.initiatives[j].effects) {
      const double value = base[e.value_slot];
      for (int s : e.slots) {
        double& x = out[s];
        switch (e.op) {
          case EffectOp::multiply:
            x *= 1.0 + frac * (value - 1.0);
            break;
          case EffectOp::add:
            x += frac * value;
            break;
          case EffectOp::set:
            x += frac * (value - x);
            break;
        }
        // Bounds are re-applied after all effects (MODEL.md s.4); until then a long chain of
        // large factors could overflow, and inf * 0 or inf - inf would be NaN.
        x = std::clamp(x, -kMaxIntermediate, kMaxIntermediate);
        touched[s] = 1;
      }
    }
  }
  int clamps = 0;
  if (!touched.empty()) {
    for (std::size_t s = 0; s < out.size(); ++s) {
      if (touched[s] && clamp_to_bounds(scenario.slots[s], out[s])) ++clamps;
    }
  }
  for (const int k : failure_free) {
    out[scenario.layout.touchpoint(k, TouchpointParam::failure_rate)] = 0.0;
  }
  return clamps;
}

MonthSpend roadmap_spend(const Roadmap& roadmap, const RoadmapSchedule& schedule,
                         std::span<const double> base, int month) {
  MonthSpend spend;
  const int n = static_cast<int>(roadmap.initiatives.size());
  for (int j = 0; j < n; ++j) {
    const Initiative& in = roadmap.initiatives[j];
    if (in.capex_slot >= 0) spend.capex += base[in.capex_slot] * schedule.capex_share(j, month);
    if (in.opex_slot >= 0 && schedule.opex_active(j, month)) spend.opex += base[in.opex_slot];
  }
  return spend;
}

double sustaining_opex_at_horizon(const Roadmap& roadmap, int T, std::span<const double> base) {
  double total = 0.0;
  for (const Initiative& in : roadmap.initiatives) {
    const bool in_force = in.start_month <= T && (in.end_month == 0 || in.end_month >= T);
    // Unset (-1): the use's own opex, the contract's default.
    const int slot = in.sustaining_opex_slot >= 0 ? in.sustaining_opex_slot : in.opex_slot;
    if (in_force && slot >= 0) total += base[slot];
  }
  return total;
}

}  // namespace cxsim
