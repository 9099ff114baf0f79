// Finds and loads the pagmo module once per process (experiments/gaco_search.hpp), then runs
// searches through its entry point.
#include "experiments/gaco_search.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace cxsim {

namespace {

namespace fs = std::filesystem;

// Where the module may be, first found first: $CXSIM_GACO_MODULE, then lib/cxsim/ beside the
// program's folder (where the build tree and `cmake --install` put it).
std::vector<fs::path> candidates() {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("CXSIM_GACO_MODULE"); env != nullptr && *env != '\0') {
    out.emplace_back(env);
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(self.parent_path().parent_path() / "lib" / "cxsim" / kGacoModuleName);
  return out;
}

GacoEntry load_entry() {
  std::vector<std::string> tried;
  for (const fs::path& path : candidates()) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      tried.push_back(fmt::format("{} (not there)", path.string()));
      continue;
    }
    // Never closed: pagmo's objects live until the process ends.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      tried.push_back(fmt::format("{} ({})", path.string(), why ? why : "cannot be loaded"));
      continue;
    }
    if (void* entry = ::dlsym(handle, kGacoEntryName)) return reinterpret_cast<GacoEntry>(entry);
    tried.push_back(fmt::format("{} (has no {})", path.string(), kGacoEntryName));
  }
  throw std::runtime_error(fmt::format(
      "cannot load {}, the module with pagmo2 that screens optimize spaces too large to race "
      "(reinstall cxsim, or set CXSIM_GACO_MODULE to its path); looked at {}",
      kGacoModuleName, fmt::join(tried, ", ")));
}

}  // namespace

void run_gaco(const GacoSearch& search) {
  // Loaded on the first search (a static's initialisation runs once, whatever the threads); a
  // failure to load is kept and thrown again at every later search.
  static GacoEntry entry = nullptr;
  static const std::exception_ptr load_failure = [] {
    try {
      entry = load_entry();
      return std::exception_ptr();
    } catch (...) {
      return std::current_exception();
    }
  }();
  if (load_failure) std::rethrow_exception(load_failure);
  std::exception_ptr error;
  entry(search, error);
  if (error) std::rethrow_exception(error);
}

}  // namespace cxsim
