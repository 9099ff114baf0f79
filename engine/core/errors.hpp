// Typed errors: library code throws these; only main() turns them into messages and exit codes.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace cxsim {

// One problem in a scenario file, located as precisely as the input allows.
struct Diagnostic {
  std::string file;     // path as given by the user
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string path;     // dotted key path, e.g. segments.consumer.share
  std::string message;  // what is wrong, what was got, what is expected

  // "file:line:col: path: message"
  std::string format() const;
};

// Bad input: one or more problems, all reported together. Exit code 2.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Bad command-line usage that is not about a scenario file (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reading or writing files failed (exit code 1).
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cxsim
