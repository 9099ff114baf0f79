// Scenario commands: validate, describe, schema, parameters.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "config/scenario_describe.hpp"
#include "config/scenario_loader.hpp"
#include "config/scenario_schema.hpp"
#include "engine/core/errors.hpp"

namespace cxsim::cli {

int validate_command(const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides) {
  int failed = 0;
  std::size_t errors = 0;
  for (const std::string& file : files) {
    try {
      const Scenario s = load_scenario(file, LoadOptions{overrides});
      fmt::print("{}: ok ({} segments, {} touchpoints, {} roadmaps, {} months)\n", file,
                 s.segments.size(), s.touchpoints.size(), s.roadmaps.size(), s.horizon_months);
    } catch (const ScenarioError& e) {
      std::cerr << e.what() << '\n';
      errors += e.diagnostics().size();
      ++failed;
    }
  }
  if (failed > 0) {
    fmt::print(stderr, "{} error{} in {} of {} file{}\n", errors, errors == 1 ? "" : "s", failed,
               files.size(), files.size() == 1 ? "" : "s");
    return 2;
  }
  return 0;
}

int describe_command(const std::string& file, const std::vector<std::string>& overrides) {
  const Scenario s = load_scenario(file, LoadOptions{overrides});
  std::cout << describe_scenario(s);
  return 0;
}

int schema_command() {
  std::cout << scenario_json_schema();
  return 0;
}

int parameters_command() {
  std::cout << parameters_markdown();
  return 0;
}

}  // namespace cxsim::cli
