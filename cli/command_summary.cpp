// `cxsim summary FILE`: the roadmap table of a results file, complete or interrupted.
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>

#include <iostream>

#include "cli/commands.hpp"
#include "engine/core/errors.hpp"
#include "outputs/experiment_summary.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/results_doc.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/results_reader.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim::cli {

int summary_command(const std::string& file, const std::vector<std::string>& compare) {
  const std::filesystem::path path(file);
  const bool partial = path.extension() == ".partial";
  if (partial) {
    std::filesystem::path out = path;
    out.replace_extension();
    if (const auto pid = OutputLock::holder(out)) {
      throw IoError(fmt::format(
          "{}: another cxsim run is writing it{}; summarise it once that run has stopped", file,
          *pid > 0 ? fmt::format(" (pid {})", *pid) : std::string()));
    }
  }
  if (std::filesystem::exists(path)) {
    try {
      verify_results_file(path);
    } catch (const DamagedFile& e) {
      throw IoError(fmt::format("{}; its results cannot be trusted{}", e.what(),
                                partial ? " (start over with --force)" : " (run it again)"));
    }
  }
  return print_summary(file, compare);
}

int print_summary(const std::string& file, const std::vector<std::string>& compare) {
  if (is_experiment_file(file)) {
    if (!compare.empty()) {
      throw UsageError(
          fmt::format("--compare: {} is an experiment file (expected a results file "
                      "of cxsim run; experiment summaries list every roadmap)",
                      file));
    }
    std::cout << format_experiment_summary(file);
    return 0;
  }
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
