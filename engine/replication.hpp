// One replication: draw its parameters, build its network and initial population, run every
// roadmap (and its zero-defect counterfactual, and its per-touchpoint zero-defect twins) on common
// random numbers, then value them.
#pragma once

#include <cstdint>

#include "agents/network.hpp"
#include "agents/network_spares.hpp"
#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"

namespace cxsim {

struct ReplicationOptions {
  // Give each roadmap its own streams instead of common random numbers (for measuring what
  // common random numbers buy; never the default).
  bool independent_streams = false;
};

// `shared_network`: the run's one network when network.per_replication is false, else null.
// `spares` (optional): where the replication's own network comes from and goes back to, so that
// its memory is used again by the next replication.
ReplicationResult run_replication(const Scenario& scenario, std::int64_t replication,
                                  const Network* shared_network,
                                  const ReplicationOptions& options = {},
                                  NetworkSpares* spares = nullptr);

}  // namespace cxsim
