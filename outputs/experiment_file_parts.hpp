// What every experiment file (sweep, sensitivity, attribute, optimize, calibrate) writes and
// checks the same way: its root attributes, the inputs -o may not name, creating and reopening
// its <out>.partial, and a flush whose failure names the storage's.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/experiment_file.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim {

// The root attributes of RESULTS.md for the base scenario, then random_numbers (`common` or
// `independent`), experiment (its kind) and experiment_sha256 (of the resolved experiment).
void write_experiment_attributes(hid_t file, const LoadedExperiment& experiment,
                                 const RunProvenance& provenance, std::string_view random_numbers,
                                 const std::filesystem::path& path);

// The files an experiment reads (the scenario, its extends bases, the experiment file): -o may
// name none of them.
std::vector<std::string> experiment_inputs(const LoadedExperiment& experiment);

// Unless force: IoError when <out> exists, or when <out>.partial holds an interrupted experiment.
// Then removes any <out>.partial, for a new one.
void refuse_existing(const std::filesystem::path& out, const std::filesystem::path& partial,
                     bool force);

// /run/point_done [n] (uint8, 0 until a unit of work is on the disk; chunked, Fletcher-32) in
// `run`, described as `description`.
h5::Dataset create_done_flags(hid_t run, hsize_t n, std::string_view description,
                              const std::filesystem::path& path);

// IoError when there is no <out>.partial to resume.
void require_partial(const std::filesystem::path& out, const std::filesystem::path& partial);

// IoError when the open .partial was written for another experiment or scenario.
void check_same_experiment(hid_t file, const LoadedExperiment& experiment,
                           const std::filesystem::path& partial);

// H5Fflush, then IoError naming `what` (and the storage's failure, when it failed).
void flush_experiment_file(hid_t file, const h5::StorageState& storage,
                           const std::filesystem::path& partial, std::string_view what);

// The members of an experiment writer that creating and reopening its <out>.partial set.
struct ExperimentFileSlots {
  const std::filesystem::path& out;
  const std::filesystem::path& partial;
  std::unique_ptr<OutputLock>& lock;
  h5::File& file;
  h5::StorageState& storage;
};

// Every experiment writer's create(): -o checked against the experiment's inputs, the lock on
// <out>.partial taken, an existing file refused unless `force`, a new <out>.partial opened,
// `lay_out()` run and the file flushed. On any failure after the lock, `close()` runs, the
// partial is removed and the error rethrown.
void create_experiment_file(const ExperimentFileSlots& slots, const LoadedExperiment& experiment,
                            bool force, const std::function<void()>& lay_out,
                            const std::function<void()>& close);

// Every experiment writer's resume(): -o checked, the lock taken, <out>.partial required and read
// back whole (DamagedFile otherwise), reopened read-write and checked to be this experiment's;
// then `read_back()` runs, `resumed_utc` and `resumed_command_line` are stamped and the file
// flushed. On any failure after the reopening, `close()` runs and the error is rethrown.
void reopen_experiment_file(const ExperimentFileSlots& slots, const LoadedExperiment& experiment,
                            const RunProvenance& provenance, const std::function<void()>& read_back,
                            const std::function<void()>& close);

// The n flags of /run/point_done as booleans (IoError naming `partial` when they cannot be read).
std::vector<bool> read_done_flags(hid_t done, std::size_t n, const std::filesystem::path& partial);

// Closes the file (its status checked), reads it back whole in a child process, and only then
// renames <out>.partial to <out> (the folder synced): IoError when any step fails, the .partial
// then left where it is.
void close_verify_and_rename(h5::File& file, const h5::StorageState& storage,
                             const std::filesystem::path& partial,
                             const std::filesystem::path& out);

}  // namespace cxsim
