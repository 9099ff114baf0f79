// `cxsim summary` on an optimize file: the best roadmap, the runners-up with their paired
// differences and intervals, why the others were dropped, the probability of correct selection,
// the replications spent against equal allocation, the frontier, and the roadmap to paste.
#pragma once

#include <filesystem>
#include <string>

namespace cxsim {

std::string format_optimize_summary(const std::filesystem::path& path);

}  // namespace cxsim
