// libFuzzer harness of the scenario loader: the input bytes are a scenario file, optionally a
// base scenario it can extend, and --set overrides, all derived from the bytes:
//
//   main scenario text ... (lines "#@set path=value" in it are also --set overrides)
//   #@base
//   base scenario text ...   (written as base.yaml beside the main file)
//
// Whatever the bytes, loading must give a Scenario or a ScenarioError with at least one
// diagnostic whose text holds no raw control character; a Scenario's resolved YAML (what
// `cxsim describe` prints) must load back to the same description. Anything else (a crash, a
// sanitizer report, another exception, a hang) is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/scenario_loader.hpp"
#include "engine/core/errors.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBaseMarker = "\n#@base\n";
constexpr std::string_view kSetPrefix = "#@set ";
constexpr std::size_t kMaxSets = 16;

const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("cxsim_fuzz_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "FINDING: %s\n%s\n", what, detail.c_str());
  std::abort();
}

std::vector<std::string> overrides_in(std::string_view text) {
  std::vector<std::string> sets;
  std::size_t at = 0;
  while (at < text.size() && sets.size() < kMaxSets) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    if (line.substr(0, kSetPrefix.size()) == kSetPrefix) {
      sets.emplace_back(line.substr(kSetPrefix.size()));
    }
    at = end + 1;
  }
  return sets;
}

void check_message(const cxsim::ScenarioError& e) {
  if (e.diagnostics().empty()) finding("a ScenarioError without diagnostics", "");
  const std::string what = e.what();
  for (const char c : what) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7f) {
      finding("a raw control character in a diagnostic", what);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view main = input;
  std::string_view base;
  if (const std::size_t at = input.find(kBaseMarker); at != std::string_view::npos) {
    main = input.substr(0, at);
    base = input.substr(at + kBaseMarker.size());
  }
  const fs::path main_path = work_dir() / "main.yaml";
  write(work_dir() / "base.yaml", base);
  write(main_path, main);
  const std::vector<std::string> sets = overrides_in(main);

  try {
    const cxsim::Scenario scenario = cxsim::load_scenario(main_path.string(), {sets});
    try {
      const cxsim::Scenario again =
          cxsim::load_scenario_text(scenario.resolved_yaml, "resolved.yaml");
      if (again.resolved_yaml != scenario.resolved_yaml) {
        finding("describe does not load back to the same description",
                scenario.resolved_yaml + "\n---- loads back as ----\n" + again.resolved_yaml);
      }
    } catch (const cxsim::ScenarioError& e) {
      finding("describe output is refused when loaded back",
              std::string(e.what()) + "\n---- resolved YAML ----\n" + scenario.resolved_yaml);
    }
  } catch (const cxsim::ScenarioError& e) {
    check_message(e);
  } catch (const std::exception& e) {
    finding("an exception other than ScenarioError", e.what());
  }
  return 0;
}
