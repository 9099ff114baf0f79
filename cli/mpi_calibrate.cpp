// Every rank loads the experiment and checks it matches rank 0's; rank 0 creates or resumes the
// file and runs ABC-SMC, whose simulator hands each batch to every rank (the proposals: their
// parameter values and replication indices) and then runs a farm whose items are the batch's
// proposals: a rank simulates the proposal it is handed on its own threads, as the
// single-process command does (cli/calibrate_steps.cpp), and sends back its summaries. Every
// simulation has its own replication indices, so the file equals that of a single-process run.
// After the last batch (the posterior predictive one included) or a stop, rank 0 tells the
// others there are no more batches.
#include "cli/mpi_calibrate.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <numeric>
#include <optional>
#include <span>
#include <vector>

#include "cli/calibrate_steps.hpp"
#include "cli/mpi_steps.hpp"
#include "cli/progress.hpp"
#include "cli/stop_signals.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/point_job.hpp"
#include "distributed/work_farm.hpp"
#include "engine/core/errors.hpp"
#include "outputs/sha256.hpp"

namespace cxsim::cli {

namespace {

template <typename T>
void put(std::vector<std::byte>& out, const T& value) {
  const auto at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

template <typename T>
T get(std::span<const std::byte> bytes, std::size_t& at) {
  if (at + sizeof(T) > bytes.size()) throw IoError("MPI: malformed calibration batch message");
  T value{};
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  at += sizeof(T);
  return value;
}

// A batch as rank 0 broadcasts it: the proposal count, then each proposal's first replication,
// replications and K parameter values. No bytes: no more batches.
std::vector<std::byte> encode_batch(std::span<const AbcProposal> proposals, int K) {
  std::vector<std::byte> out;
  put<std::int64_t>(out, static_cast<std::int64_t>(proposals.size()));
  for (const AbcProposal& p : proposals) {
    if (static_cast<int>(p.theta.size()) != K) {
      throw IoError("a calibration proposal with the wrong number of parameters");
    }
    put<std::int64_t>(out, p.first_replication);
    put<std::int64_t>(out, p.replications);
    for (const double x : p.theta) put<double>(out, x);
  }
  return out;
}

std::vector<AbcProposal> decode_batch(std::span<const std::byte> bytes, int K) {
  std::size_t at = 0;
  const auto n = get<std::int64_t>(bytes, at);
  const std::size_t each = 2 * sizeof(std::int64_t) + static_cast<std::size_t>(K) * sizeof(double);
  if (n < 0 || bytes.size() != sizeof(std::int64_t) + static_cast<std::size_t>(n) * each) {
    throw IoError("MPI: malformed calibration batch message");
  }
  std::vector<AbcProposal> proposals(static_cast<std::size_t>(n));
  for (AbcProposal& p : proposals) {
    p.first_replication = get<std::int64_t>(bytes, at);
    p.replications = static_cast<int>(get<std::int64_t>(bytes, at));
    p.theta.resize(static_cast<std::size_t>(K));
    for (double& x : p.theta) x = get<double>(bytes, at);
  }
  return proposals;
}

std::vector<std::byte> encode_summaries(const std::vector<double>& summaries) {
  std::vector<std::byte> out(summaries.size() * sizeof(double));
  if (!out.empty()) std::memcpy(out.data(), summaries.data(), out.size());
  return out;
}

std::vector<double> decode_summaries(std::span<const std::byte> bytes, std::size_t cells,
                                     std::int64_t item) {
  if (bytes.size() != cells * sizeof(double)) {
    throw IoError(fmt::format("the result of proposal {} holds {} bytes, expected {} summaries",
                              item, bytes.size(), cells));
  }
  std::vector<double> out(cells);
  if (cells > 0) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

int mpi_calibrate_command(const ExperimentArguments& args) {
  const MpiSession mpi;
  const int rank = mpi.rank();

  // 1. Every rank loads the experiment and its history itself (the files must be visible on
  // every node) and checks it resolved the same experiment (the history's digest included).
  std::optional<LoadedExperiment> loaded;
  std::exception_ptr error;
  try {
    loaded.emplace(load_calibrate_experiment(args));
  } catch (...) {
    error = std::current_exception();
  }
  if (const int status = agree_loaded(mpi, error, "experiment"); status != 0) return status;
  const LoadedExperiment& experiment = *loaded;
  const CalibrateBlock& block = experiment.spec.calibrate;
  const std::string digest = sha256_hex(sha256_hex(experiment.spec.resolved_yaml) +
                                        sha256_hex(experiment.base.resolved_yaml));
  if (const int status =
          agree_same(mpi, digest, "experiment", "experiment_sha256 or scenario_sha256");
      status != 0) {
    return status;
  }

  // 2. Rank 0 creates or resumes the file.
  std::optional<OpenedCalibration> opened;
  if (rank == 0) {
    try {
      opened.emplace(open_calibration(args, experiment));
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (const int status = follow_rank0(mpi, error); status != 0) return status;

  const auto K = static_cast<int>(block.parameters.size());
  const std::size_t cells = calibration_cells(block);
  StopSignals signals;
  FarmOptions options;
  options.stop = &signals.flag();
  options.failure = FailureInjection::from_environment();
  // The batch being simulated: set between farms, read by the jobs during one.
  std::vector<AbcProposal> batch;
  LocalTaskOptions local_options;
  local_options.threads = args.threads;
  local_options.slots =
      points_in_flight(experiment.base, args.threads, block.settings.replications);
  local_options.noun = "proposal";
  local_options.rank = rank;
  local_options.failure = options.failure;
  // The test hook's abort mode counts the items a rank finished in all its farms, as its throw
  // mode (LocalTasks) counts those it started: each farm gets what is left of the count.
  std::atomic<std::int64_t> finished_here{0};
  const auto farm_options = [&] {
    FarmOptions farm = options;
    farm.failure.after = std::max<std::int64_t>(1, options.failure.after - finished_here.load());
    return farm;
  };
  LocalTasks local(local_options, [&]() -> TaskJob {
    return [&](std::int64_t item) {
      const std::array<int, 1> todo{static_cast<int>(item)};
      std::optional<std::vector<double>> summaries;
      simulate_proposals(experiment, batch, todo, args.threads, nullptr,
                         [&](int, std::vector<double>&& s) { summaries = std::move(s); });
      if (!summaries) throw IoError("the runner returned without finishing the proposal");
      ++finished_here;
      return encode_summaries(*summaries);
    };
  });

  // 3. The other ranks: a farm per batch until rank 0 says there are no more. A rank that
  // failed in a farm still takes rank 0's last word, then returns its exit code.
  if (rank != 0) {
    int status = 0;
    while (true) {
      const std::vector<std::byte> message = broadcast_bytes_from_rank0({});
      if (message.empty()) return status;
      try {
        batch = decode_batch(message, K);
      } catch (const std::exception& e) {  // rank 0 would wait for this rank: end the job
        std::fprintf(stderr, "cxsim: rank %d: %s\n", rank, e.what());
        MpiSession::abort_job(1);
      }
      const int farm = work_as_rank(mpi, local, farm_options(), signals);
      if (status == 0) status = farm;
    }
  }

  // 4. Rank 0: ABC-SMC, each batch through a farm.
  OpenedCalibration& file = *opened;
  print_calibration_header(
      args, experiment, file,
      fmt::format("; {} rank{} (MPI)", mpi.size(), mpi.size() == 1 ? "" : "s"));
  constexpr std::string_view kHow = " (with any number of ranks, or in one process)";
  const bool terminal = !args.quiet && ::isatty(2) != 0;
  Progress progress(0, 0, Progress::Style::quiet);  // the generation lines show progress
  const FarmEnding ending{progress,
                          [&] {
                            if (terminal) fmt::print(stderr, "\r\033[K");
                            return calibration_resume_hint(args, file, kHow);
                          },
                          [&] { file.writer.reset(); }};
  int failed = 0;
  const AbcSimulator simulate = [&](std::span<const AbcProposal> proposals)
      -> std::optional<std::vector<std::vector<double>>> {
    if (signals.stopped()) return std::nullopt;  // a signal, or the test hook, between batches
    batch.assign(proposals.begin(), proposals.end());
    broadcast_bytes_from_rank0(encode_batch(proposals, K));
    const auto n = static_cast<std::int64_t>(proposals.size());
    std::vector<std::int64_t> todo(static_cast<std::size_t>(n));
    std::iota(todo.begin(), todo.end(), 0);
    std::vector<std::optional<std::vector<double>>> received(static_cast<std::size_t>(n));
    const int status = coordinate_as_rank0(
        mpi, local, n, todo, farm_options(),
        [&](std::int64_t item, std::vector<std::byte>&& bytes) {
          received[static_cast<std::size_t>(item)] = decode_summaries(bytes, cells, item);
        },
        signals, ending);
    if (status != 0) {
      failed = status;  // the message and the resume hint are printed, the file closed
      return std::nullopt;
    }
    std::vector<std::vector<double>> out;
    out.reserve(received.size());
    for (auto& r : received) {
      if (!r) return std::nullopt;  // an orderly stop before every proposal was simulated
      out.push_back(std::move(*r));
    }
    return out;
  };
  CalibrationOutcome outcome;
  try {
    outcome = run_calibration(args, experiment, file, simulate, signals.flag());
  } catch (...) {
    broadcast_bytes_from_rank0({});  // the others wait for the next batch: none
    throw;
  }
  if (failed != 0) {
    broadcast_bytes_from_rank0({});
    return failed;
  }
  if (outcome.stop == AbcStop::interrupted || !outcome.predictive) {
    // The partial file closed and the hint printed before the others are told: after a signal
    // mpirun and Slurm may end this rank at any moment.
    const int status = finish_calibration(args, experiment, file, outcome, signals.signal(), kHow);
    broadcast_bytes_from_rank0({});
    return status;
  }
  broadcast_bytes_from_rank0({});
  return finish_calibration(args, experiment, file, outcome, signals.signal(), kHow);
}

}  // namespace cxsim::cli
