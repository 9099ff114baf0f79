// `cxsim report`: the tables as JSON in a temporary file, handed to make_report.py (matplotlib),
// which writes one self-contained HTML file.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "engine/core/errors.hpp"
#include "reports/exporters.hpp"

#ifndef CXSIM_REPORTS_SOURCE_DIR
#define CXSIM_REPORTS_SOURCE_DIR ""
#endif

namespace cxsim::reports {

namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

// Runs argv[0] with argv, waits; the exit status (-1 when it could not start).
int run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::filesystem::path report_script() {
  if (const char* env = std::getenv("CXSIM_REPORT_SCRIPT"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::filesystem::path installed =
      executable_dir() / ".." / "share" / "cxsim" / "reports" / "make_report.py";
  if (std::filesystem::exists(installed)) return installed.lexically_normal();
  const std::filesystem::path source =
      std::filesystem::path(CXSIM_REPORTS_SOURCE_DIR) / "make_report.py";
  if (std::filesystem::exists(source)) return source;
  throw IoError(fmt::format(
      "cannot find make_report.py (looked in {} and {}; set CXSIM_REPORT_SCRIPT to its path)",
      installed.lexically_normal().string(), source.string()));
}

void write_html_report(const FinanceTables& tables, const std::filesystem::path& out,
                       const ReportOptions& options) {
  const std::filesystem::path script = options.script.empty() ? report_script() : options.script;
  if (!std::filesystem::exists(options.python)) {
    throw IoError(fmt::format("{}: no such interpreter (the report needs Python 3 with matplotlib)",
                              options.python));
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "cxsim-report-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) throw IoError("cannot create a temporary file for the report's tables");
  close(fd);
  const std::filesystem::path json = pattern;
  {
    std::ofstream f(json, std::ios::binary);
    f << tables_json(tables);
    if (!f) {
      std::filesystem::remove(json);
      throw IoError(fmt::format("{}: cannot write", json.string()));
    }
  }
  std::filesystem::path partial = out;
  partial += ".partial";
  const int status =
      run_program({options.python, script.string(), json.string(), partial.string()});
  std::error_code ec;
  std::filesystem::remove(json, ec);
  if (status != 0) {
    std::filesystem::remove(partial, ec);
    throw IoError(fmt::format("{} {} failed (exit status {}); its message is above", options.python,
                              script.string(), status));
  }
  std::filesystem::rename(partial, out, ec);
  if (ec) {
    throw IoError(
        fmt::format("{}: cannot rename to {}: {}", partial.string(), out.string(), ec.message()));
  }
}

}  // namespace cxsim::reports
