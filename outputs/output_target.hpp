// What `-o` may name: checked before anything is run or written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cxsim {

// UsageError unless `out` can receive a results file: not empty, not a folder, in an existing
// writable folder, and neither `out` nor `<out>.partial` (nor its lock) is anything but a
// regular file or absent, nor the same file as one of `inputs` (the scenario and its bases).
void check_output_target(const std::filesystem::path& out, const std::vector<std::string>& inputs);

}  // namespace cxsim
