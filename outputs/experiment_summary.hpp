// `cxsim summary` on an experiment file: the best points of a sweep with paired differences
// against the base scenario, or the sensitivity indices sorted, with their intervals and a text
// tornado. At most 100 columns.
#pragma once

#include <filesystem>
#include <string>

namespace cxsim {

// Whether the file's root says experiment = sweep | sensitivity | ...
bool is_experiment_file(const std::filesystem::path& path);

std::string format_experiment_summary(const std::filesystem::path& path);

}  // namespace cxsim
