// Memory estimates from the sizes of the agent and network arrays.
#include "engine/memory_budget.hpp"

#include <algorithm>
#include <fstream>
#include <string>

#include "agents/population.hpp"
#include "engine/metrics.hpp"
#include "engine/month_kernel.hpp"

namespace cxsim {

double physical_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemTotal:") return kb * 1024.0;
  }
  return 0;
}

double replication_memory_bytes(double agents, double roadmap_runs, NetworkType network,
                                int mean_degree) {
  const double per_agent = static_cast<double>(Population::bytes_per_agent());
  const double runs = std::max(roadmap_runs, 1.0);
  // The initial population, and each roadmap run's population and what its agents hear.
  double bytes = agents * (per_agent + runs * (per_agent + KernelScratch::bytes_per_agent()));
  if (network != NetworkType::none && network != NetworkType::complete) {
    // 64-bit offsets plus 32-bit neighbour entries.
    bytes += agents * (8.0 + 4.0 * mean_degree);
  }
  return bytes;
}

double roadmap_runs(double roadmaps, bool zero_defect, bool by_touchpoint, int touchpoints) {
  return roadmaps * (1.0 + (zero_defect ? 1.0 : 0.0) + (by_touchpoint ? touchpoints : 0.0));
}

int roadmap_runs_per_replication(const Scenario& scenario) {
  return static_cast<int>(roadmap_runs(
      static_cast<double>(scenario.roadmaps.size()), scenario.zero_defect_counterfactual,
      scenario.avoidable_cost_by_touchpoint, static_cast<int>(scenario.touchpoints.size())));
}

double results_memory_bytes(double replications, double roadmap_runs) {
  return 2.0 * replications * std::max(roadmap_runs, 1.0) * kSummaryMetrics * sizeof(double);
}

double replication_memory_bytes(const Scenario& scenario) {
  const double runs = static_cast<double>(roadmap_runs_per_replication(scenario));
  return replication_memory_bytes(static_cast<double>(scenario.agents), runs, scenario.network.type,
                                  scenario.network.mean_degree);
}

int replications_in_flight(const Scenario& scenario, int threads) {
  const int by_threads = std::max(threads, 1);
  const double memory = physical_memory_bytes();
  if (memory <= 0) return by_threads;
  const double fit = 0.75 * memory / replication_memory_bytes(scenario);
  return std::clamp(static_cast<int>(fit), 1, by_threads);
}

}  // namespace cxsim
