// `cxsim calibrate`: load the experiment and its observed history, run ABC-SMC with every
// simulation on its own replication index (independent, not common random numbers), batch by
// batch on every core, each completed generation into <output>.partial; then the posterior
// predictive simulations, the finished file, the posterior overlay <output>.yaml and the summary.
// SIGINT and SIGTERM stop new simulations; --resume continues from the last completed
// generation to the identical file. Under mpirun or srun (CXSIM_MPI builds) each batch's
// simulations spread over the ranks instead (cli/mpi_calibrate.cpp).
#include <numeric>
#include <optional>
#include <span>
#include <vector>

#include "cli/calibrate_steps.hpp"
#include "cli/commands.hpp"
#include "cli/stop_signals.hpp"
#ifdef CXSIM_MPI
#include "cli/mpi_calibrate.hpp"
#include "cli/mpi_run.hpp"
#endif

namespace cxsim::cli {

int calibrate_command(const ExperimentArguments& args) {
#ifdef CXSIM_MPI
  if (mpi_launched()) return mpi_calibrate_command(args);  // under mpirun or srun
#endif
  const LoadedExperiment experiment = load_calibrate_experiment(args);
  OpenedCalibration opened = open_calibration(args, experiment);
  print_calibration_header(args, experiment, opened);

  StopSignals signals;
  const AbcSimulator simulate = [&](std::span<const AbcProposal> proposals)
      -> std::optional<std::vector<std::vector<double>>> {
    const auto n = static_cast<int>(proposals.size());
    std::vector<int> todo(static_cast<std::size_t>(n));
    std::iota(todo.begin(), todo.end(), 0);
    std::vector<std::vector<double>> out(static_cast<std::size_t>(n));
    const std::int64_t finished =
        simulate_proposals(experiment, proposals, todo, args.threads, &signals.flag(),
                           [&](int i, std::vector<double>&& summaries) {
                             out[static_cast<std::size_t>(i)] = std::move(summaries);
                           });
    if (finished < n) return std::nullopt;
    return out;
  };
  CalibrationOutcome outcome = run_calibration(args, experiment, opened, simulate, signals.flag());
  return finish_calibration(args, experiment, opened, outcome, signals.signal());
}

}  // namespace cxsim::cli
