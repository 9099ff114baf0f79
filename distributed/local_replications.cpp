// Replications as enqueued TBB tasks; each runs isolated so that a thread waiting inside one
// replication's parallel loops never starts another (bounded populations in memory).
#include "distributed/local_replications.hpp"

#include <fmt/format.h>
#include <tbb/info.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace cxsim {

namespace {

int resolve_threads(int threads) {
  return threads > 0 ? threads : std::max(1, tbb::info::default_concurrency());
}

}  // namespace

FailureInjection FailureInjection::from_environment() {
  FailureInjection f;
  const char* rank = std::getenv("CXSIM_TEST_FAIL_RANK");
  if (rank == nullptr || *rank == '\0') return f;
  f.rank = std::atoi(rank);
  if (const char* after = std::getenv("CXSIM_TEST_FAIL_AFTER")) f.after = std::atoll(after);
  if (const char* mode = std::getenv("CXSIM_TEST_FAIL_MODE"))
    f.abort = std::string_view(mode) != "throw";
  return f;
}

LocalReplications::LocalReplications(const Scenario& scenario, int threads,
                                     const ReplicationOptions& options, int rank,
                                     const FailureInjection& failure)
    : scenario_(scenario),
      options_(options),
      rank_(rank),
      failure_(failure),
      slots_(resolve_threads(threads)),
      parallelism_(tbb::global_control::max_allowed_parallelism,
                   static_cast<std::size_t>(slots_) + 1),
      arena_(slots_, 0) {
  if (!scenario_.network.per_replication) {
    arena_.execute([&] {
      network_ = build_network(scenario_.network, static_cast<std::uint32_t>(scenario_.agents),
                               scenario_.seed, 0);
    });
  }
}

LocalReplications::~LocalReplications() {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->changed.wait(lock, [&] { return shared_->in_flight == 0; });
}

int LocalReplications::in_flight() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->in_flight;
}

void LocalReplications::start(std::int64_t replication) {
  const bool inject = !failure_.abort && failure_.applies_to(rank_) && started_ >= failure_.after;
  ++started_;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    ++shared_->in_flight;
  }
  arena_.enqueue([this, replication, inject, shared = shared_] {
    FinishedReplication done;
    done.replication = replication;
    try {
      if (inject) {
        throw std::runtime_error(
            "failure injected by the test hook CXSIM_TEST_FAIL_RANK (CXSIM_TEST_FAIL_MODE=throw)");
      }
      ReplicationResult result;
      tbb::this_task_arena::isolate([&] {
        result = run_replication(scenario_, replication, network_ ? &*network_ : nullptr, options_);
      });
      done.result = std::move(result);
    } catch (const std::exception& e) {
      done.error = fmt::format("replication {}: {}", replication, e.what());
    } catch (...) {
      done.error = fmt::format("replication {}: unknown error", replication);
    }
    // Notify under the lock: once it is released the owner may be gone.
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->finished.push_back(std::move(done));
    --shared->in_flight;
    shared->changed.notify_all();
  });
}

int LocalReplications::take(std::vector<FinishedReplication>& out, std::chrono::microseconds wait) {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  if (shared_->finished.empty() && wait.count() > 0) {
    shared_->changed.wait_for(lock, wait, [&] { return !shared_->finished.empty(); });
  }
  for (auto& f : shared_->finished) out.push_back(std::move(f));
  shared_->finished.clear();
  return shared_->in_flight;
}

}  // namespace cxsim
