// Shared steps of the single-process and MPI runs.
#include "cli/run_steps.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "config/scenario_loader.hpp"

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
  // An empty -o stays empty, for the writer to refuse (never silently the default name).
  return args.output_given ? std::filesystem::path(args.output)
                           : std::filesystem::path(scenario.name + ".h5");
}

RunProvenance run_provenance(const RunArguments& args) {
  return RunProvenance{args.command_line, args.independent_streams};
}

WriterOptions writer_options() {
  WriterOptions options;
  // Test hook: make the results file's storage fail (outputs/storage_driver.hpp).
  if (const char* fault = std::getenv("CXSIM_STORAGE_FAULT"); fault && *fault) {
    options.faults = h5::StorageFaults::parse(fault);
  }
  return options;
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
    print_summary(output.string());  // finish() has read it back whole
  }
  return 0;
}

}  // namespace cxsim::cli
