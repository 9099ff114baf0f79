// Work items as enqueued TBB tasks; each runs isolated so that a thread waiting inside one item's
// parallel loops never starts another (bounded memory: at most `slots` items open at once).
#include "distributed/local_tasks.hpp"

#include <fmt/format.h>
#include <tbb/info.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace cxsim {

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

int LocalTasks::resolve_threads(int threads) {
  return threads > 0 ? threads : std::max(1, tbb::info::default_concurrency());
}

namespace {

LocalTaskOptions resolved(LocalTaskOptions options) {
  options.threads = LocalTasks::resolve_threads(options.threads);
  options.slots = std::clamp(options.slots, 1, options.threads);
  return options;
}

}  // namespace

LocalTasks::LocalTasks(const LocalTaskOptions& options, const std::function<TaskJob()>& make_job)
    : options_(resolved(options)),
      parallelism_(tbb::global_control::max_allowed_parallelism,
                   static_cast<std::size_t>(options_.threads) + 1),
      arena_(options_.threads, 0) {
  arena_.execute([&] { job_ = make_job(); });
}

LocalTasks::~LocalTasks() {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->changed.wait(lock, [&] { return shared_->in_flight == 0; });
}

int LocalTasks::in_flight() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->in_flight;
}

void LocalTasks::start(std::int64_t item) {
  const FailureInjection& failure = options_.failure;
  const bool inject =
      !failure.abort && failure.applies_to(options_.rank) && started_ >= failure.after;
  ++started_;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    ++shared_->in_flight;
  }
  arena_.enqueue([this, item, inject, shared = shared_] {
    FinishedItem done;
    done.item = item;
    try {
      if (inject) {
        throw std::runtime_error(
            "failure injected by the test hook CXSIM_TEST_FAIL_RANK (CXSIM_TEST_FAIL_MODE=throw)");
      }
      std::vector<std::byte> result;
      tbb::this_task_arena::isolate([&] { result = job_(item); });
      done.result = std::move(result);
    } catch (const std::exception& e) {
      done.error = fmt::format("{} {}: {}", options_.noun, item, e.what());
    } catch (...) {
      done.error = fmt::format("{} {}: unknown error", options_.noun, item);
    }
    // Notify under the lock: once it is released the owner may be gone.
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->finished.push_back(std::move(done));
    --shared->in_flight;
    shared->changed.notify_all();
  });
}

int LocalTasks::take(std::vector<FinishedItem>& out, std::chrono::microseconds wait) {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  if (shared_->finished.empty() && wait.count() > 0) {
    shared_->changed.wait_for(lock, wait, [&] { return !shared_->finished.empty(); });
  }
  for (auto& f : shared_->finished) out.push_back(std::move(f));
  shared_->finished.clear();
  return shared_->in_flight;
}

}  // namespace cxsim
