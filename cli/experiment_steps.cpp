// Shared steps of the single-process and MPI experiment commands.
#include "cli/experiment_steps.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "cli/run_steps.hpp"
#include "experiments/sensitivity_analysis.hpp"

namespace cxsim::cli {

namespace {

ExperimentKind kind_of(const ExperimentArguments& args) {
  if (args.command == "calibrate") return ExperimentKind::calibrate;
  return args.command == "sweep" ? ExperimentKind::sweep : ExperimentKind::sensitivity;
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

LoadedExperiment load_command_experiment(const ExperimentArguments& args) {
  ExperimentLoadOptions load;
  load.overrides = args.overrides;
  load.replications = args.replications;
  load.seed = args.seed;
  return load_experiment(args.file, kind_of(args), load);
}

std::filesystem::path experiment_output_path(const ExperimentArguments& args) {
  return args.output_given ? std::filesystem::path(args.output)
                           : std::filesystem::path(args.file).filename().replace_extension(".h5");
}

std::unique_ptr<ExperimentWriter> open_experiment_writer(const ExperimentArguments& args,
                                                         const LoadedExperiment& experiment,
                                                         const ExperimentPoints& points,
                                                         const std::filesystem::path& output) {
  const RunProvenance provenance{args.command_line, false};
  return args.resume
             ? ExperimentWriter::resume(output, experiment, points, provenance, writer_options())
             : ExperimentWriter::create(output, experiment, points, provenance, args.force,
                                        writer_options());
}

std::vector<int> points_to_run(const ExperimentPoints& points, const ExperimentWriter& writer) {
  std::vector<int> todo;
  for (int p = 0; p < points.runs(); ++p) {
    if (!writer.done()[static_cast<std::size_t>(p)]) todo.push_back(p);
  }
  return todo;
}

std::int64_t points_kept(const ExperimentWriter& writer) {
  std::int64_t kept = 0;
  for (const bool d : writer.done()) kept += d ? 1 : 0;
  return kept;
}

void print_experiment_header(const ExperimentArguments& args, const LoadedExperiment& experiment,
                             const ExperimentPoints& points, std::int64_t points_done,
                             std::string_view where) {
  if (args.quiet) return;
  const ExperimentSpec& spec = experiment.spec;
  const Scenario& base = experiment.base;
  const std::int64_t R = base.replications;
  fmt::print(
      stderr, "{} {}: {} point{}{} x {} replication{}, {} factor{}, {} agents, {} roadmap{}{}{}\n",
      args.command,
      kind_of(args) == ExperimentKind::sweep ? to_string(spec.sweep.design)
                                             : to_string(spec.sensitivity.method),
      points.points, points.points == 1 ? "" : "s", points.base_point ? " + the base scenario" : "",
      R, R == 1 ? "" : "s", points.factors, points.factors == 1 ? "" : "s", base.agents,
      base.roadmaps.size(), base.roadmaps.size() == 1 ? "" : "s",
      points_done > 0 ? fmt::format(" ({} points already done)", points_done) : "", where);
}

std::int64_t stop_after_points() {
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  return stop_after_env ? std::atoll(stop_after_env) : -1;
}

ScenarioError refused_point(const ExperimentArguments& args, const ExperimentSpec& spec,
                            const ExperimentPoints& points, int p, const ScenarioError& error) {
  std::vector<Diagnostic> diagnostics{
      {args.file, 0, 0, "",
       fmt::format("point {} is refused by the scenario (got {}; expected factor ranges whose "
                   "every combination the scenario accepts): the points finished so far are "
                   "kept for --resume",
                   p, describe_point(spec, points, p))}};
  for (const auto& d : error.diagnostics()) diagnostics.push_back(d);
  return ScenarioError(std::move(diagnostics));
}

int finish_experiment(const ExperimentArguments& args, std::unique_ptr<ExperimentWriter>& writer,
                      const LoadedExperiment& experiment, const ExperimentPoints& points,
                      const std::filesystem::path& output) {
  std::vector<SensitivityTable> indices;
  if (kind_of(args) == ExperimentKind::sensitivity) {
    indices =
        analyse_sensitivity(experiment.spec, points, writer->point_outputs(), experiment.base.seed);
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
