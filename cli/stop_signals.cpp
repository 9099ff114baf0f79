// Signal handlers that only set atomics (async-signal-safe).
#include "cli/stop_signals.hpp"

#include <csignal>

namespace cxsim::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
  std::signal(sig, SIG_DFL);  // a second signal ends the process at once
}

}  // namespace

StopSignals::StopSignals() {
  g_stop.store(false);
  g_signal.store(0);
  previous_int_ = std::signal(SIGINT, on_stop_signal);
  previous_term_ = std::signal(SIGTERM, on_stop_signal);
}

StopSignals::~StopSignals() {
  std::signal(SIGINT, previous_int_);
  std::signal(SIGTERM, previous_term_);
}

std::atomic<bool>& StopSignals::flag() {
  return g_stop;
}
bool StopSignals::stopped() const {
  return g_stop.load();
}
int StopSignals::signal() const {
  return g_signal.load();
}

}  // namespace cxsim::cli
