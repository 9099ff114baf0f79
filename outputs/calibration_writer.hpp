// The results file of `cxsim calibrate` (EXPERIMENTS.md "Results", /calibrate): written to
// <out>.partial a generation at a time (under /run, room for max_generations), so that an
// interrupted calibration resumes from its last completed generation to the identical file; at
// the end the posterior, the per-generation trace and the posterior predictive check, renamed to
// <out> once complete and read back whole. Then the scenario overlay <out>.yaml beside it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "experiments/abc_smc.hpp"
#include "experiments/experiment_file.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim {

struct ExperimentFileSlots;

class CalibrationWriter {
 public:
  // Creates <out>.partial (the refusals of the other writers: an existing <out> or .partial
  // without force, a locked .partial, an -o naming an input). `batch` is recorded: a resume
  // simulates in the same batches.
  static std::unique_ptr<CalibrationWriter> create(const std::filesystem::path& out,
                                                   const LoadedExperiment& experiment, int batch,
                                                   const RunProvenance& provenance, bool force,
                                                   const WriterOptions& options = {});
  // Reopens the <out>.partial of an interrupted calibration: IoError when missing, locked, or
  // written for another experiment or scenario; DamagedFile when it does not read back whole.
  static std::unique_ptr<CalibrationWriter> resume(const std::filesystem::path& out,
                                                   const LoadedExperiment& experiment,
                                                   const RunProvenance& provenance,
                                                   const WriterOptions& options = {});

  CalibrationWriter(const CalibrationWriter&) = delete;
  CalibrationWriter& operator=(const CalibrationWriter&) = delete;
  ~CalibrationWriter();  // leaves <out>.partial with complete = 0 unless finished; never throws

  int batch() const { return batch_; }
  // The generations on the disk when the file was reopened (empty for a new file).
  const AbcState& resumed() const { return resumed_; }

  // Writes the newest generation of `state`, flushes, marks it done and flushes again.
  void write_generation(const AbcState& state);

  // The posterior (the last generation), the trace, the posterior predictive statistics of the
  // simulations at the posterior's particles, complete = 1, read back whole, renamed to <out>.
  void finish(const AbcState& state, AbcStop stop,
              const std::vector<std::vector<double>>& predictive);

 private:
  CalibrationWriter(std::filesystem::path out, const LoadedExperiment& experiment,
                    const WriterOptions& options);
  void create_layout(const RunProvenance& provenance);
  void read_back();
  void flush(std::string_view what);
  void close_quietly();
  // What create_experiment_file and reopen_experiment_file set.
  ExperimentFileSlots slots();

  std::filesystem::path out_;
  std::filesystem::path partial_;
  const LoadedExperiment& experiment_;
  std::unique_ptr<OutputLock> lock_;
  h5::StorageState storage_;
  int batch_ = 0;
  h5::File file_;
  AbcState resumed_;
  int written_ = 0;  // generations on the disk
  bool finished_ = false;
};

// The overlay <out>.yaml: `extends:` the experiment's scenario and a `posterior:` with the
// particles and weights of the finished file `results` (its SHA-256), paths relative to the
// overlay. The experiment's `set:` overrides are not copied: the overlay describes the
// scenario at its own scale.
void write_posterior_overlay(const std::filesystem::path& results,
                             const LoadedExperiment& experiment, const AbcState& state);

}  // namespace cxsim
