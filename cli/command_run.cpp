// `cxsim run`: load, simulate replications in parallel, stream them to HDF5, print the table.
// SIGINT/SIGTERM stop new replications; finished ones stay in <output>.partial for --resume.
#include <fmt/format.h>

#include <algorithm>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/resume_hint.hpp"
#include "cli/run_steps.hpp"
#include "cli/stop_signals.hpp"
#include "engine/core/errors.hpp"
#include "engine/memory_budget.hpp"
#include "engine/runner.hpp"
#include "outputs/results_writer.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_run.hpp"
#endif

namespace cxsim::cli {

int run_command(const RunArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) return mpi_run_command(args);  // under mpirun or srun
#endif
  const Scenario scenario = load_run_scenario(args);
  const std::filesystem::path output = run_output_path(args, scenario);
  // Before the file is opened: a signal while it is checked, created or extended (copying what
  // a complete file holds) stops the run once the writer is ready, with what it holds kept.
  StopSignals signals;
  std::unique_ptr<ResultsWriter> writer = open_run_writer(args, scenario, output);

  const std::vector<std::int64_t> todo = replications_to_run(scenario, *writer);
  const std::int64_t already = scenario.replications - static_cast<std::int64_t>(todo.size());
  if (!args.quiet) {
    fmt::print(stderr, "{}: {} agents for {} people, {} months, {} roadmap{}, {} replication{}{}\n",
               scenario.name, scenario.agents, scenario.population, scenario.horizon_months,
               scenario.roadmaps.size(), scenario.roadmaps.size() == 1 ? "" : "s",
               scenario.replications, scenario.replications == 1 ? "" : "s",
               already > 0 ? fmt::format(" ({} already done)", already) : "");
  }

  // Test hook: behave as if interrupted once this many replications are written.
  const char* stop_after_env = std::getenv("CXSIM_STOP_AFTER");
  const std::int64_t stop_after = stop_after_env ? std::atoll(stop_after_env) : -1;
  Progress progress(scenario.replications, already, Progress::style_for(args.quiet), stderr,
                    roadmap_runs_per_replication(scenario));
  RunnerOptions options;
  options.threads = args.threads;
  options.stop = &signals.flag();
  options.replication.independent_streams = args.independent_streams;
  run_replications(scenario, todo, options, [&](ReplicationResult&& result) {
    writer->write(result);
    progress.advance();
    if (stop_after >= 0 && progress.done_here() >= stop_after) signals.flag().store(true);
  });
  progress.finish();

  if (signals.stopped()) {
    const std::int64_t kept =
        static_cast<std::int64_t>(std::count(writer->done().begin(), writer->done().end(), true));
    const std::int64_t extends = writer->extends();
    writer.reset();  // closes <output>.partial with complete = 0
    // The command to finish ends the last line on stderr: nothing is printed after it.
    fmt::print(stderr, "interrupted: {}\n",
               resume_hint(args, output.string(), kept, scenario.replications, "", extends));
    std::fflush(stderr);
    return 128 + signals.signal();
  }
  return finish_run(writer, output, args.quiet);
}

}  // namespace cxsim::cli
