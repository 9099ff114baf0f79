// Factor paths against slot paths, component by component.
#include "experiments/factor_paths.hpp"

#include "config/scenario_keys.hpp"

namespace cxsim {

namespace {

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != "*" && pattern[i] != path[i]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> expand_factor_path(const Scenario& scenario, const std::string& pattern) {
  const std::vector<std::string> want = split_path(pattern);
  std::vector<std::string> out;
  for (const Slot& slot : scenario.slots) {
    if (matches(want, split_path(slot.path))) out.push_back(slot.path);
  }
  return out;
}

std::optional<int> find_factor_slot(const Scenario& scenario, const std::string& path) {
  for (std::size_t i = 0; i < scenario.slots.size(); ++i) {
    if (scenario.slots[i].path == path) return static_cast<int>(i);
  }
  return std::nullopt;
}

}  // namespace cxsim
