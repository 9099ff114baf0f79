// `cxsim calibrate`: load the experiment and its observed history, run ABC-SMC with every
// simulation on its own replication index (independent, not common random numbers), batch by
// batch on every core, each completed generation into <output>.partial; then the posterior
// predictive simulations, the finished file, the posterior overlay <output>.yaml and the summary.
// SIGINT and SIGTERM stop new simulations; --resume continues from the last completed
// generation to the identical file.
#include <fmt/format.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/experiment_steps.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "config/input_file.hpp"
#include "engine/core/errors.hpp"
#include "engine/metrics.hpp"
#include "experiments/abc_smc.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/experiment_runner.hpp"
#include "experiments/observed_history.hpp"
#include "outputs/calibration_writer.hpp"
#include "outputs/sha256.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_run.hpp"
#endif

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

int calibrate_command(const ExperimentArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) {
    // Every rank would run the whole calibration into the same file: refused before any work.
    throw UsageError(
        "cxsim calibrate does not spread over MPI ranks (got a start under an MPI launcher; "
        "expected cxsim calibrate started on its own: it uses every core of one machine)");
  }
#endif
  LoadedExperiment experiment = load_command_experiment(args);
  const CalibrateBlock& block = experiment.spec.calibrate;
  {
    // The history's bytes are part of what the file was computed from: a resume with another
    // history is refused as another experiment.
    ReadProblem problem;
    const auto text = read_input_file(block.observed_file, problem);
    experiment.spec.resolved_yaml +=
        "# observed history sha256: " + sha256_hex(text.value_or("")) + "\n";
  }
  const std::filesystem::path output = experiment_output_path(args);
  const RunProvenance provenance{args.command_line, true};
  std::unique_ptr<CalibrationWriter> writer =
      args.resume ? CalibrationWriter::resume(output, experiment, provenance, writer_options())
                  : CalibrationWriter::create(output, experiment, batch_for(block), provenance,
                                              args.force, writer_options());
  AbcSettings settings = block.settings;
  settings.batch = writer->batch();
  AbcState state = writer->resumed();
  const auto K = static_cast<int>(block.parameters.size());
  const std::size_t cells =
      block.history.series.size() * static_cast<std::size_t>(block.history.horizon);
  if (!args.quiet) {
    fmt::print(stderr,
               "calibrate abc_smc: {} parameter{} of roadmap {} against {} ({} observed values in "
               "{} series), {} particles, {} simulation{} per particle, at most {} simulations, "
               "{} agents{}\n",
               K, K == 1 ? "" : "s", block.roadmap, block.observed_as_written,
               block.history.observed_cells(), block.history.series.size(), settings.particles,
               settings.replications, settings.replications == 1 ? "" : "s",
               settings.max_simulations, experiment.base.agents,
               state.generations.empty()
                   ? std::string()
                   : fmt::format(" ({} generations already done)", state.generations.size()));
  }

  StopSignals signals;
  // Test hook: behave as if interrupted once this many generations are written here.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  bool keep_segments = false;
  for (const auto& s : block.history.series) keep_segments = keep_segments || s.segment_index >= 0;

  const AbcSimulator simulate = [&](std::span<const AbcProposal> proposals)
      -> std::optional<std::vector<std::vector<double>>> {
    const auto n = static_cast<int>(proposals.size());
    std::vector<int> todo(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) todo[static_cast<std::size_t>(i)] = i;
    std::vector<std::vector<double>> out(static_cast<std::size_t>(n));
    ExperimentRunOptions options;
    options.threads = args.threads;
    options.stop = &signals.flag();
    options.keep_segments = keep_segments;
    options.first_replication = [&](int i) {
      return proposals[static_cast<std::size_t>(i)].first_replication;
    };
    const int R = proposals.empty() ? 1 : proposals[0].replications;
    const std::int64_t finished = run_scenarios(
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
          out[static_cast<std::size_t>(run.point)] = std::move(sum);
        },
        nullptr);
    if (finished < n) return std::nullopt;
    return out;
  };

  AbcCallbacks callbacks;
  std::int64_t generations_here = 0;
  const bool terminal = !args.quiet && ::isatty(2) != 0;
  callbacks.generation_done = [&](const AbcState& s) {
    writer->write_generation(s);
    const AbcGeneration& g = s.generations.back();
    if (!args.quiet) {
      fmt::print(stderr,
                 "{}generation {}: epsilon {:.4g}, acceptance {:.3f}, ESS {:.1f}, {} simulations "
                 "so far\n",
                 terminal ? "\r\033[K" : "", s.generations.size() - 1, g.epsilon,
                 g.acceptance_rate(), g.ess, s.simulations);
    }
    if (stop_after >= 0 && ++generations_here >= stop_after) signals.flag().store(true);
  };
  if (terminal) {
    callbacks.batch_done = [&](const AbcProgress& p) {
      fmt::print(stderr,
                 "\r\033[Kgeneration {}: {} of {} accepted from {} proposals, {} simulations",
                 p.generation, p.accepted, settings.particles, p.proposals, p.simulations);
      std::fflush(stderr);
    };
  }
  const std::vector<Prior> priors = [&] {
    std::vector<Prior> out;
    for (const auto& p : block.parameters) out.push_back(p.prior);
    return out;
  }();
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
  const AbcStop stop = run_abc_smc(
      priors, block.totals ? observed_totals(block.history) : observed_cells(block.history),
      settings, state, simulate_summaries, callbacks);
  std::optional<std::vector<std::vector<double>>> predictive;
  if (stop != AbcStop::interrupted) predictive = abc_posterior_predictive(state, K, simulate);
  if (terminal) fmt::print(stderr, "\r\033[K");

  if (stop == AbcStop::interrupted || !predictive) {
    const std::size_t kept = state.generations.size();
    writer.reset();
    fmt::print(stderr, "interrupted: {} generation{} kept in {}; finish with: {}\n", kept,
               kept == 1 ? "" : "s", output.string() + ".partial",
               experiment_resume_command(args, output.string()));
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  writer->finish(state, stop, *predictive);
  writer.reset();
  write_posterior_overlay(output, experiment, state);
  if (!args.quiet) {
    fmt::print(stderr, "calibration stopped: {}; the posterior is generation {}\n",
               describe_stop(stop, settings), state.generations.size() - 1);
    fmt::print(stderr, "wrote {} and the posterior overlay {}.yaml\n", output.string(),
               output.string());
    print_summary(output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
