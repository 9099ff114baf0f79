// The lock that makes one process at a time the writer of <out>.partial (and of <out> while it
// is renamed or extended): flock on <out>.partial.lock, which the kernel releases when the
// holder dies, so a crashed run never leaves it stuck.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace cxsim {

// "<out>.partial.lock".
std::filesystem::path lock_path(const std::filesystem::path& out);

class OutputLock {
 public:
  // Takes the lock for `out` and records this process's id in the lock file. IoError when
  // another process holds it ("another cxsim run is writing it (pid N)") or the lock file
  // cannot be created.
  explicit OutputLock(const std::filesystem::path& out);
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  // Removes the lock file, then releases the lock.
  ~OutputLock();

  // The process id recorded by the holder when another process holds the lock for `out`
  // (0 when it holds it but has not recorded one yet); nullopt when no process does.
  static std::optional<pid_t> holder(const std::filesystem::path& out);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace cxsim
