// The names of a scenario's uncertain numbers (EXPERIMENTS.md): every slot's path, the names of
// numbers that have no key of their own, and `<path>.<kind>.<index>` for one parameter of a
// written distribution. Factors, priors, --set and the /parameters/<path> datasets of results
// files all use these names.
//
//   a model parameter          its YAML path: segments.consumer.revenue.price,
//                              touchpoints.billing.contacts_per_month.consumer, churn.satisfaction
//   an initiative's number     initiatives.<initiative>.capex | opex_per_month |
//                              sustaining_opex_per_month (capex also when written {total, months})
//   an effect's value          initiatives.<initiative>.effects.<target>, the target as written
//                              (`*` kept), with #2, #3 for the second, third effect on the same
//                              target in one initiative: ...effects.touchpoints.app.failure_rate#2
//   a roadmap's override       roadmaps.<roadmap>.<initiative>.capex | opex_per_month |
//                              sustaining_opex_per_month (an initiative is used once per roadmap)
//   a distribution parameter   <path>.<kind>.<index>, kind normal | lognormal | uniform |
//                              triangular | beta, index 0-based: <path> is any key written as that
//                              kind, heterogeneity included
//                              (segments.regular.heterogeneity.baseline_churn_monthly.beta.1)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/distribution.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

// The slot path of an initiative's effect value; `occurrence` counts the initiative's effects on
// the same target (as written) from 1, and adds "#<occurrence>" from the second on.
std::string effect_slot_path(std::string_view initiative, std::string_view target, int occurrence);

// The slot path of a roadmap entry's override of one of its initiative's keys
// (capex, opex_per_month, sustaining_opex_per_month).
std::string roadmap_override_path(std::string_view roadmap, std::string_view initiative,
                                  std::string_view key);

// The key of a segment's per-agent churn distribution, which has no slot of its own.
std::string heterogeneity_path(std::string_view segment);

// One parameter of a written distribution, named `<path>.<kind>.<index>`.
struct DistributionParameter {
  std::string path;  // the key whose value is written as the distribution
  DistributionKind kind = DistributionKind::constant;
  int index = 0;  // 0-based
};

// `path` split into <path>.<kind>.<index> when its last two components are a distribution kind
// (normal, lognormal, uniform, triangular, beta) and a 0-based index (digits); else nullopt.
std::optional<DistributionParameter> split_distribution_parameter(std::string_view path);

// How many parameters a distribution kind takes (0 for constant) and their names as the
// scenario format writes them ("[lo, mode, hi]").
int distribution_arity(DistributionKind kind);
std::string_view distribution_parameter_names(DistributionKind kind);

// The distribution kind named `name` ("beta"), or nullopt (constant is not a name).
std::optional<DistributionKind> distribution_kind_named(std::string_view name);

// The index of the slot whose path is exactly `path`, or nullopt.
std::optional<int> find_slot(const Scenario& scenario, std::string_view path);

// The paths a factor or --set pattern names, in slot order.
//  - `*` in the pattern matches exactly one dotted component of a slot path
//    (touchpoints.*.failure_rate, segments.*.adoption.innovation, initiatives.*.capex); a pattern
//    equal to a slot path names that slot alone, also when the slot's own path holds a `*`
//    (initiatives.closed_loop.effects.touchpoints.*.recovered_severity);
//  - a pattern without `*` names itself when it is a slot path;
//  - a pattern ending in `.<kind>.<index>` names `<p>.<kind>.<index>` for every path p its rest
//    matches (slot paths, and the heterogeneity key of each segment that has one, right after the
//    segment's baseline_churn_monthly) whose value is written as that kind, with the index within
//    the kind's parameters.
// Empty when nothing matches; pattern_mismatch() says why.
std::vector<std::string> expand_parameter_pattern(const Scenario& scenario,
                                                  const std::string& pattern);

// "" when `pattern` names something (see expand_parameter_pattern), else what is wrong in the
// format's style: "names no parameter (got 'x' (did you mean 'y'?); expected ...)", a kind
// mismatch ("got {triangular: [0.4, 0.55, 0.8]} at ...; expected ..."), or an index out of range.
std::string pattern_mismatch(const Scenario& scenario, const std::string& pattern);

}  // namespace cxsim
