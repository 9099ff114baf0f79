// The engine's performance harness: throughput, parallel efficiency, memory and the variance
// that common random numbers remove, measured from inside the process after a warm-up
// (docs/performance.md).
//
//   bench_engine [SCENARIO] [--agents N] [--months T] [--reps R] [--threads LIST]
//                [--warmup N] [--kernel-only] [--crn R] [--set path=value]...
//
// SCENARIO defaults to bench/reference.yaml. --threads is a comma list (0 = every core), default
// "1,2,0". --reps: replications timed per thread count (default 2 for the kernel, 2 per thread
// end to end); --warmup N untimed ones before each timing (default 1); --kernel-only skips the
// end-to-end runs. --crn R also runs R replications with common and with independent streams and
// reports the sd of delta NPV of each roadmap against the baseline (0 skips it, the default).
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "agents/network.hpp"
#include "agents/population.hpp"
#include "config/scenario_loader.hpp"
#include "engine/month_kernel.hpp"
#include "engine/replication.hpp"
#include "engine/runner.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds used by every thread of the process: on a shared machine, the single-thread rate
// per CPU second is the figure other jobs disturb least.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Peak resident set of the process so far, in bytes (VmHWM).
double peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;
}

struct Options {
  std::string scenario = "bench/reference.yaml";
  std::vector<std::string> sets;
  std::int64_t reps = 0;  // 0: 2 per thread, at least 2
  std::vector<int> threads = {1, 2, 0};
  std::int64_t crn = 0;
  int warmup = 1;            // untimed replications before each timing
  bool kernel_only = false;  // skip the end-to-end runs (for very large scenarios)
};

std::vector<int> parse_threads(const std::string& list) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t comma = list.find(',', pos);
    out.push_back(std::stoi(list.substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--agents") {
      const std::string n = value();
      o.sets.push_back("agents=" + n);
      // The market must hold the agents; the weight w only scales reported money.
      o.sets.push_back("market.population=" + std::to_string(std::max(2e6, std::stod(n))));
    } else if (a == "--months") {
      o.sets.push_back("horizon_months=" + value());
    } else if (a == "--reps") {
      o.reps = std::stoll(value());
    } else if (a == "--threads") {
      o.threads = parse_threads(value());
    } else if (a == "--warmup") {
      o.warmup = std::stoi(value());
    } else if (a == "--kernel-only") {
      o.kernel_only = true;
    } else if (a == "--crn") {
      o.crn = std::stoll(value());
    } else if (a == "--set") {
      o.sets.push_back(value());
    } else if (!a.empty() && a[0] != '-') {
      o.scenario = a;
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  return o;
}

int resolve(int threads) {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

// Agent-months one replication simulates: every agent (prospects included), every month, every
// roadmap run (zero-defect twins included).
double agent_months(const cxsim::Scenario& sc) {
  const double runs =
      static_cast<double>(sc.roadmaps.size()) * (sc.zero_defect_counterfactual ? 2 : 1);
  return static_cast<double>(sc.agents) * sc.horizon_months * runs;
}

// FNV-1a over every number a replication reports: equal checksums mean bit-identical results.
std::uint64_t checksum(const cxsim::ReplicationResult& r, std::uint64_t h) {
  auto mix = [&](const double* p, std::size_t n) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n * sizeof(double); ++i) {
      h ^= bytes[i];
      h *= 0x100000001b3ull;
    }
  };
  for (const auto* runs : {&r.roadmaps, &r.zero_defect}) {
    for (const cxsim::RoadmapRun& run : *runs) {
      mix(run.timeseries.data(), run.timeseries.size());
      mix(run.by_segment.data(), run.by_segment.size());
      mix(run.by_touchpoint.data(), run.by_touchpoint.size());
      mix(run.summary.data(), run.summary.size());
    }
  }
  return h;
}

double sample_sd(const std::vector<double>& x) {
  if (x.size() < 2) return std::nan("");
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

// sd over replications of delta NPV, per roadmap (index 0 is the baseline, always 0).
std::vector<double> delta_npv_sd(const cxsim::Scenario& sc, std::int64_t reps, bool independent) {
  std::vector<std::vector<double>> deltas(sc.roadmaps.size());
  std::vector<std::int64_t> todo(static_cast<std::size_t>(reps));
  std::iota(todo.begin(), todo.end(), 0);
  cxsim::RunnerOptions options;
  options.replication.independent_streams = independent;
  cxsim::run_replications(sc, todo, options, [&](cxsim::ReplicationResult&& r) {
    for (std::size_t k = 0; k < r.roadmaps.size(); ++k) {
      deltas[k].push_back(r.roadmaps[k].at(cxsim::SummaryMetric::delta_npv));
    }
  });
  std::vector<double> sd;
  for (const auto& d : deltas) sd.push_back(sample_sd(d));
  return sd;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse(argc, argv);
    cxsim::LoadOptions load;
    load.overrides = opt.sets;
    const cxsim::Scenario sc = cxsim::load_scenario(opt.scenario, load);
    const double am = agent_months(sc);
    const int all = tbb::info::default_concurrency();
    std::printf("scenario %s: %lld agents, %d months, %zu roadmaps%s, network %s degree %d\n",
                sc.name.c_str(), static_cast<long long>(sc.agents), sc.horizon_months,
                sc.roadmaps.size(), sc.zero_defect_counterfactual ? " (+ zero-defect twins)" : "",
                cxsim::to_string(sc.network.type), sc.network.mean_degree);
    std::printf("agent-months per replication: %.4g; cores available: %d\n", am, all);

    // Network of replication 0, built once: the kernel timings below reuse it (the kernel does
    // not care which replication's graph it walks).
    const auto agents = static_cast<std::uint32_t>(sc.agents);
    double net_seconds = 0.0;
    cxsim::Network network;
    {
      tbb::task_arena arena(1);
      const auto t0 = Clock::now();
      arena.execute([&] { network = cxsim::build_network(sc.network, agents, sc.seed, 0); });
      net_seconds = seconds_since(t0);
    }
    const double net_bytes = static_cast<double>(network.memory_bytes());
    const double entries = static_cast<double>(network.neighbour_array().size());
    std::printf("network: %.3f s to build on 1 thread, %.0f neighbour entries, %.1f MB\n",
                net_seconds, entries, net_bytes / 1e6);

    // Kernel throughput, one replication at a time on a fixed network: run_replication minus the
    // network build (parameter draws and the initial population are included; both are small).
    std::printf("\n%-8s %-10s %10s %10s %14s %16s %12s\n", "threads", "mode", "wall s", "cpu s",
                "agent-months", "agent-months/s", "per thread");
    double single_kernel_rate = 0.0;
    double single_kernel_cpu_rate = 0.0;
    std::vector<double> kernel_rates;
    std::vector<double> kernel_cpu_rates;  // agent-months per CPU second
    std::vector<std::uint64_t> checksums;
    for (int requested : opt.threads) {
      const int n = resolve(requested);
      tbb::task_arena arena(n);
      const std::int64_t reps = opt.reps > 0 ? opt.reps : 2;
      for (int w = 0; w < opt.warmup; ++w) {
        arena.execute([&] { cxsim::run_replication(sc, 1000 + w, &network); });
      }
      std::uint64_t sum = 0xcbf29ce484222325ull;
      const double c0 = cpu_seconds();
      const auto t0 = Clock::now();
      arena.execute([&] {
        for (std::int64_t r = 0; r < reps; ++r) {
          sum = checksum(cxsim::run_replication(sc, r, &network), sum);
        }
      });
      const double secs = seconds_since(t0);
      const double cpu = cpu_seconds() - c0;
      checksums.push_back(sum);
      const double rate = am * static_cast<double>(reps) / secs;
      if (n == 1) {
        single_kernel_rate = rate;
        single_kernel_cpu_rate = am * static_cast<double>(reps) / cpu;
      }
      kernel_rates.push_back(rate);
      kernel_cpu_rates.push_back(am * static_cast<double>(reps) / cpu);
      std::printf("%-8d %-10s %10.3f %10.3f %14.4g %16.4g %12.4g\n", n, "kernel", secs, cpu,
                  am * static_cast<double>(reps), rate, rate / n);
    }

    // End to end: run_replications (network per replication, replications and agent blocks in
    // parallel), results discarded.
    double single_run_rate = 0.0;
    std::vector<std::pair<int, double>> run_rates;
    for (int requested : opt.kernel_only ? std::vector<int>{} : opt.threads) {
      const int n = resolve(requested);
      const std::int64_t reps = opt.reps > 0 ? opt.reps : std::max(2, 2 * n);
      std::vector<std::int64_t> todo(static_cast<std::size_t>(reps));
      std::iota(todo.begin(), todo.end(), 0);
      cxsim::RunnerOptions options;
      options.threads = n;
      std::vector<std::int64_t> warm(static_cast<std::size_t>(opt.warmup));
      std::iota(warm.begin(), warm.end(), 1000);
      cxsim::run_replications(sc, warm, options, [](cxsim::ReplicationResult&&) {});
      const double c0 = cpu_seconds();
      const auto t0 = Clock::now();
      cxsim::run_replications(sc, todo, options, [](cxsim::ReplicationResult&&) {});
      const double secs = seconds_since(t0);
      const double cpu = cpu_seconds() - c0;
      const double rate = am * static_cast<double>(reps) / secs;
      if (n == 1) single_run_rate = rate;
      run_rates.emplace_back(n, rate);
      std::printf("%-8d %-10s %10.3f %10.3f %14.4g %16.4g %12.4g\n", n, "run", secs, cpu,
                  am * static_cast<double>(reps), rate, rate / n);
    }

    std::printf("results checksum (replications on the fixed network): %016llx%s\n",
                static_cast<unsigned long long>(checksums.front()),
                std::all_of(checksums.begin(), checksums.end(),
                            [&](std::uint64_t c) { return c == checksums.front(); })
                    ? ", identical at every thread count"
                    : ", DIFFERS BETWEEN THREAD COUNTS");
    std::printf("\nparallel efficiency (rate at n threads / (n x rate at 1 thread)):\n");
    for (std::size_t i = 0; i < opt.threads.size(); ++i) {
      const int n = resolve(opt.threads[i]);
      if (single_kernel_rate > 0) {
        // The CPU-second ratio shows overhead (spinning, imbalance) even when other jobs take
        // cores away and the wall-clock ratio means nothing.
        std::printf(
            "  kernel (one replication, agent blocks in parallel), %2d threads: %5.1f%% "
            "(per CPU second: %5.1f%%)\n",
            n, 100.0 * kernel_rates[i] / (n * single_kernel_rate),
            100.0 * kernel_cpu_rates[i] / single_kernel_cpu_rate);
      }
    }
    for (const auto& [n, rate] : run_rates) {
      if (single_run_rate > 0) {
        std::printf("  run (replications and blocks in parallel),          %2d threads: %5.1f%%\n",
                    n, 100.0 * rate / (n * single_run_rate));
      }
    }

    const double state = static_cast<double>(cxsim::Population::bytes_per_agent());
    const double heard = static_cast<double>(cxsim::KernelScratch::bytes_per_agent());
    std::printf(
        "\nmemory: population state %.0f bytes/agent (+ %.0f of kernel scratch per roadmap run); "
        "network %.2f bytes/neighbour entry + %.2f bytes/agent of offsets\n",
        state, heard, entries > 0 ? 4.0 : 0.0,
        (net_bytes - 4.0 * entries) / static_cast<double>(agents));
    const double peak = peak_rss_bytes();
    std::printf("peak resident memory: %.1f MB (%.1f bytes per agent)\n", peak / 1e6,
                peak / static_cast<double>(agents));

    if (opt.crn > 0) {
      const auto common = delta_npv_sd(sc, opt.crn, false);
      const auto independent = delta_npv_sd(sc, opt.crn, true);
      std::printf("\ncommon random numbers, %lld replications: sd of delta NPV against %s\n",
                  static_cast<long long>(opt.crn), sc.roadmaps[sc.baseline].name.c_str());
      for (std::size_t k = 0; k < sc.roadmaps.size(); ++k) {
        if (static_cast<int>(k) == sc.baseline) continue;
        std::printf("  %-24s common %.4g  independent %.4g  ratio %.1fx\n",
                    sc.roadmaps[k].name.c_str(), common[k], independent[k],
                    independent[k] / common[k]);
      }
    }
    // Only the one-thread rates that were measured: a 0 for a mode not run would read as a rate.
    std::printf("\nsummary: one thread");
    if (single_kernel_rate > 0) {
      std::printf(", %.4g agent-months/s (kernel, wall clock), %.4g per CPU second",
                  single_kernel_rate, single_kernel_cpu_rate);
    }
    if (single_run_rate > 0) {
      std::printf("%s %.4g end to end", single_kernel_rate > 0 ? ";" : ",", single_run_rate);
    }
    if (single_kernel_rate <= 0 && single_run_rate <= 0) {
      std::printf(": not measured (--threads did not include 1)");
    }
    std::printf("\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_engine: %s\n", e.what());
    return 1;
  }
}
