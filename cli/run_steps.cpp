// Shared steps of the single-process and MPI runs.
#include "cli/run_steps.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <string_view>

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

namespace {

// --replications N, or --set replications=N: a replication count asked for on the command line.
bool replications_given(const RunArguments& args) {
  if (args.replications) return true;
  for (const std::string& o : args.overrides) {
    const std::string_view path = std::string_view(o).substr(0, o.find('='));
    const std::size_t first = path.find_first_not_of(' ');
    const std::size_t last = path.find_last_not_of(' ');
    if (first != std::string_view::npos && path.substr(first, last - first + 1) == "replications") {
      return true;
    }
  }
  return false;
}

}  // namespace

std::unique_ptr<ResultsWriter> open_run_writer(const RunArguments& args, const Scenario& scenario,
                                               const std::filesystem::path& output) {
  const RunProvenance provenance = run_provenance(args);
  if (!args.resume) {
    return ResultsWriter::create(output, scenario, provenance, args.force, writer_options());
  }
  ResolvedWithReplications resolved;
  if (replications_given(args)) {
    // The same files and options with the file's replication count, loaded the same way: what
    // the complete file's scenario_sha256 must match for it to be extended.
    resolved = [&args](std::int64_t replications) {
      RunArguments as_written = args;
      as_written.replications = replications;
      return load_run_scenario(as_written).resolved_yaml;
    };
  }
  return ResultsWriter::resume(output, scenario, provenance, writer_options(), resolved);
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
