// The results file of `cxsim optimize` (EXPERIMENTS.md "Results", /optimize): written to
// <out>.partial as the procedure takes its observations, a stage at a time (/summary/<metric>
// [observation] in the order they were consumed, with each one's candidate and replication), so
// that an interrupted run resumes from them to the identical file; at the end the selection's
// datasets, renamed to <out> once complete and read back whole.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "experiments/experiment_file.hpp"
#include "experiments/optimize_evaluator.hpp"
#include "experiments/optimizer.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim {

struct ExperimentFileSlots;

class OptimizeWriter {
 public:
  // Creates <out>.partial (the refusals of the other writers: an existing <out> or .partial
  // without force, a locked .partial, an -o naming an input).
  static std::unique_ptr<OptimizeWriter> create(const std::filesystem::path& out,
                                                const LoadedExperiment& experiment,
                                                const OptimizeProblem& problem,
                                                const RunProvenance& provenance, bool force,
                                                const WriterOptions& options = {});
  // Reopens the <out>.partial of an interrupted run: IoError when missing, locked, or written
  // for another experiment or scenario; DamagedFile when it does not read back whole.
  static std::unique_ptr<OptimizeWriter> resume(const std::filesystem::path& out,
                                                const LoadedExperiment& experiment,
                                                const OptimizeProblem& problem,
                                                const RunProvenance& provenance,
                                                const WriterOptions& options = {});

  OptimizeWriter(const OptimizeWriter&) = delete;
  OptimizeWriter& operator=(const OptimizeWriter&) = delete;
  ~OptimizeWriter();  // leaves <out>.partial with complete = 0 unless finished; never throws

  // The observations on the disk when the file was reopened, in order.
  const std::vector<OptimizeObservation>& resumed() const { return resumed_; }
  std::int64_t written() const { return written_; }

  // Buffers one new observation; write_stage() puts the buffered ones on the disk.
  void add(const OptimizeObservation& o);
  void write_stage();

  // The selections' datasets, complete = 1, read back whole, renamed to <out>.
  void finish(const OptimizationRun& run);

 private:
  OptimizeWriter(std::filesystem::path out, const LoadedExperiment& experiment,
                 const OptimizeProblem& problem, const WriterOptions& options);
  void create_layout(const RunProvenance& provenance);
  // /optimize/screening: what the screening evaluated (candidate_scale: /coords/candidate).
  void write_screening(hid_t optimize_group, hid_t candidate_scale);
  void open_datasets();
  void check_same_shortlist() const;
  void read_back_observations();
  void flush(std::string_view what);
  void close_quietly();
  // What create_experiment_file and reopen_experiment_file set.
  ExperimentFileSlots slots();

  std::filesystem::path out_;
  std::filesystem::path partial_;
  const LoadedExperiment& experiment_;
  const OptimizeProblem& problem_;
  std::unique_ptr<OutputLock> lock_;
  h5::StorageState storage_;
  std::int64_t capacity_ = 0;  // observations the file has room for
  h5::File file_;
  std::vector<h5::Dataset> summary_;
  h5::Dataset candidate_, replication_;
  std::vector<OptimizeObservation> buffer_;
  std::vector<OptimizeObservation> resumed_;
  std::int64_t written_ = 0;
  bool finished_ = false;
};

}  // namespace cxsim
