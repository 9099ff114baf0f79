// `cxsim summary` on an attribution file: the roadmap's value, each initiative's mean Shapley share
// with its 95% interval and its part of the total, sorted, and the efficiency check (the shares
// add up to the roadmap's value in every replication). At most 100 columns.
#pragma once

#include <filesystem>
#include <string>

namespace cxsim {

std::string format_attribution_summary(const std::filesystem::path& path);

}  // namespace cxsim
