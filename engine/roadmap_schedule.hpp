// The roadmap compiler: when each initiative's effects act and how strongly (ramps slowed by
// the organisation's change capacity), what it spends each month, and this month's parameter
// vector with every effect applied in order (MODEL.md s.4).
#pragma once

#include <span>
#include <vector>

#include "engine/core/scenario.hpp"

namespace cxsim {

class RoadmapSchedule {
 public:
  RoadmapSchedule(const Roadmap& roadmap, int horizon_months, int change_capacity);

  // frac of initiative j in month t (0 outside its active months).
  double strength(int j, int month) const { return strength_[index(j, month)]; }
  bool effects_active(int j, int month) const;
  // Share of the initiative's total capex spent in month t.
  double capex_share(int j, int month) const;
  bool opex_active(int j, int month) const { return effects_active(j, month); }
  int initiatives() const { return static_cast<int>(initiatives_.size()); }

 private:
  std::size_t index(int j, int month) const {
    return static_cast<std::size_t>(j) * horizon_ + (month - 1);
  }
  std::vector<Initiative> initiatives_;
  int horizon_;
  std::vector<double> strength_;  // [initiative][month]
};

struct MonthSpend {
  double capex = 0.0;
  double opex = 0.0;
};

// Builds month t's parameter vector into `out` from the replication's draw `base`; then the
// failure rate of every touchpoint in `failure_free` (indices into the scenario's touchpoints) is
// set to 0, after the roadmap's effects: none for the roadmap itself, all of them for the
// zero-defect counterfactual, one for a per-touchpoint twin. Returns how many values were clamped.
int roadmap_month_vector(const Scenario& scenario, const Roadmap& roadmap,
                         const RoadmapSchedule& schedule, std::span<const double> base, int month,
                         std::span<const int> failure_free, std::vector<double>& out);

// The same with `zero_defect`: every touchpoint failure-free (true) or none (false).
int roadmap_month_vector(const Scenario& scenario, const Roadmap& roadmap,
                         const RoadmapSchedule& schedule, std::span<const double> base, int month,
                         bool zero_defect, std::vector<double>& out);

// Every touchpoint of the scenario, 0..K-1: the zero-defect counterfactual's `failure_free`.
std::vector<int> all_touchpoints(const Scenario& scenario);

// The roadmap's initiative spend in month t (absolute money, not agent-weighted).
MonthSpend roadmap_spend(const Roadmap& roadmap, const RoadmapSchedule& schedule,
                         std::span<const double> base, int month);

// O_T of MODEL.md s.3: the sum of sustaining_opex_per_month over the roadmap's initiatives in
// force at the horizon (started by it, and not ended before it).
double sustaining_opex_at_horizon(const Roadmap& roadmap, int horizon_months,
                                  std::span<const double> base);

}  // namespace cxsim
