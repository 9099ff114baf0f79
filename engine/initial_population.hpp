// The population at t = 0 of one replication (MODEL.md s.1), shared by all its roadmaps.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "agents/population.hpp"
#include "engine/core/scenario.hpp"
#include "engine/month_kernel.hpp"

namespace cxsim {

// Largest-remainder rounding: integers proportional to `weights` that sum to `total`
// (ties go to the earlier entry).
std::vector<std::int64_t> largest_remainder(std::span<const double> weights, std::int64_t total);

// Exact segment sizes and initial customer counts; which agents they are is random.
// `base` is the replication's drawn parameter vector; `heterogeneity`, when not empty, holds
// each segment's per-agent churn distribution for this replication (a posterior sets its
// parameters), in place of the scenario's.
Population make_initial_population(const Scenario& scenario, std::span<const double> base,
                                   const StreamKey& key,
                                   std::span<const Distribution> heterogeneity = {});

}  // namespace cxsim
