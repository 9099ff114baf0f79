// Reads an attribution file and renders its summary as text.
#include "outputs/attribution_summary.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/core/errors.hpp"
#include "engine/statistics.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim {

namespace {

using namespace h5::layout;
constexpr std::size_t kWidth = 100;

std::vector<double> doubles(hid_t file, const std::string& name, const Path& path) {
  const h5::Dataset ds = open_dataset(file, name, path);
  std::size_t n = 1;
  for (auto d : h5::shape(ds.get(), path)) n *= static_cast<std::size_t>(d);
  return read_all(ds.get(), n, path, name);
}

std::string with_interval(double mean, double low, double high) {
  if (std::isnan(mean)) return "-";
  if (std::isnan(low) || std::isnan(high)) return format_amount(mean);
  return fmt::format("{} [{}, {}]", format_amount(mean), format_amount(low), format_amount(high));
}

// The mean with its 95% Student-t interval, NaN excluded.
std::string mean_interval(std::span<const double> values) {
  const SummaryStatistics s = summarize(values);
  if (!(s.n >= 2)) return with_interval(s.mean, std::nan(""), std::nan(""));
  if (!(s.se > 0)) return with_interval(s.mean, s.mean, s.mean);
  const boost::math::students_t t(s.n - 1);
  const double half = boost::math::quantile(boost::math::complement(t, 0.025)) * s.se;
  return with_interval(s.mean, s.mean - half, s.mean + half);
}

}  // namespace

std::string format_attribution_summary(const std::filesystem::path& path) {
  h5::silence_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IoError(fmt::format("{}: cannot open it as an HDF5 file", path.string()));
  const h5::File file(id);
  const hid_t f = file.get();
  const std::string method = h5::read_string_attribute(f, "method", path);
  const std::string roadmap = h5::read_string_attribute(f, "roadmap", path);
  const std::string metric = h5::read_string_attribute(f, "metric", path);
  const auto names = h5::read_strings(f, "coords/initiative", path);
  const auto C = h5::read_int_attribute(f, "points", path);
  const auto R = static_cast<std::size_t>(h5::read_int_attribute(f, "replications", path));
  const auto P = h5::read_int_attribute(f, "permutations", path);
  const bool complete = h5::read_int_attribute(f, "complete", path) == 1;
  const std::size_t K = names.size();
  std::string out = fmt::format(
      "{} (attribute {}) of {}: {} of roadmap {} shared among {} initiative{}, Shapley values "
      "over {} sub-roadmaps{} x {} replications, common random numbers{}\n",
      path.filename().string(), method, h5::read_string_attribute(f, "scenario_name", path), metric,
      roadmap, K, K == 1 ? "" : "s", C,
      method == "sampled" ? fmt::format(" ({} random orders)", P) : std::string(), R,
      complete ? "" : " (incomplete: finish with --resume)");
  if (!complete) return out;

  const auto shares = doubles(f, "attribute/shapley", path);
  const auto total = doubles(f, "attribute/total", path);
  const auto interval = doubles(f, "attribute/interval", path);  // [initiative][mean, se, lo, hi]
  const auto value = doubles(f, "attribute/value", path);
  const auto members = doubles(f, "attribute/members", path);
  // The roadmap's own metric (every initiative in) and without the initiatives shared out.
  std::size_t full = 0, empty = 0;
  for (std::size_t c = 0; c < static_cast<std::size_t>(C); ++c) {
    double in = 0;
    for (std::size_t i = 0; i < K; ++i) in += members[c * K + i];
    if (in == static_cast<double>(K)) full = c;
    if (in == 0) empty = c;
  }
  const SummaryStatistics t = summarize(total);
  out += fmt::format(
      "\n{} of {}: {}; without its initiatives {}; shared out: {} (means, 95% Student-t "
      "intervals)\n",
      metric, roadmap, mean_interval(std::span<const double>(value).subspan(full * R, R)),
      mean_interval(std::span<const double>(value).subspan(empty * R, R)), mean_interval(total));

  std::vector<std::size_t> order(K);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = interval[a * 4], y = interval[b * 4];
    return std::isnan(y) ? !std::isnan(x) : x > y;
  });
  out += fmt::format("\n  {:<36} {:>36} {:>12}\n", "initiative", "Shapley share [95% interval]",
                     "of total");
  double sum = 0.0;
  for (const std::size_t i : order) {
    const double mean = interval[i * 4];
    sum += mean;
    out += fmt::format("  {:<36} {:>36} {:>12}\n", names[i],
                       with_interval(mean, interval[i * 4 + 2], interval[i * 4 + 3]),
                       t.mean != 0 && !std::isnan(mean) && !std::isnan(t.mean)
                           ? fmt::format("{:.1f}%", 100.0 * mean / t.mean)
                           : std::string("-"));
  }
  out +=
      fmt::format("  {:<36} {:>36} {:>12}\n", "sum of the shares", format_amount(sum),
                  t.mean != 0 && !std::isnan(t.mean) ? fmt::format("{:.1f}%", 100.0 * sum / t.mean)
                                                     : std::string("-"));
  if (method == "sampled") {
    out += fmt::format("  (intervals include the sampling of the {} orders)\n", P);
  }

  // Efficiency: per replication, the shares add up to the roadmap's value shared out.
  double gap = 0.0;
  std::size_t finite_replications = 0, adding_up = 0;
  for (std::size_t r = 0; r < R; ++r) {
    double s = 0.0, scale = std::abs(total[r]);
    bool finite = std::isfinite(total[r]);
    for (std::size_t i = 0; i < K; ++i) {
      s += shares[i * R + r];
      scale = std::max(scale, std::abs(shares[i * R + r]));
      finite = finite && std::isfinite(shares[i * R + r]);
    }
    if (!finite) continue;
    ++finite_replications;
    const double relative = scale > 0 ? std::abs(s - total[r]) / scale : 0.0;
    gap = std::max(gap, relative);
    if (relative <= 1e-9) ++adding_up;
  }
  out += fmt::format(
      "\nefficiency: the shares add up to the value shared out, to 1e-9 relative, in {} of {} "
      "replications{} (largest gap {:.1e})\n",
      adding_up, R,
      finite_replications < R ? fmt::format(" ({} NaN)", R - finite_replications) : std::string(),
      gap);
  return fit_to_width(out, kWidth);
}

}  // namespace cxsim
