// The subcommands of the cxsim executable; each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cxsim::cli {

struct RunArguments {
  std::string scenario;
  std::string output;         // unless output_given: <scenario name>.h5
  bool output_given = false;  // -o was given (an empty -o is refused, never the default)
  std::optional<std::int64_t> replications;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::vector<std::string> overrides;
  bool force = false;
  bool resume = false;
  bool quiet = false;
  bool avoidable_cost = false;
  bool independent_streams = false;
  std::string command_line;
};

int run_command(const RunArguments& args);

// `cxsim sweep FILE` and `cxsim sensitivity FILE` (EXPERIMENTS.md): the run options, with the
// experiment file in place of the scenario.
struct ExperimentArguments {
  std::string command;  // sweep | sensitivity | attribute
  std::string file;
  std::string output;  // unless output_given: <experiment file stem>.h5
  bool output_given = false;
  std::optional<std::int64_t> replications;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::vector<std::string> overrides;
  bool force = false;
  bool resume = false;
  bool quiet = false;
  std::string command_line;
};
int experiment_command(const ExperimentArguments& args);
// `cxsim attribute FILE`: Shapley shares of a roadmap's value among its initiatives.
int attribute_command(const ExperimentArguments& args);
// `cxsim optimize FILE`: the same options; the best roadmap under the block's constraints.
int optimize_command(const ExperimentArguments& args);
// `cxsim calibrate FILE`: ABC-SMC of the block's parameters against an observed history.
int calibrate_command(const ExperimentArguments& args);
int validate_command(const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides);
int describe_command(const std::string& file, const std::vector<std::string>& overrides);
int schema_command();
int parameters_command();
// The summary of a results file; with `compare` = {A, B}, roadmap A against B instead. Refuses
// (IoError) a file that does not read back whole or whose values are not those written, and a
// .partial that a running cxsim is writing.
int summary_command(const std::string& file, const std::vector<std::string>& compare = {});
// The same without those checks, for a file its writer has just checked.
int print_summary(const std::string& file, const std::vector<std::string>& compare = {});
int results_doc_command();

struct ExportArguments {
  std::string file;  // the results file
  std::string xlsx;  // workbook to write; empty: none
  std::string csv;   // directory of tidy CSV files; empty: none
  bool force = false;
  bool quiet = false;
};
int export_command(const ExportArguments& args);

struct ReportArguments {
  std::string file;
  std::string output;  // empty: FILE with .html
  std::string python;  // empty: /usr/bin/python3
  bool force = false;
  bool quiet = false;
};
int report_command(const ReportArguments& args);

}  // namespace cxsim::cli
