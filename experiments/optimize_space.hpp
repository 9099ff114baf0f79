// The search space of `cxsim optimize`: what each (initiative, start month) spends, the plans
// that meet the constraints (enumerated, the empty plan first), and the scenario documents whose
// roadmaps are the baseline and a list of plans.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/scenario_loader.hpp"
#include "config/yaml_tree.hpp"
#include "experiments/optimize_spec.hpp"

namespace cxsim {

// Whether the plan's spending meets the constraints; its total capex in `capex_total`.
bool meets_constraints(const std::vector<PlannedStart>& plan,
                       const std::vector<InitiativeSpend>& spend, const PlanConstraints& limits,
                       double& capex_total);

struct Enumeration {
  std::vector<Plan> plans;  // feasible, the empty plan first; at most `max_plans`
  bool too_many = false;    // more feasible plans than max_plans (the list is then cut)
  double all_plans = 0.0;   // prod over initiatives of (1 + allowed starts)
};

// How many feasible plans there are, counting up to `cap` (then returns cap).
double count_feasible_plans(const std::vector<std::vector<int>>& starts,
                            const std::vector<InitiativeSpend>& spend,
                            const PlanConstraints& limits, double cap);

// A plan of these starts (any order), in roadmap order, its capex_total the exact sum.
Plan make_plan(const std::vector<PlannedStart>& chosen, const std::vector<InitiativeSpend>& spend);

// Every subset x start month choice of the initiatives (starts[i]: the allowed start months of
// initiative i, ascending) that meets the constraints, depth first over the initiatives in
// block order, leaving each out before its starts.
Enumeration enumerate_plans(const std::vector<std::vector<int>>& starts,
                            const std::vector<InitiativeSpend>& spend,
                            const PlanConstraints& limits, std::size_t max_plans);

// A roadmap item {name, initiatives: [{use, start_month}, ...]} of a plan (no initiatives key
// for the empty plan), every node at `loc`.
YamlTree plan_roadmap(const std::string& name, const OptimizeBlock& block, const Plan& plan,
                      const SourceLoc& loc);

// The same as one line of flow YAML, which pastes into a scenario's roadmaps.
std::string plan_yaml(const std::string& name, const OptimizeBlock& block, const Plan& plan);

// The plan as "billing_fix@1 + digital_app@13", or "(no initiative)".
std::string plan_label(const OptimizeBlock& block, const Plan& plan);

// The scenario's baseline roadmap item (named baseline, else the first listed; {name: baseline}
// when the file lists none).
YamlTree baseline_roadmap(const ScenarioSource& source);

// A copy of the source whose roadmaps are the baseline, then `roadmaps`.
ScenarioSource with_roadmaps(const ScenarioSource& source, std::vector<YamlTree> roadmaps);

// A roadmap name of the form <prefix><n> that no roadmap of the scenario uses: prefix, with
// underscores added until it differs from the baseline's name's start.
std::string unused_prefix(const ScenarioSource& source, std::string prefix);

}  // namespace cxsim
