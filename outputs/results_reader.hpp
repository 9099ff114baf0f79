// Reads the /summary part of a results file back (for `cxsim summary FILE` and tests).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cxsim {

struct ResultsSummary {
  std::filesystem::path file;
  std::string format_version;
  bool complete = false;
  std::string scenario_name;
  std::string scenario_sha256;
  std::string currency;        // "" when the scenario named none
  std::string terminal_value;  // the scenario's choice; "" in format 1.0 files
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  int horizon_months = 0;
  std::vector<std::string> roadmaps;
  int baseline = 0;                         // index into roadmaps
  std::vector<bool> done;                   // per replication: written (all true when complete)
  std::vector<std::string> metrics;         // /summary dataset names, in file order
  std::vector<std::vector<double>> values;  // per metric: [roadmap * replications + replication]

  // Index into metrics, if the file has that metric.
  std::optional<std::size_t> metric_index(std::string_view name) const;
  // NaN when the metric is not in the file.
  double value(std::string_view metric, int roadmap, std::int64_t replication) const;
};

// Reads a results file (complete or <out>.partial). IoError when it cannot be read, is not a
// cxsim results file, or has a format_version whose major this build does not know.
ResultsSummary read_results_summary(const std::filesystem::path& file);

}  // namespace cxsim
