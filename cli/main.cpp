// Entry point of the cxsim executable: parses the command line and maps errors to exit codes
// (2 for bad input, 1 for everything else).
#include <fmt/format.h>
#include <hdf5.h>
#include <CLI/CLI.hpp>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <charconv>
#include <cstdint>
#include <exception>
#include <iostream>
#include <limits>

#include "cli/commands.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/parameters.hpp"
#include "engine/core/printable.hpp"
#include "engine/core/version.hpp"

namespace {

std::string joined_command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out += ' ';
    out += argv[i];
  }
  return out;
}

constexpr const char* kSetHelp =
    "Override a scenario value: path=value, value required (repeatable; * in a path matches "
    "every segment, touchpoint or other list item: 'segments.*.revenue.price=50')";

// Integer options are checked as text, so that a bad value gets the allowed values in words
// (CLI11's range checks print the bounds as doubles, and read -1 as 2^64 - 1 for an unsigned).
template <class T>
CLI::Validator integer_option(T min, const std::string& allowed,
                              T max = std::numeric_limits<T>::max()) {
  return CLI::Validator(
      [min, max, allowed](std::string& text) -> std::string {
        T value{};
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc{} || ptr != end || text.empty() || value < min || value > max) {
          return fmt::format("must be {} (got {})", allowed,
                             text.empty() ? std::string("nothing") : text);
        }
        return {};
      },
      "");
}

// glibc serves blocks above 128 KiB with fresh mmaps and returns freed memory to the kernel, and
// raises those thresholds only as big blocks are freed. A run allocates the same few megabytes
// again for every replication (the network, the population arrays, zlib's state per chunk,
// HDF5's buffers), so each came back as page faults. These are the ceilings glibc's own
// adaptation would reach (32 MiB, twice that kept), set from the start; blocks above 32 MiB
// (10 million agents) are still mapped and unmapped. A 4-replication run of bench/peer.yaml at
// 1 million agents: 15 700 page faults instead of 23 000, peak memory 160 MB instead of 152.
void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

// At exit HDF5 frees everything it holds (H5_term_library: its free lists, property lists,
// identifier tables) and closes the files still open. cxsim closes every file it opens, through
// handles whose destructors run before main returns, also when an error ends a command; what
// is left is memory, which the kernel takes back anyway. After a results file's read back has
// forked, every page that cleanup writes is a page fault: about 800 of them, 4 ms of a
// 4-replication run at 100 000 agents. Under AddressSanitizer the cleanup runs, so that its leak
// check sees HDF5's memory given back.
void leave_hdf5_memory_to_the_kernel_at_exit() {
#if !defined(__SANITIZE_ADDRESS__)
  H5dont_atexit();  // must come before any other HDF5 call
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cxsim;
  leave_hdf5_memory_to_the_kernel_at_exit();
  keep_freed_memory_for_reuse();
  CLI::App app{"cxsim: agent-based Monte Carlo simulation of customer-experience roadmaps"};
  app.set_version_flag("--version", fmt::format("cxsim {} (commit {})", kVersion, kGitCommit));
  app.require_subcommand(1);

  cli::RunArguments run;
  run.command_line = joined_command_line(argc, argv);
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write results to HDF5");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file")->required();
  run_cmd->add_option("-o,--output", run.output, "Results file (default: <scenario name>.h5)");
  run_cmd
      ->add_option("--replications", run.replications,
                   "Number of replications (overrides the scenario's)")
      ->type_name("INT in [1, 1e7]")
      ->check(integer_option<std::int64_t>(1, "an integer from 1 to 10000000",
                                           static_cast<std::int64_t>(kMaxReplications)));
  run_cmd->add_option("--seed", run.seed, "Random seed, unsigned 64-bit (overrides the scenario's)")
      ->type_name("UINT64")
      ->check(
          integer_option<std::uint64_t>(0, fmt::format("an unsigned 64-bit integer, 0 to {}",
                                                       std::numeric_limits<std::uint64_t>::max())));
  run_cmd
      ->add_option("--threads", run.threads,
                   "Worker threads (default 0: every core; results are the same at any count)")
      ->type_name("INT>=0")
      ->check(integer_option<int>(0, "an integer >= 0, 0 meaning every core"));
  run_cmd->add_option("--set", run.overrides, kSetHelp);
  run_cmd->add_flag("--force", run.force, "Overwrite an existing results file");
  run_cmd->add_flag("--resume", run.resume,
                    "Finish an interrupted run from <output>.partial, with the same scenario and "
                    "options (an interrupted run prints the command); or, with --replications "
                    "larger than a complete <output> holds, extend it with the same scenario and "
                    "options (its replications are kept bit for bit, and it stays in place until "
                    "the extended file replaces it)");
  run_cmd->add_flag("-q,--quiet", run.quiet, "Print nothing but errors");
  run_cmd->add_flag("--avoidable-cost", run.avoidable_cost,
                    "Also run the zero-defect counterfactual (total avoidable cost; by "
                    "touchpoint: --set analysis.avoidable_cost_by_touchpoint=true)");
  run_cmd->add_flag("--independent-streams", run.independent_streams,
                    "Give each roadmap its own random numbers (for measuring what common random "
                    "numbers buy; not for decisions)");

  // sweep, sensitivity and attribute share the run options (EXPERIMENTS.md).
  cli::ExperimentArguments experiment;
  experiment.command_line = run.command_line;
  auto add_experiment = [&](const char* name, const char* help) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("file", experiment.file, "Experiment YAML file")->required();
    cmd->add_option("-o,--output", experiment.output,
                    "Results file (default: <experiment file name>.h5)");
    cmd->add_option("--replications", experiment.replications,
                    "Replications per point (overrides the experiment's and the scenario's)")
        ->type_name("INT in [1, 1e7]")
        ->check(integer_option<std::int64_t>(1, "an integer from 1 to 10000000",
                                             static_cast<std::int64_t>(kMaxReplications)));
    cmd->add_option("--seed", experiment.seed,
                    "Random seed, unsigned 64-bit (overrides the experiment's and the scenario's)")
        ->type_name("UINT64")
        ->check(integer_option<std::uint64_t>(
            0, fmt::format("an unsigned 64-bit integer, 0 to {}",
                           std::numeric_limits<std::uint64_t>::max())));
    cmd->add_option("--threads", experiment.threads,
                    "Worker threads (default 0: every core; results are the same at any count)")
        ->type_name("INT>=0")
        ->check(integer_option<int>(0, "an integer >= 0, 0 meaning every core"));
    cmd->add_option("--set", experiment.overrides,
                    "Override a value of the base scenario, after the file's set: (repeatable)");
    cmd->add_flag("--force", experiment.force, "Overwrite an existing results file");
    cmd->add_flag("--resume", experiment.resume,
                  "Finish an interrupted experiment from <output>.partial (an interrupted "
                  "experiment prints the command)");
    cmd->add_flag("-q,--quiet", experiment.quiet, "Print nothing but errors");
    return cmd;
  };
  auto* sweep_cmd = add_experiment(
      "sweep",
      "Run a scenario over a design of factor values (grid, list, lhs, sobol), every point on "
      "the same random numbers; paired differences against the base scenario");
  auto* sensitivity_cmd = add_experiment(
      "sensitivity",
      "Global sensitivity of each output to each factor: Sobol S1/ST, Morris mu*, or a tornado, "
      "with 95% bootstrap intervals");
  auto* attribute_cmd = add_experiment(
      "attribute",
      "Share a roadmap's value among its initiatives: Shapley values over its sub-roadmaps "
      "(exact up to 10 initiatives, else sampled orders), per replication on common random "
      "numbers, with 95% intervals");
  auto* optimize_cmd = add_experiment(
      "optimize",
      "Choose the best roadmap (which initiatives, starting when) within the capex budget, per "
      "year and opex limits: every feasible plan raced by KN on common random numbers, with its "
      "probability of correct selection");

  auto* calibrate_cmd = add_experiment(
      "calibrate",
      "Fit uncertain parameters to an observed monthly history (CSV: month, then timeseries "
      "names) by ABC-SMC: independent simulations of one roadmap, adaptive epsilon, budget and "
      "acceptance-rate stops; writes the posterior particles, the epsilon/ESS trace, a posterior "
      "predictive check, and <output>.yaml, a scenario overlay that draws the parameters from "
      "the posterior");

  std::vector<std::string> validate_files;
  std::vector<std::string> overrides;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenario files; report every error");
  validate_cmd->add_option("files", validate_files, "Scenario YAML files")->required();
  validate_cmd->add_option("--set", overrides, kSetHelp);

  std::string describe_file;
  auto* describe_cmd =
      app.add_subcommand("describe", "Print the resolved scenario as YAML, with a summary");
  describe_cmd->add_option("file", describe_file, "Scenario YAML file")->required();
  describe_cmd->add_option("--set", overrides, kSetHelp);

  auto* schema_cmd = app.add_subcommand("schema", "Print the JSON Schema of scenario files");
  auto* parameters_cmd =
      app.add_subcommand("parameters", "Print the parameter reference (docs/parameters.md)");

  auto* results_doc_cmd =
      app.add_subcommand("results-doc", "Print the results-file reference (docs/results.md)");

  std::string summary_file;
  auto* summary_cmd = app.add_subcommand(
      "summary",
      "Print the roadmap table of a results file, or the summary of an experiment file (top "
      "points, sensitivity indices)");
  summary_cmd->add_option("file", summary_file, "Results file (.h5)")->required();
  std::vector<std::string> compare;
  summary_cmd
      ->add_option("--compare", compare,
                   "Compare two roadmaps A B head to head, paired replication by replication")
      ->expected(2);

  cli::ExportArguments export_args;
  auto* export_cmd = app.add_subcommand(
      "export",
      "Write the finance tables of a complete results file, or the tables of a complete "
      "experiment file (sweep, sensitivity, optimize, attribute), as an Excel workbook and/or "
      "tidy CSV files (docs/finance-outputs.md)");
  export_cmd
      ->add_option("file", export_args.file,
                   "Results file (.h5) of run, sweep, sensitivity, optimize or attribute")
      ->required();
  export_cmd->add_option("--xlsx", export_args.xlsx,
                         "Workbook to write: Summary (with charts), Decision, Robustness, Cash "
                         "flow by year, Cumulative delta cash, Avoidable cost, Per replication, "
                         "Assumptions, Provenance (a sweep or sensitivity file: Design, Points, "
                         "Paired difference, Sensitivity, Provenance; optimize: Choice, Frontier, "
                         "Candidates, Provenance; attribute: Shares, Shapley by replication, "
                         "Coalitions, Provenance); numbers exactly as in the file");
  export_cmd->add_option("--csv", export_args.csv,
                         "Directory for the same tables as tidy CSV, one long-format file per "
                         "table (created if missing)");
  export_cmd->add_flag("--force", export_args.force, "Overwrite existing output files");
  export_cmd->add_flag("-q,--quiet", export_args.quiet, "Print nothing but errors");

  cli::ReportArguments report_args;
  auto* report_cmd = app.add_subcommand(
      "report",
      "Write a self-contained HTML report of a complete results file for strategy and finance "
      "readers: the decision, cumulative delta cash, NPV, payback, avoidable cost, assumptions "
      "and provenance; of a sweep or sensitivity file: what the answer hinges on, its charts, "
      "the design and provenance (charts drawn by matplotlib; no network needed to view it)");
  report_cmd->add_option("file", report_args.file, "Results or experiment file (.h5)")->required();
  report_cmd->add_option("-o,--output", report_args.output, "HTML file (default: FILE with .html)");
  report_cmd->add_option(
      "--python", report_args.python,
      "Python 3 with matplotlib that draws the charts (default /usr/bin/python3)");
  report_cmd->add_flag("--force", report_args.force, "Overwrite an existing HTML file");
  report_cmd->add_flag("-q,--quiet", report_args.quiet, "Print nothing but errors");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  run.output_given = run_cmd->count("--output") > 0;
  try {
    if (*run_cmd) return cli::run_command(run);
    if (*sweep_cmd || *sensitivity_cmd) {
      experiment.command = *sweep_cmd ? "sweep" : "sensitivity";
      experiment.output_given = (*sweep_cmd ? sweep_cmd : sensitivity_cmd)->count("--output") > 0;
      return cli::experiment_command(experiment);
    }
    if (*attribute_cmd) {
      experiment.command = "attribute";
      experiment.output_given = attribute_cmd->count("--output") > 0;
      return cli::attribute_command(experiment);
    }
    if (*optimize_cmd) {
      experiment.command = "optimize";
      experiment.output_given = optimize_cmd->count("--output") > 0;
      return cli::optimize_command(experiment);
    }
    if (*calibrate_cmd) {
      experiment.command = "calibrate";
      experiment.output_given = calibrate_cmd->count("--output") > 0;
      return cli::calibrate_command(experiment);
    }
    if (*validate_cmd) return cli::validate_command(validate_files, overrides);
    if (*describe_cmd) return cli::describe_command(describe_file, overrides);
    if (*schema_cmd) return cli::schema_command();
    if (*parameters_cmd) return cli::parameters_command();
    if (*results_doc_cmd) return cli::results_doc_command();
    if (*summary_cmd) return cli::summary_command(summary_file, compare);
    if (*export_cmd) return cli::export_command(export_args);
    if (*report_cmd) return cli::report_command(report_args);
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << '\n';
    const auto n = e.diagnostics().size();
    std::cerr << fmt::format("{} error{} found\n", n, n == 1 ? "" : "s");
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "cxsim: " << printable(e.what()) << '\n';
    return 2;
  } catch (const std::exception& e) {
    // A file name or a value in the message may hold control characters: shown escaped.
    std::cerr << "cxsim: " << printable(e.what()) << '\n';
    return 1;
  }
  return 0;
}
