// Streams an attribution (EXPERIMENTS.md `attribute`) into one HDF5 file: the metric of every
// sub-roadmap per replication as its batch finishes, then the Shapley shares computed from them.
// Written to <out>.partial batch by batch, resumable after an interrupt to the identical file,
// renamed to <out> once complete and read back whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "experiments/experiment_file.hpp"
#include "experiments/experiment_runner.hpp"
#include "experiments/sub_roadmaps.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim {

struct ExperimentFileSlots;

class AttributionWriter {
 public:
  // Creates <out>.partial (the same refusals as the other experiment files: an existing <out> or
  // <out>.partial without force, a locked .partial, an -o naming an input).
  static std::unique_ptr<AttributionWriter> create(const std::filesystem::path& out,
                                                   const LoadedExperiment& experiment,
                                                   const AttributionPlan& plan,
                                                   const RunProvenance& provenance, bool force,
                                                   const WriterOptions& options = {});
  // Reopens <out>.partial of an interrupted attribution: IoError when missing or locked, or when
  // it holds another experiment or scenario; DamagedFile when it does not read back whole. Its
  // batches are those it was created with (batch_size()).
  static std::unique_ptr<AttributionWriter> resume(const std::filesystem::path& out,
                                                   const LoadedExperiment& experiment,
                                                   const RunProvenance& provenance,
                                                   const WriterOptions& options = {});

  AttributionWriter(const AttributionWriter&) = delete;
  AttributionWriter& operator=(const AttributionWriter&) = delete;
  ~AttributionWriter();  // leaves <out>.partial with complete = 0 unless finished; never throws

  int batch_size() const { return batch_size_; }
  // Which batches are in the file.
  const std::vector<bool>& done() const { return done_; }

  // Writes one batch (PointRun::point is the batch; roadmap 0 of each replication the baseline,
  // then the batch's sub-roadmaps), flushes, then marks it done and flushes again.
  void write_batch(const AttributionPlan& plan, const PointRun& batch);

  // The Shapley shares of every replication, their statistics and intervals, /statistics,
  // complete = 1, read back whole, then renamed to <out>.
  void finish(const AttributionPlan& plan);

 private:
  AttributionWriter(std::filesystem::path out, const LoadedExperiment& experiment,
                    const WriterOptions& options);
  void create_layout(const LoadedExperiment& experiment, const AttributionPlan& plan,
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
  std::int64_t replications_ = 0;
  int metric_ = 0;                    // SummaryMetric shared out
  std::vector<int> summary_metrics_;  // the /summary metrics written (rankings left out)
  std::vector<std::string> parameter_paths_;
  int batch_size_ = 1;

  h5::File file_;
  h5::Dataset value_;
  std::vector<h5::Dataset> summary_;
  std::vector<h5::Dataset> parameters_;
  h5::Dataset done_dataset_;
  std::vector<bool> done_;
  bool finished_ = false;
};

}  // namespace cxsim
