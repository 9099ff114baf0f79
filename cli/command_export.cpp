// `cxsim export FILE --xlsx OUT.xlsx --csv DIR` and `cxsim report FILE -o OUT.html`: the finance
// tables of a complete results file as a workbook, tidy CSV files or a self-contained HTML report;
// both also take an experiment file (sweep, sensitivity, optimize, attribute) and render its
// tables.
#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.hpp"
#include "engine/core/errors.hpp"
#include "outputs/experiment_summary.hpp"
#include "reports/experiment_tables.hpp"
#include "reports/exporters.hpp"
#include "reports/finance_tables.hpp"
#include "reports/results_file.hpp"

namespace cxsim::cli {

namespace {

namespace fs = std::filesystem;

// Refuses to write over the results file itself, over a directory, or over an existing file
// without --force.
void check_output(const fs::path& results, const fs::path& out, bool force, const char* option) {
  std::error_code ec;
  if (fs::exists(out) && fs::equivalent(results, out, ec)) {
    throw UsageError(
        fmt::format("{} {}: that is the results file being read", option, out.string()));
  }
  if (fs::exists(out) && !fs::is_regular_file(out)) {
    throw UsageError(fmt::format("{} {}: exists and is not a regular file", option, out.string()));
  }
  if (fs::exists(out) && !force) {
    throw UsageError(
        fmt::format("{} {}: exists (use --force to overwrite it)", option, out.string()));
  }
}

}  // namespace

int export_command(const ExportArguments& args) {
  if (args.xlsx.empty() && args.csv.empty()) {
    throw UsageError("export: say what to write: --xlsx OUT.xlsx and/or --csv DIR");
  }
  if (!args.xlsx.empty()) check_output(args.file, args.xlsx, args.force, "--xlsx");
  const reports::FinanceTables tables = reports::read_results_tables(args.file);
  if (!args.csv.empty()) {
    for (const reports::Table& t : tables.tables) {
      check_output(args.file, fs::path(args.csv) / (t.id + ".csv"), args.force, "--csv");
    }
  }
  if (!args.xlsx.empty()) {
    reports::write_workbook(tables, args.xlsx);
    if (!args.quiet) fmt::print(stderr, "wrote {}\n", args.xlsx);
  }
  if (!args.csv.empty()) {
    const auto files = reports::write_csv_tables(tables, args.csv);
    if (!args.quiet) fmt::print(stderr, "wrote {} CSV files to {}\n", files.size(), args.csv);
  }
  return 0;
}

int report_command(const ReportArguments& args) {
  fs::path out = args.output;
  if (out.empty()) out = fs::path(args.file).replace_extension(".html");
  if (is_experiment_file(args.file)) {
    const std::string kind = reports::ResultsFile(args.file).string_attribute("", "experiment");
    if (kind != "sweep" && kind != "sensitivity" && kind != "optimize" && kind != "attribute") {
      throw UsageError(fmt::format(
          "report: {} is an experiment file of kind {}; the HTML report reads the files of cxsim "
          "run, sweep, sensitivity, optimize and attribute (cxsim summary {} prints its tables)",
          args.file, kind, args.file));
    }
  }
  check_output(args.file, out, args.force, "-o");
  const reports::FinanceTables tables = reports::read_results_tables(args.file);
  reports::ReportOptions options;
  if (!args.python.empty()) options.python = args.python;
  reports::write_html_report(tables, out, options);
  if (!args.quiet) fmt::print(stderr, "wrote {}\n", out.string());
  return 0;
}

}  // namespace cxsim::cli
