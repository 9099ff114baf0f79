// Shared steps of the single-process and MPI runs.
#include "cli/run_steps.hpp"

#include <fmt/format.h>

#include "engine/scenario_loader.hpp"

namespace cxsim::cli {

Scenario load_run_scenario(const RunArguments& args) {
  LoadOptions load;
  load.overrides = args.overrides;
  if (args.replications) {
    load.overrides.push_back(fmt::format("replications={}", *args.replications));
  }
  if (args.seed) load.overrides.push_back(fmt::format("seed={}", *args.seed));
  if (args.avoidable_cost) load.overrides.push_back("analysis.zero_defect_counterfactual=true");
  return load_scenario(args.scenario, load);
}

std::filesystem::path run_output_path(const RunArguments& args, const Scenario& scenario) {
  return args.output.empty() ? std::filesystem::path(scenario.name + ".h5")
                             : std::filesystem::path(args.output);
}

std::vector<std::int64_t> replications_to_run(const Scenario& scenario,
                                              const ResultsWriter& writer) {
  std::vector<std::int64_t> todo;
  for (std::int64_t r = 0; r < scenario.replications; ++r) {
    if (!writer.done()[static_cast<std::size_t>(r)]) todo.push_back(r);
  }
  return todo;
}

int finish_run(std::unique_ptr<ResultsWriter>& writer, const std::filesystem::path& output,
               bool quiet) {
  writer->finish();
  writer.reset();
  if (!quiet) {
    fmt::print(stderr, "wrote {}\n", output.string());
    summary_command(output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
