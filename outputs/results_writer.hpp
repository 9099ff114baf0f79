// Streams replication results into the HDF5 results file of RESULTS.md (<out>.partial, renamed
// to <out> once complete), and resumes an interrupted run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"
#include "outputs/hdf5_handles.hpp"

namespace cxsim {

struct RunProvenance {
  std::string command_line;
};

// The format this writer produces; readers accept any 1.x.
inline constexpr const char* kResultsFormat = "cxsim-results";
inline constexpr const char* kResultsFormatVersion = "1.1";

// SHA-256 (lower-case hex) of text: the scenario_sha256 attribute of Scenario::resolved_yaml.
std::string sha256_hex(std::string_view text);

// "<out>.partial": where a run writes until it is complete.
std::filesystem::path partial_path(const std::filesystem::path& out);

class ResultsWriter {
 public:
  // Creates <out>.partial; refuses (IoError) when <out> exists and !force, or when <out>.partial
  // exists and !force (an interrupted run: resume it or start over with force).
  static std::unique_ptr<ResultsWriter> create(const std::filesystem::path& out, const Scenario& s,
                                               const RunProvenance& p, bool force);
  // Reopens <out>.partial of an interrupted run; IoError when it is missing or was written for
  // another scenario (scenario_sha256), seed or replication count.
  static std::unique_ptr<ResultsWriter> resume(const std::filesystem::path& out, const Scenario& s,
                                               const RunProvenance& p);

  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  // Closes the file, leaving <out>.partial with complete = 0 when finish() was not called.
  ~ResultsWriter();

  // Which replications are already in the file (by replication index).
  const std::vector<bool>& done() const { return done_; }
  const std::filesystem::path& partial() const { return partial_; }

  // Writes one replication (in any order) and flushes, so that an interrupt keeps it. Not
  // thread-safe: the caller serialises calls.
  void write(const ReplicationResult& r);

  // Computes /statistics from /summary, sets complete = 1, closes the file and renames
  // <out>.partial to <out>. IoError when a replication is missing.
  void finish();

 private:
  ResultsWriter(std::filesystem::path out, const Scenario& s);
  void open_datasets();
  void write_statistics(const std::vector<h5::Dataset>& summary, const std::string& group);
  // /robustness: the roadmaps ranked under every terminal-value choice (engine/decision.hpp).
  void write_robustness();
  // /summary_by_touchpoint for one replication, and /statistics_by_touchpoint at the end
  // (analysis.avoidable_cost_by_touchpoint).
  void write_touchpoint_summary(const ReplicationResult& r);
  void write_touchpoint_statistics();
  void close();

  std::filesystem::path out_;
  std::filesystem::path partial_;
  int roadmaps_ = 0;
  int months_ = 0;
  int segments_ = 0;
  int touchpoints_ = 0;
  std::int64_t replications_ = 0;
  bool zero_defect_ = false;
  bool touchpoint_twins_ = false;
  TerminalValue terminal_value_ = TerminalValue::customer_equity_net;
  std::vector<std::string> parameter_paths_;

  h5::File file_;
  std::vector<h5::Dataset> timeseries_;
  std::vector<h5::Dataset> by_segment_;
  std::vector<h5::Dataset> by_touchpoint_;
  std::vector<h5::Dataset> summary_;
  std::vector<h5::Dataset> zero_defect_timeseries_;
  std::vector<h5::Dataset> zero_defect_summary_;
  std::vector<h5::Dataset> touchpoint_summary_;  // /summary_by_touchpoint, when enabled
  std::vector<h5::Dataset> parameters_;
  h5::Dataset done_dataset_;
  std::vector<bool> done_;
  bool finished_ = false;
};

}  // namespace cxsim
