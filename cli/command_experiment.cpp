// `cxsim sweep` and `cxsim sensitivity`: load the experiment, lay out its points, run them on
// every core into <output>.partial, compute the indices, finish, print the summary. SIGINT and
// SIGTERM stop new replications; finished points stay for --resume.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/experiment_points.hpp"
#include "experiments/experiment_runner.hpp"
#include "experiments/sensitivity_analysis.hpp"
#include "outputs/experiment_writer.hpp"

namespace cxsim::cli {

namespace {

std::string finish_command(const ExperimentArguments& args, const std::string& output) {
  std::string out =
      fmt::format("cxsim {} {} -o {}", args.command, shell_quote(args.file), shell_quote(output));
  for (const auto& o : args.overrides) out += " --set " + shell_quote(o);
  if (args.replications) out += fmt::format(" --replications {}", *args.replications);
  if (args.seed) out += fmt::format(" --seed {}", *args.seed);
  if (args.threads > 0) out += fmt::format(" --threads {}", args.threads);
  return out + " --resume";
}

// What a point sets, for a message: "churn.satisfaction=0.3, agents=2000".
std::string describe_point(const ExperimentSpec& spec, const ExperimentPoints& points, int p) {
  if (p >= points.points) return "the base scenario";
  std::string out;
  for (int f = 0; f < points.factors; ++f) {
    out += fmt::format("{}{}={}", f ? ", " : "", spec.factors[static_cast<std::size_t>(f)].name,
                       points.at(p, f));
  }
  return out;
}

}  // namespace

int experiment_command(const ExperimentArguments& args) {
  const ExperimentKind kind =
      args.command == "sweep" ? ExperimentKind::sweep : ExperimentKind::sensitivity;
  ExperimentLoadOptions load;
  load.overrides = args.overrides;
  load.replications = args.replications;
  load.seed = args.seed;
  const LoadedExperiment experiment = load_experiment(args.file, kind, load);
  const ExperimentSpec& spec = experiment.spec;
  const Scenario& base = experiment.base;
  const ExperimentPoints points = make_points(spec, base.seed);

  const std::filesystem::path output =
      args.output_given ? std::filesystem::path(args.output)
                        : std::filesystem::path(args.file).filename().replace_extension(".h5");
  const RunProvenance provenance{args.command_line, false};
  std::unique_ptr<ExperimentWriter> writer =
      args.resume
          ? ExperimentWriter::resume(output, experiment, points, provenance, writer_options())
          : ExperimentWriter::create(output, experiment, points, provenance, args.force,
                                     writer_options());

  std::vector<int> todo;
  for (int p = 0; p < points.runs(); ++p) {
    if (!writer->done()[static_cast<std::size_t>(p)]) todo.push_back(p);
  }
  const std::int64_t R = base.replications;
  const std::int64_t already = (points.runs() - static_cast<std::int64_t>(todo.size())) * R;
  if (!args.quiet) {
    fmt::print(stderr,
               "{} {}: {} point{}{} x {} replication{}, {} factor{}, {} agents, {} roadmap{}{}\n",
               args.command,
               kind == ExperimentKind::sweep ? to_string(spec.sweep.design)
                                             : to_string(spec.sensitivity.method),
               points.points, points.points == 1 ? "" : "s",
               points.base_point ? " + the base scenario" : "", R, R == 1 ? "" : "s",
               points.factors, points.factors == 1 ? "" : "s", base.agents, base.roadmaps.size(),
               base.roadmaps.size() == 1 ? "" : "s",
               already > 0 ? fmt::format(" ({} points already done)", already / R) : "");
  }

  StopSignals signals;
  // Test hook: behave as if interrupted once this many points are written.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  Progress progress(points.runs() * R, already, Progress::style_for(args.quiet), stderr,
                    roadmap_runs_per_replication(base));
  ExperimentRunOptions options;
  options.threads = args.threads;
  options.stop = &signals.flag();
  std::int64_t points_here = 0;
  int last_loaded = 0;  // points are loaded one at a time, in order
  try {
    run_points(
        experiment.source, todo,
        [&](int p) {
          last_loaded = p;
          return point_overrides(spec, points, p);
        },
        R, options,
        [&](PointRun&& run) {
          writer->write_point(run);
          ++points_here;
          if (stop_after >= 0 && points_here >= stop_after) signals.flag().store(true);
        },
        [&] { progress.advance(); });
  } catch (const ScenarioError& e) {
    // A combination of factor values the scenario refuses: named, with the scenario's reasons.
    progress.finish();
    std::vector<Diagnostic> diagnostics{
        {args.file, 0, 0, "",
         fmt::format("point {} is refused by the scenario (got {}; expected factor ranges whose "
                     "every combination the scenario accepts): the points finished so far are "
                     "kept for --resume",
                     last_loaded, describe_point(spec, points, last_loaded))}};
    for (const auto& d : e.diagnostics()) diagnostics.push_back(d);
    throw ScenarioError(std::move(diagnostics));
  }
  progress.finish();

  if (signals.stopped()) {
    std::int64_t kept = 0;
    for (const bool d : writer->done()) kept += d ? 1 : 0;
    writer.reset();
    fmt::print(stderr, "interrupted: {} of {} points kept in {}; finish with: {}\n", kept,
               points.runs(), (output.string() + ".partial"),
               finish_command(args, output.string()));
    std::fflush(stderr);
    return 128 + signals.signal();
  }

  std::vector<SensitivityTable> indices;
  if (kind == ExperimentKind::sensitivity) {
    indices = analyse_sensitivity(spec, points, writer->point_outputs(), base.seed);
  }
  writer->finish(indices);
  writer.reset();
  if (!args.quiet) {
    fmt::print(stderr, "wrote {}\n", output.string());
    print_summary(output.string());
  }
  return 0;
}

}  // namespace cxsim::cli
