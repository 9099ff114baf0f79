// What cli/command_calibrate.cpp and cli/mpi_calibrate.cpp share.
#include "cli/calibrate_steps.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "cli/experiment_steps.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "config/input_file.hpp"
#include "engine/metrics.hpp"
#include "experiments/experiment_runner.hpp"
#include "experiments/observed_history.hpp"
#include "outputs/sha256.hpp"

namespace cxsim::cli {

namespace {

// Test hook CXSIM_CALIBRATE_BATCH: proposals per batch when creating a file (the posterior does
// not depend on it unless a budget or the acceptance floor ends the run).
int batch_for(const CalibrateBlock& block) {
  if (const char* env = std::getenv("CXSIM_CALIBRATE_BATCH")) {
    const int n = std::atoi(env);
    if (n >= 1) return n;
  }
  return std::max(block.settings.particles, 64);
}

// The summaries of one simulation's observed cells (series by series, month by month).
void add_summaries(const CalibrateBlock& block, const RoadmapRun& run, std::vector<double>& sum) {
  const int T = block.history.horizon;
  std::size_t c = 0;
  for (const ObservedSeries& s : block.history.series) {
    for (int m = 1; m <= T; ++m, ++c) {
      sum[c] += s.segment_index < 0
                    ? run.at(static_cast<Metric>(s.metric_index), m)
                    : run.at(static_cast<SegmentMetric>(s.metric_index), m, s.segment_index);
    }
  }
}

}  // namespace

LoadedExperiment load_calibrate_experiment(const ExperimentArguments& args) {
  LoadedExperiment experiment = load_command_experiment(args);
  const CalibrateBlock& block = experiment.spec.calibrate;
  ReadProblem problem;
  const auto text = read_input_file(block.observed_file, problem);
  experiment.spec.resolved_yaml +=
      "# observed history sha256: " + sha256_hex(text.value_or("")) + "\n";
  return experiment;
}

OpenedCalibration open_calibration(const ExperimentArguments& args,
                                   const LoadedExperiment& experiment) {
  const CalibrateBlock& block = experiment.spec.calibrate;
  OpenedCalibration opened;
  opened.output = experiment_output_path(args);
  const RunProvenance provenance{args.command_line, true};
  opened.writer =
      args.resume
          ? CalibrationWriter::resume(opened.output, experiment, provenance, writer_options())
          : CalibrationWriter::create(opened.output, experiment, batch_for(block), provenance,
                                      args.force, writer_options());
  opened.settings = block.settings;
  opened.settings.batch = opened.writer->batch();
  opened.state = opened.writer->resumed();
  return opened;
}

void print_calibration_header(const ExperimentArguments& args, const LoadedExperiment& experiment,
                              const OpenedCalibration& opened, const std::string& where) {
  if (args.quiet) return;
  const CalibrateBlock& block = experiment.spec.calibrate;
  const AbcSettings& settings = opened.settings;
  const auto K = static_cast<int>(block.parameters.size());
  fmt::print(stderr,
             "calibrate abc_smc: {} parameter{} of roadmap {} against {} ({} observed values in "
             "{} series), {} particles, {} simulation{} per particle, at most {} simulations, "
             "{} agents{}{}\n",
             K, K == 1 ? "" : "s", block.roadmap, block.observed_as_written,
             block.history.observed_cells(), block.history.series.size(), settings.particles,
             settings.replications, settings.replications == 1 ? "" : "s", settings.max_simulations,
             experiment.base.agents, where,
             opened.state.generations.empty()
                 ? std::string()
                 : fmt::format(" ({} generations already done)", opened.state.generations.size()));
}

std::size_t calibration_cells(const CalibrateBlock& block) {
  return block.history.series.size() * static_cast<std::size_t>(block.history.horizon);
}

std::int64_t simulate_proposals(const LoadedExperiment& experiment,
                                std::span<const AbcProposal> proposals, std::span<const int> todo,
                                int threads, const std::atomic<bool>* stop,
                                const std::function<void(int, std::vector<double>&&)>& done) {
  const CalibrateBlock& block = experiment.spec.calibrate;
  const std::size_t cells = calibration_cells(block);
  bool keep_segments = false;
  for (const auto& s : block.history.series) keep_segments = keep_segments || s.segment_index >= 0;
  ExperimentRunOptions options;
  options.threads = threads;
  options.stop = stop;
  options.keep_segments = keep_segments;
  options.first_replication = [&](int i) {
    return proposals[static_cast<std::size_t>(i)].first_replication;
  };
  const int R = todo.empty() ? 1 : proposals[static_cast<std::size_t>(todo[0])].replications;
  return run_scenarios(
      todo,
      [&](int i) {
        return std::make_shared<const Scenario>(
            calibration_scenario(experiment.source, experiment.spec.overrides, block,
                                 proposals[static_cast<std::size_t>(i)].theta));
      },
      R, options,
      [&](PointRun&& run) {
        std::vector<double> sum(cells, 0.0);
        for (const auto& r : run.replications) add_summaries(block, r.roadmaps[0], sum);
        for (double& x : sum) x /= static_cast<double>(run.replications.size());
        done(run.point, std::move(sum));
      },
      nullptr);
}

CalibrationOutcome run_calibration(const ExperimentArguments& args,
                                   const LoadedExperiment& experiment, OpenedCalibration& opened,
                                   const AbcSimulator& simulate, std::atomic<bool>& stop) {
  const CalibrateBlock& block = experiment.spec.calibrate;
  const AbcSettings& settings = opened.settings;
  AbcState& state = opened.state;
  const auto K = static_cast<int>(block.parameters.size());
  // Test hook: behave as if interrupted once this many generations are written here.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;

  AbcCallbacks callbacks;
  std::int64_t generations_here = 0;
  const bool terminal = !args.quiet && ::isatty(2) != 0;
  callbacks.generation_done = [&](const AbcState& s) {
    opened.writer->write_generation(s);
    const AbcGeneration& g = s.generations.back();
    if (!args.quiet) {
      fmt::print(stderr,
                 "{}generation {}: epsilon {:.4g}, acceptance {:.3f}, ESS {:.1f}, {} simulations "
                 "so far\n",
                 terminal ? "\r\033[K" : "", s.generations.size() - 1, g.epsilon,
                 g.acceptance_rate(), g.ess, s.simulations);
    }
    if (stop_after >= 0 && ++generations_here >= stop_after) stop.store(true);
  };
  if (terminal) {
    callbacks.batch_done = [&](const AbcProgress& p) {
      fmt::print(stderr,
                 "\r\033[Kgeneration {}: {} of {} accepted from {} proposals, {} simulations",
                 p.generation, p.accepted, settings.particles, p.proposals, p.simulations);
      std::fflush(stderr);
    };
  }
  std::vector<Prior> priors;
  for (const auto& p : block.parameters) priors.push_back(p.prior);
  // With summary: total the distance sees each series' sum over its observed months; the
  // posterior predictive check stays monthly.
  const AbcSimulator simulate_summaries =
      block.totals ? AbcSimulator([&](std::span<const AbcProposal> proposals)
                                      -> std::optional<std::vector<std::vector<double>>> {
        auto monthly = simulate(proposals);
        if (!monthly) return std::nullopt;
        for (auto& m : *monthly) m = series_totals(block.history, m);
        return monthly;
      })
                   : simulate;
  CalibrationOutcome outcome;
  outcome.stop = run_abc_smc(
      priors, block.totals ? observed_totals(block.history) : observed_cells(block.history),
      settings, state, simulate_summaries, callbacks);
  if (outcome.stop != AbcStop::interrupted) {
    outcome.predictive = abc_posterior_predictive(state, K, simulate);
  }
  if (terminal) fmt::print(stderr, "\r\033[K");
  return outcome;
}

std::string calibration_resume_hint(const ExperimentArguments& args,
                                    const OpenedCalibration& opened, std::string_view how) {
  const std::size_t kept = opened.state.generations.size();
  return fmt::format("{} generation{} kept in {}; finish{} with: {}", kept, kept == 1 ? "" : "s",
                     opened.output.string() + ".partial", how,
                     experiment_resume_command(args, opened.output.string()));
}

int finish_calibration(const ExperimentArguments& args, const LoadedExperiment& experiment,
                       OpenedCalibration& opened, CalibrationOutcome& outcome, int signal,
                       std::string_view how) {
  if (outcome.stop == AbcStop::interrupted || !outcome.predictive) {
    const std::string hint = calibration_resume_hint(args, opened, how);
    opened.writer.reset();
    fmt::print(stderr, "interrupted: {}\n", hint);
    std::fflush(stderr);
    return 128 + signal;
  }
  opened.writer->finish(opened.state, outcome.stop, *outcome.predictive);
  opened.writer.reset();
  write_posterior_overlay(opened.output, experiment, opened.state);
  if (!args.quiet) {
    fmt::print(stderr, "calibration stopped: {}; the posterior is generation {}\n",
               describe_stop(outcome.stop, opened.settings), opened.state.generations.size() - 1);
    fmt::print(stderr, "wrote {} and the posterior overlay {}.yaml\n", opened.output.string(),
               opened.output.string());
    print_summary(opened.output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
