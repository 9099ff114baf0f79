// Formatting of scenario diagnostics.
#include "engine/core/errors.hpp"

#include <fmt/format.h>

#include "engine/core/printable.hpp"

namespace cxsim {

// Every part is escaped: a value, a key or a file name may hold control characters, and the
// message is printed on a terminal and passed on as a C string (what()).
std::string Diagnostic::format() const {
  std::string where = file.empty() ? std::string("<input>") : printable(file);
  if (line > 0) where += fmt::format(":{}", line);
  if (line > 0 && column > 0) where += fmt::format(":{}", column);
  if (path.empty()) return fmt::format("{}: {}", where, printable(message));
  return fmt::format("{}: {}: {}", where, printable(path), printable(message));
}

namespace {
std::string join_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace cxsim
