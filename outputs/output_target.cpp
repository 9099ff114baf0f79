// Refusals of output names that would destroy something or fail only at the end of a run.
#include "outputs/output_target.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <system_error>

#include "engine/core/errors.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

std::string kind_of(const fs::file_status& status) {
  switch (status.type()) {
    case fs::file_type::directory:
      return "a folder";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::fifo:
      return "a pipe";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace

void check_output_target(const fs::path& out, const std::vector<std::string>& inputs) {
  if (out.empty()) {
    throw UsageError("-o: the output file name is empty (expected a path such as results.h5)");
  }
  const std::string name = out.string();
  if (!out.has_filename()) {
    throw UsageError(fmt::format(
        "-o {}: names a folder (expected a file name such as {}results.h5)", name, name));
  }
  const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw UsageError(fmt::format("-o {}: the folder {} does not exist (create it first)", name,
                                 folder.string()));
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw UsageError(fmt::format("-o {}: the folder {} is not writable", name, folder.string()));
  }
  fs::path partial = out;
  partial += ".partial";
  fs::path lock = out;
  lock += ".partial.lock";
  for (const fs::path& p : {out, partial, lock}) {
    const fs::file_status link = fs::symlink_status(p, ec);
    if (ec || !fs::exists(link)) continue;
    const fs::file_status target = fs::status(p, ec);
    if (!ec && fs::exists(target) && !fs::is_regular_file(target)) {
      throw UsageError(
          fmt::format("-o {}: {} is {}; results go only to a regular file (choose another name)",
                      name, p.string(), kind_of(target)));
    }
    for (const std::string& input : inputs) {
      if (fs::equivalent(p, input, ec) && !ec) {
        const std::string which = p.string() == input ? std::string() : " (" + input + ")";
        throw UsageError(
            fmt::format("-o {}: {} is an input of this run{}; choose another output name", name,
                        p.string(), which));
      }
    }
  }
}

}  // namespace cxsim
