// How much memory a replication needs, and so how many can be in flight at once: the loader
// refuses what cannot fit at all, the runner never starts more than fit together.
#pragma once

#include <cstdint>

#include "engine/core/scenario.hpp"

namespace cxsim {

// Physical memory of this machine (MemTotal); 0 when unknown.
double physical_memory_bytes();

// Roadmap runs per replication: each roadmap, plus its zero-defect counterfactual when enabled,
// plus one twin per touchpoint with analysis.avoidable_cost_by_touchpoint.
double roadmap_runs(double roadmaps, bool zero_defect, bool by_touchpoint, int touchpoints);
int roadmap_runs_per_replication(const Scenario& scenario);

// Peak bytes of one replication in flight: its network, its initial population, and one
// population per roadmap run (zero-defect twins included) running side by side.
double replication_memory_bytes(double agents, double roadmap_runs, NetworkType network,
                                int mean_degree);
double replication_memory_bytes(const Scenario& scenario);

// Bytes the results writer holds at the end of a run: every summary metric of every replication
// and roadmap run, read back to compute statistics and robustness tables (twice, as values and
// as per-roadmap columns).
double results_memory_bytes(double replications, double roadmap_runs);

// Replications the runner may hold at once: no more than the threads, and no more than fit in
// three quarters of physical memory (at least one).
int replications_in_flight(const Scenario& scenario, int threads);

}  // namespace cxsim
