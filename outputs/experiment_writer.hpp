// Streams the points of an experiment into one HDF5 file (EXPERIMENTS.md "Results": the
// RESULTS.md layout with a leading `point` dimension), written to <out>.partial point by point,
// resumable after an interrupt to the identical file, renamed to <out> once complete and read
// back whole.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/experiment_points.hpp"
#include "experiments/experiment_runner.hpp"
#include "experiments/sensitivity_analysis.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim {

struct ExperimentFileSlots;

class ExperimentWriter {
 public:
  // Creates <out>.partial for the experiment and its points (the same refusals as
  // ResultsWriter::create: an existing <out> or <out>.partial without force, a locked
  // .partial, an -o naming an input).
  static std::unique_ptr<ExperimentWriter> create(const std::filesystem::path& out,
                                                  const LoadedExperiment& experiment,
                                                  const ExperimentPoints& points,
                                                  const RunProvenance& provenance, bool force,
                                                  const WriterOptions& options = {});
  // Reopens <out>.partial of an interrupted experiment: IoError when missing or locked, when it
  // holds another experiment (experiment_sha256) or scenario; DamagedFile when it does not read
  // back whole.
  static std::unique_ptr<ExperimentWriter> resume(const std::filesystem::path& out,
                                                  const LoadedExperiment& experiment,
                                                  const ExperimentPoints& points,
                                                  const RunProvenance& provenance,
                                                  const WriterOptions& options = {});

  ExperimentWriter(const ExperimentWriter&) = delete;
  ExperimentWriter& operator=(const ExperimentWriter&) = delete;
  ~ExperimentWriter();  // leaves <out>.partial with complete = 0 unless finished; never throws

  // Which points are in the file: the design's points, then the base point when there is one.
  const std::vector<bool>& done() const { return done_; }
  const std::filesystem::path& partial() const { return partial_; }

  // Writes one point's replications (summary, timeseries means, parameters), and commits when a
  // second has passed since the last commit. Not thread-safe: the caller serialises calls.
  void write_point(const PointRun& point);
  // Puts the points written since the last commit on the disk: flushes, marks them in
  // /run/point_done (and done()), flushes again. finish() and the destructor commit too; call it
  // before reading done() after an interrupt.
  void commit();

  // Each output's per-point means [point][roadmap] (NaN excluded), from the file: what the
  // indices are computed from.
  PointOutputs point_outputs() const;

  // /statistics, paired differences against the base point, the sensitivity indices (may be
  // empty), complete = 1, read back whole, then renamed to <out>.
  void finish(const std::vector<SensitivityTable>& indices);

 private:
  ExperimentWriter(std::filesystem::path out, const LoadedExperiment& experiment,
                   const ExperimentPoints& points, const WriterOptions& options);
  void create_layout(const LoadedExperiment& experiment, const ExperimentPoints& points,
                     const RunProvenance& provenance);
  void open_datasets();
  void flush(std::string_view what);
  void close_quietly();
  // What create_experiment_file and reopen_experiment_file set.
  ExperimentFileSlots slots();

  std::filesystem::path out_;
  std::filesystem::path partial_;
  std::unique_ptr<OutputLock> lock_;
  h5::StorageState storage_;
  int points_ = 0;  // design points (the base point, when any, is index points_)
  bool base_point_ = false;
  int roadmaps_ = 0;
  int months_ = 0;
  std::int64_t replications_ = 0;
  std::vector<std::string> outputs_;
  std::vector<std::string> parameter_paths_;  // the base scenario's distributions

  h5::File file_;
  std::vector<h5::Dataset> summary_;
  std::vector<h5::Dataset> timeseries_mean_;
  std::vector<h5::Dataset> parameters_;
  std::vector<h5::Dataset> base_summary_;
  h5::Dataset done_dataset_;
  std::vector<bool> done_;
  std::vector<int> written_;  // written since the last commit, not yet marked done
  std::chrono::steady_clock::time_point last_commit_ = std::chrono::steady_clock::now();
  bool finished_ = false;
};

}  // namespace cxsim
