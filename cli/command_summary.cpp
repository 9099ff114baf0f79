// `cxsim summary FILE`: the roadmap table of a results file, complete or interrupted.
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>

#include <iostream>

#include "cli/commands.hpp"
#include "engine/core/errors.hpp"
#include "outputs/results_doc.hpp"
#include "outputs/results_reader.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim::cli {

int summary_command(const std::string& file, const std::vector<std::string>& compare) {
  const ResultsSummary results = read_results_summary(file);
  if (!results.complete) {
    const auto written = std::count(results.done.begin(), results.done.end(), true);
    fmt::print("{}: incomplete run, {} of {} replications written (finish it with --resume)\n",
               file, written, results.replications);
  }
  const SummaryTable table = make_summary_table(results);
  if (compare.empty()) {
    std::cout << format_summary_table(table);
    return 0;
  }
  std::vector<int> index;
  for (const std::string& name : compare) {
    const auto it = std::find(results.roadmaps.begin(), results.roadmaps.end(), name);
    if (it == results.roadmaps.end()) {
      throw UsageError(fmt::format("--compare: no roadmap '{}' in {} (expected one of: {})", name,
                                   file, fmt::join(results.roadmaps, ", ")));
    }
    index.push_back(static_cast<int>(it - results.roadmaps.begin()));
  }
  std::cout << format_comparison(table, index[0], index[1]);
  return 0;
}

int results_doc_command() {
  std::cout << results_markdown();
  return 0;
}

}  // namespace cxsim::cli
