// libFuzzer harness of the results reader: the input bytes are a results file (the seeds are a
// complete and an interrupted run of fuzz/results_reader_scenario.yaml). Whatever the bytes,
// what `cxsim summary` does (the read-back check in a child process, then the reader and the
// table) and what `cxsim run --resume` does (reopen the .partial for that scenario) must end
// in a summary or an IoError, never a crash, a sanitizer report, another exception or a hang
// (a read back that loops ends at CXSIM_READ_BACK_SECONDS, set to 2 here).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/scenario_loader.hpp"
#include "engine/core/errors.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/results_reader.hpp"
#include "outputs/results_writer.hpp"
#include "outputs/summary_table.hpp"

#ifndef CXSIM_FUZZ_SCENARIO
#error "CXSIM_FUZZ_SCENARIO: the scenario of the seed files"
#endif

namespace {

namespace fs = std::filesystem;

const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("cxsim_fuzz_results_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

const cxsim::Scenario& scenario() {
  static const cxsim::Scenario s = cxsim::load_scenario(CXSIM_FUZZ_SCENARIO);
  return s;
}

void write_bytes(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "results reader: %s\n", what);
  std::abort();
}

}  // namespace

// Damage that makes HDF5 loop is called damaged once the read back passes its time limit; a
// short one keeps each input well inside libFuzzer's own timeout (10 s in scripts/fuzz).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("CXSIM_READ_BACK_SECONDS", "2", 0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path out = work_dir() / "run.h5";
  const fs::path partial = cxsim::partial_path(out);
  // As `cxsim summary FILE`.
  write_bytes(out, data, size);
  try {
    cxsim::verify_results_file(out);
    const cxsim::ResultsSummary results = cxsim::read_results_summary(out);
    const std::string text = cxsim::format_summary_table(cxsim::make_summary_table(results));
    if (text.empty()) finding("an empty summary");
  } catch (const cxsim::IoError&) {
    // A clear refusal: what the command prints.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    finding("an exception that is not IoError");
  }
  // As `cxsim run SCENARIO -o run.h5 --resume` on the same bytes as run.h5.partial.
  fs::remove(out);
  write_bytes(partial, data, size);
  try {
    auto writer = cxsim::ResultsWriter::resume(out, scenario(), {}, {{}, false});
    (void)writer->done();
  } catch (const cxsim::IoError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    finding("an exception that is not IoError on resume");
  }
  std::error_code ec;
  fs::remove(partial, ec);
  fs::remove(out.string() + ".partial.lock", ec);
  return 0;
}
