// A replication as run_replication computes it, serialised by result_codec.
#include "distributed/replication_job.hpp"

#include <memory>

#include "agents/network.hpp"
#include "distributed/result_codec.hpp"

namespace cxsim {

TaskJob make_replication_job(const Scenario& scenario, const ReplicationOptions& options) {
  std::shared_ptr<const Network> network;
  if (!scenario.network.per_replication) {
    network = std::make_shared<const Network>(build_network(
        scenario.network, static_cast<std::uint32_t>(scenario.agents), scenario.seed, 0));
  }
  return [&scenario, options, network](std::int64_t replication) {
    return encode_result(run_replication(scenario, replication, network.get(), options));
  };
}

}  // namespace cxsim
