// Networks whose replications have ended, kept for the next replications to build into.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "agents/network.hpp"

namespace cxsim {

// A per-replication network is built, used by the replication's roadmaps and dropped; the next
// replication builds one of the same size. Freed and allocated again, its memory comes back as
// fresh pages, each faulted in and zeroed by the kernel (about a quarter of a 100 000-node
// build). Handed on instead, it is memory the process already has. At most `capacity` networks
// are kept (the runner's replications in flight), so a run never holds more network memory than
// when every replication in flight has its own. Thread-safe; taking and giving are rare (once
// per replication), so a mutex is no cost.
class NetworkSpares {
 public:
  explicit NetworkSpares(std::size_t capacity) : capacity_(capacity) {}

  // A spare (for build_network's `spare`), or an empty network when none is kept.
  Network take();

  // Keeps `used` for a later take() while fewer than `capacity` are kept; frees it otherwise.
  void give(Network&& used);

 private:
  std::mutex mutex_;
  std::vector<Network> spares_;
  std::size_t capacity_;
};

}  // namespace cxsim
