// Bounded reading of input files with POSIX calls, so that the kind of file is known before
// reading and every failure has its errno reason.
#include "config/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cxsim {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string size_text(std::uintmax_t bytes) {
  if (bytes >= (1u << 20)) return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / (1 << 20));
  return fmt::format("{} bytes", bytes);
}

ReadProblem too_large(std::uintmax_t bytes) {
  return {"file too large", size_text(bytes),
          fmt::format("at most {} MiB for a scenario file", kMaxInputBytes >> 20)};
}

ReadProblem not_regular(mode_t mode) {
  return {"not a regular file", kind_of(mode), "a scenario file of YAML text"};
}

ReadProblem os_error(int err) {
  return {"cannot read the file", std::string(std::strerror(err)),
          "an existing, readable scenario file"};
}

}  // namespace

std::optional<std::string> read_input_file(const std::string& path, ReadProblem& problem) {
  // stat before open: opening a pipe would wait for a writer.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    problem = os_error(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    problem = not_regular(st.st_mode);
    return std::nullopt;
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxInputBytes) {
    problem = too_large(static_cast<std::uintmax_t>(st.st_size));
    return std::nullopt;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    problem = os_error(errno);
    return std::nullopt;
  }
  // The file may have been replaced between stat and open: check what was opened.
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = S_ISREG(st.st_mode) ? os_error(errno) : not_regular(st.st_mode);
    ::close(fd);
    return std::nullopt;
  }
  std::string text;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      problem = os_error(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxInputBytes) {  // grown since stat
      problem = too_large(text.size());
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  return text;
}

}  // namespace cxsim
