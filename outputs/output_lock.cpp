// flock-based exclusion of writers of one results file.
#include "outputs/output_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

#include "engine/core/errors.hpp"

namespace cxsim {

namespace {

pid_t recorded_pid(int fd) {
  std::array<char, 32> buf{};
  const ssize_t n = ::pread(fd, buf.data(), buf.size() - 1, 0);
  if (n <= 0) return 0;
  pid_t pid = 0;
  const char* end = buf.data() + n;
  while (end > buf.data() && (end[-1] == '\n' || end[-1] == ' ')) --end;
  const auto [ptr, ec] = std::from_chars(buf.data(), end, pid);
  return ec == std::errc{} && ptr == end ? pid : 0;
}

std::string holder_text(pid_t pid) {
  return pid > 0 ? fmt::format(" (pid {})", pid) : std::string();
}

}  // namespace

std::filesystem::path lock_path(const std::filesystem::path& out) {
  std::filesystem::path p = out;
  p += ".partial.lock";
  return p;
}

OutputLock::OutputLock(const std::filesystem::path& out) : path_(lock_path(out)) {
  std::filesystem::path partial = out;
  partial += ".partial";
  // A holder removes the file before releasing it; whoever locked the removed file retries on
  // the one now at the path, so the lock always lives on the file the path names.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      throw IoError(fmt::format("{}: cannot create the lock file {}: {}", partial.string(),
                                path_.string(), std::strerror(errno)));
    }
    int locked = ::flock(fd, LOCK_EX | LOCK_NB);
    // holder() takes a shared lock for an instant: only a lock that stays taken is a writer.
    for (int wait = 0; locked != 0 && errno == EWOULDBLOCK && wait < 5; ++wait) {
      ::usleep(20000);
      locked = ::flock(fd, LOCK_EX | LOCK_NB);
    }
    if (locked != 0) {
      const int error = errno;
      const pid_t pid = recorded_pid(fd);
      ::close(fd);
      if (error == EWOULDBLOCK) {
        throw IoError(fmt::format(
            "{}: another cxsim run is writing it{}; wait for it to finish, or stop it first",
            partial.string(), holder_text(pid)));
      }
      throw IoError(fmt::format("{}: cannot lock {}: {}", partial.string(), path_.string(),
                                std::strerror(error)));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
      fd_ = fd;
      const std::string pid = fmt::format("{}\n", ::getpid());
      if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the id; only the refusal message of another run loses it.
      }
      return;
    }
    ::close(fd);
  }
  throw IoError(
      fmt::format("{}: cannot lock {}: it keeps being replaced", partial.string(), path_.string()));
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

std::optional<pid_t> OutputLock::holder(const std::filesystem::path& out) {
  const std::filesystem::path path = lock_path(out);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  std::optional<pid_t> result;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) result = recorded_pid(fd);
  }
  ::close(fd);  // also releases the shared lock if it was taken
  return result;
}

}  // namespace cxsim
