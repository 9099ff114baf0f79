// `cxsim summary FILE`: the roadmap table of a results file, complete or interrupted.
#include <fmt/format.h>

#include <algorithm>

#include <iostream>

#include "cli/commands.hpp"
#include "outputs/results_doc.hpp"
#include "outputs/results_reader.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim::cli {

int summary_command(const std::string& file) {
  const ResultsSummary results = read_results_summary(file);
  if (!results.complete) {
    const auto written = std::count(results.done.begin(), results.done.end(), true);
    fmt::print("{}: incomplete run, {} of {} replications written (finish it with --resume)\n",
               file, written, results.replications);
  }
  std::cout << format_summary_table(make_summary_table(results));
  return 0;
}

int results_doc_command() {
  std::cout << results_markdown();
  return 0;
}

}  // namespace cxsim::cli
