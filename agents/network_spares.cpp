// NetworkSpares: a bounded stack of networks, guarded by a mutex.
#include "agents/network_spares.hpp"

#include <utility>

namespace cxsim {

Network NetworkSpares::take() {
  std::lock_guard lock(mutex_);
  if (spares_.empty()) return Network();
  Network spare = std::move(spares_.back());
  spares_.pop_back();
  return spare;
}

void NetworkSpares::give(Network&& used) {
  Network dropped;  // freed outside the lock
  {
    std::lock_guard lock(mutex_);
    if (spares_.size() < capacity_) {
      spares_.push_back(std::move(used));
      return;
    }
    dropped = std::move(used);
  }
}

}  // namespace cxsim
