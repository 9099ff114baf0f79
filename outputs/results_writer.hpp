// Streams replication results into the HDF5 results file of RESULTS.md (<out>.partial, renamed
// to <out> once complete and read back whole), resumes an interrupted run after checking it, and
// extends a complete file to more replications.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/output_lock.hpp"
#include "outputs/sha256.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim {

struct RunProvenance {
  std::string command_line;
  // Each roadmap with its own random numbers (--independent-streams) rather than common random
  // numbers: recorded as the random_numbers attribute; a resume must use the same.
  bool independent_streams = false;
};

// How the file is stored; the defaults are what every run uses.
struct WriterOptions {
  h5::StorageFaults faults;  // injected storage failures (tests only)
  bool sync = true;          // every flush reaches the disk (fdatasync); tests may skip it
};

// The format this writer produces; readers accept any 1.x.
inline constexpr const char* kResultsFormat = "cxsim-results";
inline constexpr const char* kResultsFormatVersion = "1.1";

// "<out>.partial": where a run writes until it is complete.
std::filesystem::path partial_path(const std::filesystem::path& out);

// The resolved scenario text (Scenario::resolved_yaml) that the run's scenario has with another
// replication count: what extending a complete file compares with the scenario it was written
// for, so that the replication count is the one thing that may differ.
using ResolvedWithReplications = std::function<std::string(std::int64_t replications)>;

class ResultsWriter {
 public:
  // Creates <out>.partial, holding <out>.partial.lock until destroyed. Refuses with UsageError
  // an output name check_output_target refuses (s.source_files are the inputs), and with
  // IoError when another process writes <out>.partial, when <out> exists and !force, or when
  // <out>.partial exists and !force (an interrupted run: resume it or start over with force).
  // When creating the layout fails, removes <out>.partial again.
  static std::unique_ptr<ResultsWriter> create(const std::filesystem::path& out, const Scenario& s,
                                               const RunProvenance& p, bool force,
                                               const WriterOptions& options = {});
  // Reopens <out>.partial of an interrupted run after checking that it reads back whole and
  // holds what was written (DamagedFile otherwise); IoError when it is missing, locked by
  // another process, or was written for another scenario (scenario_sha256), seed, replication
  // count or random-number mode.
  //
  // With no <out>.partial but a complete <out> holding M < s.replications replications, and
  // `resolved` given: extends it. After checking <out> whole (DamagedFile otherwise), creates
  // <out>.partial for s.replications with replications 0..M-1 copied bit for bit with their
  // digests (each block marked done once on the disk, so an interrupted copy is a partial like
  // any other), and leaves <out> untouched until finish() renames the extended file over it:
  // an interrupted or failed extension leaves both. UsageError, touching nothing, when `resolved`
  // is empty or s.replications <= M, or when <out> was written with another seed,
  // random-number mode or scenario (resolved(M) differs from its /scenario: the message names
  // the first difference).
  static std::unique_ptr<ResultsWriter> resume(const std::filesystem::path& out, const Scenario& s,
                                               const RunProvenance& p,
                                               const WriterOptions& options = {},
                                               const ResolvedWithReplications& resolved = {});

  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  // Closes the file, leaving <out>.partial with complete = 0 when finish() was not called. Never
  // throws, whatever state the storage is in.
  ~ResultsWriter();

  // Which replications are already in the file (by replication index).
  const std::vector<bool>& done() const { return done_; }
  // The replication count of the complete <out> this writer extends; 0 when it extends none.
  std::int64_t extends() const { return extends_; }
  const std::filesystem::path& partial() const { return partial_; }
  // What the storage has done so far (write and flush calls, bytes, the first failure).
  const h5::StorageState& storage() const { return storage_; }

  // Writes one replication (in any order) with its digest, flushes it to the disk, and only
  // then marks it done and flushes again, so that an interrupt keeps it. IoError when the
  // storage fails (the writer then refuses further writes). Not thread-safe: the caller
  // serialises calls.
  void write(const ReplicationResult& r);

  // Computes /statistics from /summary, sets complete = 1, closes the file, reopens it
  // read-only and checks that it reads back whole, and only then renames <out>.partial to <out>.
  // IoError when a replication is missing or any step fails (no file under <out> then).
  void finish();

 private:
  // The provenance attributes of the run that created the results: this one, or the one that
  // wrote the complete file an extension copies.
  struct Origin {
    std::string created_utc;
    std::string command_line;
    std::string hostname;
  };

  ResultsWriter(std::filesystem::path out, const Scenario& s, const WriterOptions& options);
  // Everything create() writes once: attributes, /scenario, /coords, the NaN-filled datasets,
  // /done and /run with the layout digest.
  void create_layout(const Scenario& s, const RunProvenance& p, const Origin& origin);
  // resume() of a complete <out>, holding its lock.
  static std::unique_ptr<ResultsWriter> extend(const std::filesystem::path& out, const Scenario& s,
                                               const RunProvenance& p, const WriterOptions& options,
                                               const ResolvedWithReplications& resolved,
                                               std::unique_ptr<OutputLock> lock);
  // Copies replications 0..count-1 of every per-replication dataset, and their digests, from
  // `source` (a complete file already checked whole), marking them done block by block.
  void copy_replications(hid_t source, std::int64_t count);
  void write_replication(const ReplicationResult& r);
  void open_datasets();
  void write_statistics(const std::vector<h5::Dataset>& summary, const std::string& group);
  // /robustness: the roadmaps ranked under every terminal-value choice (engine/decision.hpp).
  void write_robustness();
  // /statistics_by_touchpoint at the end (analysis.avoidable_cost_by_touchpoint).
  void write_touchpoint_statistics();
  // H5Fflush, then IoError if it or the storage failed.
  void flush(std::string_view what);
  // IoError when the storage has failed (the driver keeps the first failure).
  void check_storage() const;
  // Rethrows the current exception, as the storage failure when there was one (its cause).
  [[noreturn]] void rethrow_with_storage() const;
  void close_quietly();
  void close_checked();

  std::filesystem::path out_;
  std::filesystem::path partial_;
  std::unique_ptr<OutputLock> lock_;  // released last
  h5::StorageState storage_;          // outlives file_
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
  h5::Dataset digests_dataset_;
  // The per-replication datasets in the order their values are digested (what /run records).
  std::vector<std::string> digest_names_;
  std::vector<bool> done_;
  std::int64_t extends_ = 0;
  bool finished_ = false;
  bool broken_ = false;  // a write failed: the file is left as it is
};

}  // namespace cxsim
