// The farm's messages (tags below) and the two event loops. Only the calling thread talks MPI;
// it polls for messages and sleeps on its rank's finished-item queue in between.
#include "distributed/work_farm.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <list>
#include <optional>
#include <vector>

#include "engine/core/errors.hpp"

namespace cxsim {

namespace {

// Worker -> rank 0: REQUEST (int32: idle slots), RESULT (int64 item, then the job's bytes;
// synchronous send so that a completed send means rank 0 holds it), ERROR (chars), DONE (int64:
// results sent).
// Rank 0 -> worker: ASSIGN (int64 indices; none = no more work), STOP, FINISH (after DONE).
enum Tag : int { kRequest = 1, kAssign, kResult, kError, kDone, kStop, kFinish };

// How long the MPI thread sleeps when nothing happened; a message waits at most this long.
constexpr std::chrono::microseconds kPoll{500};

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw IoError(fmt::format("MPI: {} failed (error {})", what, rc));
}

// Receives the message that probe found, as bytes.
std::vector<std::byte> receive_bytes(const MPI_Status& probed) {
  int count = 0;
  check(MPI_Get_count(&probed, MPI_BYTE, &count), "MPI_Get_count");
  std::vector<std::byte> bytes(static_cast<std::size_t>(count));
  check(MPI_Recv(bytes.data(), count, MPI_BYTE, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE),
        "MPI_Recv");
  return bytes;
}

std::optional<MPI_Status> probe(int source) {
  int flag = 0;
  MPI_Status status;
  check(MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
  if (!flag) return std::nullopt;
  return status;
}

// Small control messages, as bytes (the receiver probes for their size).
void send_bytes(int dest, Tag tag, std::span<const std::byte> bytes) {
  check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD),
        "MPI_Send");
}

std::string as_text(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <typename T>
T as_value(const std::vector<std::byte>& bytes, const char* what) {
  T value{};
  if (bytes.size() != sizeof(T)) throw IoError(fmt::format("MPI: malformed {} message", what));
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

// The RESULT message of `item`: its index, then its encoded result.
std::vector<std::byte> result_message(std::int64_t item, const std::vector<std::byte>& result) {
  std::vector<std::byte> message(sizeof(item) + result.size());
  std::memcpy(message.data(), &item, sizeof(item));
  if (!result.empty()) std::memcpy(message.data() + sizeof(item), result.data(), result.size());
  return message;
}

std::int64_t take_item(std::vector<std::byte>& message) {
  std::int64_t item = 0;
  if (message.size() < sizeof(item)) throw IoError("MPI: malformed result message");
  std::memcpy(&item, message.data(), sizeof(item));
  message.erase(message.begin(), message.begin() + sizeof(item));
  return item;
}

[[noreturn]] void injected_abort(int rank) {
  std::fprintf(stderr, "cxsim: rank %d: aborting (test hook CXSIM_TEST_FAIL_RANK)\n", rank);
  std::fflush(stderr);
  std::abort();
}

}  // namespace

FarmOutcome coordinate_farm(const MpiSession& mpi, LocalTasks& local, std::int64_t items,
                            std::span<const std::int64_t> todo, const FarmOptions& options,
                            const FarmSink& sink, const std::function<void()>& on_stop) {
  constexpr int kUnassigned = -1;
  constexpr int kReceived = -2;
  const int workers = mpi.size() - 1;
  std::deque<std::int64_t> pool(todo.begin(), todo.end());
  std::vector<int> owner(static_cast<std::size_t>(items), kUnassigned);
  std::vector<bool> worker_done(static_cast<std::size_t>(mpi.size()), false);
  int done_count = 0;
  bool stopping = false;
  bool stop_seen = false;
  std::int64_t local_results = 0;
  FarmOutcome outcome;
  std::vector<FinishedItem> finished;

  auto stop_farm = [&] {
    if (stopping) return;
    stopping = true;
    pool.clear();
    for (int r = 1; r < mpi.size(); ++r) {
      if (!worker_done[static_cast<std::size_t>(r)]) send_bytes(r, kStop, {});
    }
  };
  auto fail = [&](int rank, std::string error) {
    if (!outcome.failed) {
      outcome.failed = true;
      outcome.failed_rank = rank;
      outcome.error = std::move(error);
    }
    stop_farm();
  };
  auto deliver = [&](std::int64_t item, std::vector<std::byte>&& result, int from) {
    if (item < 0 || item >= items || owner[static_cast<std::size_t>(item)] != from) {
      throw IoError(fmt::format("rank {} sent the result of item {}, which was not handed to it",
                                from, item));
    }
    owner[static_cast<std::size_t>(item)] = kReceived;
    sink(item, std::move(result));
    ++outcome.results;
  };

  while (true) {
    if (!stop_seen && options.stop && options.stop->load()) {
      stop_seen = true;
      on_stop();
      stop_farm();
    }

    for (auto& f : finished) {
      if (!f.result) {
        fail(0, std::move(f.error));
        continue;
      }
      deliver(f.item, std::move(*f.result), 0);
      ++local_results;
      if (options.failure.abort && options.failure.applies_to(0) &&
          local_results >= options.failure.after) {
        injected_abort(0);
      }
    }
    finished.clear();
    while (!stopping && local.free_slots() > 0 && !pool.empty()) {
      const std::int64_t item = pool.front();
      pool.pop_front();
      owner[static_cast<std::size_t>(item)] = 0;
      local.start(item);
    }

    bool any_message = false;
    while (const auto status = probe(MPI_ANY_SOURCE)) {
      any_message = true;
      const int from = status->MPI_SOURCE;
      std::vector<std::byte> bytes = receive_bytes(*status);
      switch (status->MPI_TAG) {
        case kRequest: {
          const auto wanted = as_value<std::int32_t>(bytes, "request");
          std::vector<std::int64_t> grant;
          while (!stopping && static_cast<std::int32_t>(grant.size()) < wanted && !pool.empty()) {
            grant.push_back(pool.front());
            owner[static_cast<std::size_t>(pool.front())] = from;
            pool.pop_front();
          }
          check(MPI_Send(grant.data(), static_cast<int>(grant.size()), MPI_INT64_T, from, kAssign,
                         MPI_COMM_WORLD),
                "MPI_Send");
          break;
        }
        case kResult: {
          const std::int64_t item = take_item(bytes);
          deliver(item, std::move(bytes), from);
          break;
        }
        case kError:
          fail(from, as_text(bytes));
          break;
        case kDone:
          if (!worker_done[static_cast<std::size_t>(from)]) {
            worker_done[static_cast<std::size_t>(from)] = true;
            ++done_count;
          }
          break;
        default:
          throw IoError(
              fmt::format("MPI: unexpected message (tag {}) from rank {}", status->MPI_TAG, from));
      }
    }

    const int running = local.take(finished, std::chrono::microseconds(0));
    const bool nothing_left = stopping || pool.empty();
    if (finished.empty() && running == 0 && nothing_left && done_count == workers) break;
    if (finished.empty() && !any_message) local.take(finished, kPoll);
  }
  for (int r = 1; r < mpi.size(); ++r) send_bytes(r, kFinish, {});
  return outcome;
}

FarmOutcome work_in_farm(const MpiSession& mpi, LocalTasks& local, const FarmOptions& options) {
  struct PendingSend {
    std::vector<std::byte> bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  const int rank = mpi.rank();
  std::deque<std::int64_t> queued;
  std::list<PendingSend> sends;
  bool request_pending = false;
  bool exhausted = false;
  bool stopping = false;
  bool done_sent = false;
  FarmOutcome outcome;
  std::vector<FinishedItem> finished;

  auto stop_with_error = [&](std::string error) {
    if (!outcome.failed) {
      outcome.failed = true;
      outcome.failed_rank = rank;
      outcome.error = error;
      send_bytes(0, kError, std::as_bytes(std::span(error.data(), error.size())));
    }
    stopping = true;
    queued.clear();
  };

  while (true) {
    if (!stopping && options.stop && options.stop->load()) {
      stop_with_error("interrupted by a signal");
    }
    for (auto& f : finished) {
      if (!f.result) {
        stop_with_error(std::move(f.error));
        continue;
      }
      PendingSend& send = sends.emplace_back();
      send.bytes = result_message(f.item, *f.result);
      f.result.reset();
      if (send.bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw IoError(fmt::format("item {}: its results ({} bytes) exceed one MPI message", f.item,
                                  send.bytes.size()));
      }
      check(MPI_Issend(send.bytes.data(), static_cast<int>(send.bytes.size()), MPI_BYTE, 0, kResult,
                       MPI_COMM_WORLD, &send.request),
            "MPI_Issend");
    }
    finished.clear();
    for (auto it = sends.begin(); it != sends.end();) {
      int complete = 0;
      check(MPI_Test(&it->request, &complete, MPI_STATUS_IGNORE), "MPI_Test");
      if (!complete) {
        ++it;
        continue;
      }
      it = sends.erase(it);
      ++outcome.results;
      if (options.failure.abort && options.failure.applies_to(rank) &&
          outcome.results >= options.failure.after) {
        injected_abort(rank);
      }
    }

    while (!stopping && local.free_slots() > 0 && !queued.empty()) {
      local.start(queued.front());
      queued.pop_front();
    }
    // Backpressure: while rank 0 has not taken this rank's last results, ask for no more work,
    // so a busy rank 0 bounds what the ranks hold.
    const int idle = local.free_slots() - static_cast<int>(queued.size());
    const bool backlog = static_cast<int>(sends.size()) > local.slots();
    if (!stopping && !exhausted && !request_pending && idle > 0 && !backlog) {
      const std::int32_t wanted = idle;
      send_bytes(0, kRequest, std::as_bytes(std::span(&wanted, 1)));
      request_pending = true;
    }

    bool finish = false;
    bool any_message = false;
    while (const auto status = probe(0)) {
      any_message = true;
      if (status->MPI_TAG == kAssign) {
        int count = 0;
        check(MPI_Get_count(&*status, MPI_INT64_T, &count), "MPI_Get_count");
        std::vector<std::int64_t> grant(static_cast<std::size_t>(count));
        check(MPI_Recv(grant.data(), count, MPI_INT64_T, 0, kAssign, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE),
              "MPI_Recv");
        request_pending = false;
        if (grant.empty()) exhausted = true;
        if (!stopping) queued.insert(queued.end(), grant.begin(), grant.end());
        continue;
      }
      receive_bytes(*status);
      if (status->MPI_TAG == kStop) {
        stopping = true;
        queued.clear();
      } else if (status->MPI_TAG == kFinish) {
        finish = true;
      } else {
        throw IoError(fmt::format("MPI: unexpected message (tag {}) from rank 0", status->MPI_TAG));
      }
    }
    if (finish) {
      if (!done_sent) throw IoError("MPI: rank 0 ended the farm before this rank was done");
      break;
    }

    const int running = local.take(finished, std::chrono::microseconds(0));
    if (!done_sent && finished.empty() && running == 0 && (exhausted || stopping) &&
        !request_pending && queued.empty() && sends.empty()) {
      const std::int64_t sent = outcome.results;
      send_bytes(0, kDone, std::as_bytes(std::span(&sent, 1)));
      done_sent = true;
    }
    if (finished.empty() && !any_message) local.take(finished, kPoll);
  }
  return outcome;
}

}  // namespace cxsim
