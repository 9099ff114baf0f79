// Reading a scenario file (or a base it extends) with the checks done before any byte is read:
// a regular file, readable, of a size a scenario can have.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cxsim {

// No scenario comes near this; a file above it is not a scenario (or is a mistake, such as a
// results file or a log named .yaml).
inline constexpr std::uintmax_t kMaxInputBytes = 64u << 20;

// Why a file cannot be read, in the parts of a message: "what (got ...; expected ...)".
struct ReadProblem {
  std::string what;
  std::string got;
  std::string expected;
  std::string message() const { return what + " (got " + got + "; expected " + expected + ")"; }
};

// The whole text of the file at `path`; nothing, with `problem` filled in, when it does not exist,
// cannot be opened (the reason from errno), is not a regular file (a directory, a device such as
// /dev/zero, a pipe), or is larger than kMaxInputBytes. Never blocks on a pipe or reads a device.
std::optional<std::string> read_input_file(const std::string& path, ReadProblem& problem);

}  // namespace cxsim
