// SIGINT and SIGTERM as a stop request: the run starts no new replication, keeps what finished
// and exits; a second signal ends the process at once.
#pragma once

#include <atomic>

namespace cxsim::cli {

// Installs the handlers for its lifetime and restores the previous ones after.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The flag the runner polls; also set by code that wants the same orderly stop.
  std::atomic<bool>& flag();
  bool stopped() const;
  // The signal that stopped the run, 0 when none did.
  int signal() const;

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

}  // namespace cxsim::cli
