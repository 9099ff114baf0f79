// The steps of `cxsim calibrate` that the single-process command and its MPI version take the
// same way: loading the experiment with its history's digest, opening or resuming the file, the
// header line, the simulations of proposals (a proposal's summaries from its replications), the
// ABC-SMC run with its generations written as they complete, and the end (the finished file, the
// posterior overlay and the summary, or the message that says how to resume).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "experiments/abc_smc.hpp"
#include "experiments/experiment_file.hpp"
#include "outputs/calibration_writer.hpp"

namespace cxsim::cli {

// The experiment, with the sha256 of its observed history's bytes appended to resolved_yaml (a
// resume with another history is refused as another experiment).
LoadedExperiment load_calibrate_experiment(const ExperimentArguments& args);

struct OpenedCalibration {
  std::filesystem::path output;
  std::unique_ptr<CalibrationWriter> writer;
  AbcSettings settings;  // the block's, with the file's batch size
  AbcState state;        // the generations the file already holds
};

// Creates <output>.partial (CXSIM_CALIBRATE_BATCH, a test hook, sets the proposals per batch),
// or with --resume reopens it with its own batch size and generations.
OpenedCalibration open_calibration(const ExperimentArguments& args,
                                   const LoadedExperiment& experiment);

// "calibrate abc_smc: 2 parameters of roadmap baseline against ..." on stderr unless quiet;
// `where` comes before the generations already done (e.g. "; 3 ranks (MPI)").
void print_calibration_header(const ExperimentArguments& args, const LoadedExperiment& experiment,
                              const OpenedCalibration& opened, const std::string& where = "");

// The number of summaries of one simulation: the observed history's cells, series by series,
// month by month.
std::size_t calibration_cells(const CalibrateBlock& block);

// Simulates proposals[i] for each i in `todo` (run_scenarios on `threads` threads, each with its
// own replication indices) and passes `done` the monthly summaries of its observed cells averaged
// over its replications. Returns how many finished (fewer when `stop` was raised). What a
// proposal gives does not depend on the others, the threads or the process that simulates it.
std::int64_t simulate_proposals(const LoadedExperiment& experiment,
                                std::span<const AbcProposal> proposals, std::span<const int> todo,
                                int threads, const std::atomic<bool>* stop,
                                const std::function<void(int, std::vector<double>&&)>& done);

struct CalibrationOutcome {
  AbcStop stop = AbcStop::interrupted;
  std::optional<std::vector<std::vector<double>>> predictive;  // empty when interrupted
};

// ABC-SMC from opened.state with `simulate` (monthly summaries per proposal; with summary: total
// the distance sees the series' totals), each completed generation written to the file and shown
// on stderr unless quiet; then the posterior predictive simulations unless interrupted. The test
// hook CXSIM_STOP_AFTER=N raises `stop` once N generations are written by this run.
CalibrationOutcome run_calibration(const ExperimentArguments& args,
                                   const LoadedExperiment& experiment, OpenedCalibration& opened,
                                   const AbcSimulator& simulate, std::atomic<bool>& stop);

// "N generations kept in OUTPUT.partial; finish<how> with: <experiment_resume_command>".
std::string calibration_resume_hint(const ExperimentArguments& args,
                                    const OpenedCalibration& opened, std::string_view how = "");

// The end: when the run was interrupted (or the predictive simulations were), the partial file
// closed with its generations and the resume hint printed, returning 128 + `signal`; else the
// finished file, the posterior overlay <output>.yaml and the summary, returning 0.
int finish_calibration(const ExperimentArguments& args, const LoadedExperiment& experiment,
                       OpenedCalibration& opened, CalibrationOutcome& outcome, int signal,
                       std::string_view how = "");

}  // namespace cxsim::cli
