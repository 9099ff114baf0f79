// Reads /summary, the roadmap names and completeness back from a results file.
#include "outputs/results_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "engine/core/errors.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim {

namespace {

// Collects the names of a group's links (creation or name order, whichever HDF5 gives).
herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

std::optional<std::size_t> ResultsSummary::metric_index(std::string_view name) const {
  const auto it = std::find(metrics.begin(), metrics.end(), name);
  if (it == metrics.end()) return std::nullopt;
  return static_cast<std::size_t>(it - metrics.begin());
}

double ResultsSummary::value(std::string_view metric, int roadmap, std::int64_t replication) const {
  const auto m = metric_index(metric);
  if (!m) return std::numeric_limits<double>::quiet_NaN();
  return values[*m][static_cast<std::size_t>(roadmap * replications + replication)];
}

ResultsSummary read_results_summary(const std::filesystem::path& file) {
  h5::silence_errors();
  if (!std::filesystem::exists(file)) {
    throw IoError(fmt::format("{}: no such file", file.string()));
  }
  if (H5Fis_hdf5(file.c_str()) <= 0) {
    throw IoError(fmt::format("{}: not an HDF5 file", file.string()));
  }
  const h5::File f(
      h5::check(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), file, "cannot open"));
  const hid_t root = f.get();

  ResultsSummary out;
  out.file = file;
  if (H5Aexists(root, "format") <= 0 ||
      h5::read_string_attribute(root, "format", file) != kResultsFormat) {
    throw IoError(fmt::format("{}: not a cxsim results file (format attribute is not {})",
                              file.string(), kResultsFormat));
  }
  out.format_version = h5::read_string_attribute(root, "format_version", file);
  const std::string major = out.format_version.substr(0, out.format_version.find('.'));
  if (major != "1") {
    throw IoError(fmt::format(
        "{}: format_version {} is not supported by this cxsim (it reads 1.x); use a newer cxsim",
        file.string(), out.format_version));
  }
  out.complete = h5::read_int_attribute(root, "complete", file) == 1;
  out.scenario_name = h5::read_string_attribute(root, "scenario_name", file);
  out.scenario_sha256 = h5::read_string_attribute(root, "scenario_sha256", file);
  out.seed = h5::read_uint_attribute(root, "seed", file);
  out.replications = h5::read_int_attribute(root, "replications", file);
  out.horizon_months = static_cast<int>(h5::read_int_attribute(root, "horizon_months", file));
  out.roadmaps = h5::read_strings(root, "coords/roadmap", file);
  if (H5Aexists(root, "currency") > 0)
    out.currency = h5::read_string_attribute(root, "currency", file);
  // Format 1.0 files had gross customer equity (or none) and no attribute: say so.
  out.terminal_value = H5Aexists(root, "terminal_value") > 0
                           ? h5::read_string_attribute(root, "terminal_value", file)
                           : "";

  // The baseline is recorded by name; older or foreign files fall back to "baseline", then 0.
  std::string baseline = "baseline";
  if (H5Aexists(root, "baseline_roadmap") > 0) {
    baseline = h5::read_string_attribute(root, "baseline_roadmap", file);
  }
  const auto b = std::find(out.roadmaps.begin(), out.roadmaps.end(), baseline);
  out.baseline = b == out.roadmaps.end() ? 0 : static_cast<int>(b - out.roadmaps.begin());

  const auto R = static_cast<std::size_t>(std::max<std::int64_t>(0, out.replications));
  out.done.assign(R, out.complete);
  if (!out.complete && h5::exists(root, "done")) {
    const h5::Dataset ds(h5::check(H5Dopen2(root, "done", H5P_DEFAULT), file, "cannot open /done"));
    std::vector<std::uint8_t> done(R, 0);
    if (R > 0) {
      h5::check_status(
          H5Dread(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()), file,
          "cannot read /done");
    }
    for (std::size_t i = 0; i < R; ++i) out.done[i] = done[i] != 0;
  }

  if (!h5::exists(root, "summary"))
    throw IoError(fmt::format("{}: /summary is missing", file.string()));
  const h5::Group g(
      h5::check(H5Gopen2(root, "summary", H5P_DEFAULT), file, "cannot open /summary"));
  std::vector<std::string> names;
  h5::check_status(
      H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_name, &names), file,
      "cannot list /summary");
  const std::size_t expected = out.roadmaps.size() * R;
  for (const auto& name : names) {
    {
      // Skip anything that is not a dataset (H5Oopen works whatever the object is).
      const hid_t obj = H5Oopen(g.get(), name.c_str(), H5P_DEFAULT);
      const bool is_dataset = obj >= 0 && H5Iget_type(obj) == H5I_DATASET;
      if (obj >= 0) H5Oclose(obj);
      if (!is_dataset) continue;
    }
    const h5::Dataset ds(h5::check(H5Dopen2(g.get(), name.c_str(), H5P_DEFAULT), file,
                                   "cannot open /summary/" + name));
    // The linked coordinates (roadmap, replication) live here too; metrics are the 2-D ones.
    const auto dims = h5::shape(ds.get(), file);
    if (dims.size() != 2) continue;
    if (dims[0] != out.roadmaps.size() || dims[1] != R) {
      throw IoError(fmt::format("{}: /summary/{} has shape [{}, {}], expected [{}, {}]",
                                file.string(), name, dims[0], dims[1], out.roadmaps.size(), R));
    }
    std::vector<double> values(expected);
    if (expected > 0) {
      h5::check_status(
          H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), file,
          "cannot read /summary/" + name);
    }
    out.metrics.push_back(name);
    out.values.push_back(std::move(values));
  }
  return out;
}

}  // namespace cxsim
