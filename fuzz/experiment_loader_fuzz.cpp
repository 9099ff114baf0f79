// libFuzzer harness of the experiment-file loader: the input bytes are an experiment file (its
// `scenario:` may name scenario.yaml, a small scenario with distributions written beside it).
// Whatever the bytes, loading for `sweep` and for `sensitivity` must give a LoadedExperiment or
// a ScenarioError with at least one diagnostic whose text holds no raw control character; a
// loaded experiment's points must lay out (every point a value per factor, every override a
// path=value) without any other exception. Anything else (a crash, a sanitizer report, another
// exception, a hang) is a finding. Nothing is simulated.
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

#include "engine/core/errors.hpp"
#include "experiments/experiment_file.hpp"
#include "experiments/experiment_points.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d =
        fs::temp_directory_path() / ("cxsim_fuzz_experiment_" + std::to_string(::getpid()));
    fs::create_directories(d);
    fs::copy_file(CXSIM_FUZZ_SCENARIO, d / "scenario.yaml", fs::copy_options::overwrite_existing);
    return d;
  }();
  return dir;
}

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "FINDING: %s\n%s\n", what, detail.c_str());
  std::abort();
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
  const fs::path path = work_dir() / "experiment.yaml";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  for (const auto kind : {cxsim::ExperimentKind::sweep, cxsim::ExperimentKind::sensitivity}) {
    try {
      const cxsim::LoadedExperiment e = cxsim::load_experiment(path.string(), kind);
      const cxsim::ExperimentPoints points = cxsim::make_points(e.spec, e.base.seed);
      if (points.values.size() != static_cast<std::size_t>(points.points) * points.factors ||
          points.factors != static_cast<int>(e.spec.factors.size())) {
        finding("points that do not have one value per factor", e.spec.resolved_yaml);
      }
      for (int p = 0; p < std::min(points.runs(), 4); ++p) {
        for (const auto& o : cxsim::point_overrides(e.spec, points, p)) {
          if (o.find('=') == std::string::npos) finding("an override without '='", o);
        }
      }
    } catch (const cxsim::ScenarioError& e) {
      check_message(e);
    } catch (const std::exception& e) {
      finding("an exception other than ScenarioError", e.what());
    }
  }
  return 0;
}
