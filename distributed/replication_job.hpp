// The work item of `cxsim run` under MPI: one replication of the scenario, encoded for rank 0.
#pragma once

#include "distributed/local_tasks.hpp"
#include "engine/core/scenario.hpp"
#include "engine/replication.hpp"

namespace cxsim {

// Item r runs replication r (every result in full, as the single-process run writes it). With
// network.per_replication false the network is built here, once, and shared by every
// replication; call it inside the rank's arena (LocalTasks does) so that uses the rank's threads.
// `scenario` must outlive the job.
TaskJob make_replication_job(const Scenario& scenario, const ReplicationOptions& options);

}  // namespace cxsim
