// docs/results.md, generated from the metric tables so the reference never drifts from the code.
#pragma once

#include <string>

namespace cxsim {

std::string results_markdown();

}  // namespace cxsim
