// The resolved scenario as YAML (every value used, defaults included) that loads back to an equal
// Scenario, preceded by a human summary in # comments: what `cxsim describe` prints.
#pragma once

#include <string>

#include "engine/core/scenario.hpp"

namespace cxsim {

std::string describe_scenario(const Scenario& scenario);

}  // namespace cxsim
