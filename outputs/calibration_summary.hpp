// `cxsim summary` on a calibration file: per parameter the posterior mean and 90% interval
// against the prior's 90% interval, with the width ratio and "not identified" when the posterior
// keeps more than kNotIdentifiedRatio of the prior's width; the epsilon / ESS / acceptance trace;
// and a text posterior predictive check: each observed month against the 5-95% band of
// simulations at the posterior's particles, months outside marked.
#pragma once

#include <filesystem>
#include <string>

namespace cxsim {

// A posterior 90% interval wider than this fraction of the prior's: the data did not identify
// the parameter.
inline constexpr double kNotIdentifiedRatio = 0.8;

std::string format_calibration_summary(const std::filesystem::path& path);

}  // namespace cxsim
