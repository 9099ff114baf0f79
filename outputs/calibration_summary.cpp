// Reads a calibration file and renders its summary as text.
#include "outputs/calibration_summary.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "experiments/abc_smc.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim {

namespace {

using namespace h5::layout;

std::vector<double> doubles(hid_t file, const std::string& name, const Path& path) {
  const h5::Dataset ds = open_dataset(file, name, path);
  std::size_t n = 1;
  for (auto d : h5::shape(ds.get(), path)) n *= static_cast<std::size_t>(d);
  return read_all(ds.get(), n, path, name);
}

std::string number(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{:.4g}", x);
}

}  // namespace

std::string format_calibration_summary(const std::filesystem::path& path) {
  h5::silence_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IoError(fmt::format("{}: cannot open it as an HDF5 file", path.string()));
  const h5::File file(id);
  const hid_t f = file.get();
  const bool complete = h5::read_int_attribute(f, "complete", path) == 1;
  const std::string roadmap = h5::read_string_attribute(f, "roadmap", path);
  const std::string observed = h5::read_string_attribute(f, "observed", path);
  if (!complete || !h5::exists(f, "calibrate")) {
    return fmt::format(
        "calibration (abc_smc) of {} against {}: incomplete (resume it with "
        "--resume)\n",
        roadmap, observed);
  }
  const auto params = h5::read_strings(f, "coords/parameter", path);
  const auto series = h5::read_strings(f, "coords/series", path);
  const std::vector<double> particles = doubles(f, "calibrate/particles", path);
  const std::vector<double> weights = doubles(f, "calibrate/weights", path);
  const std::vector<double> prior = doubles(f, "calibrate/prior", path);
  const std::vector<double> eps = doubles(f, "calibrate/epsilon", path);
  const std::vector<double> ess = doubles(f, "calibrate/ess", path);
  const std::vector<double> rate = doubles(f, "calibrate/acceptance_rate", path);
  const std::vector<double> sims = doubles(f, "calibrate/simulations", path);
  const h5::Group g = open_group(f, "calibrate", path);
  const std::string stop = h5::read_string_attribute(g.get(), "stop_message", path);
  const std::int64_t total = h5::read_int_attribute(g.get(), "total_simulations", path);
  const std::size_t K = params.size(), N = weights.size(), G = eps.size();

  std::string out = fmt::format(
      "calibration (abc_smc) of roadmap {} against {}: {} particles, {} generations, {} "
      "simulations; stopped: {}\n\n",
      roadmap, observed, N, G, total, stop);
  // Parameters.
  std::size_t width = 9;
  for (const auto& p : params) width = std::max(width, p.size());
  out += fmt::format("{:<{}}  {:>11}  {:>25}  {:>25}  {:>6}\n", "parameter", width, "post. mean",
                     "posterior 90%", "prior 90%", "ratio");
  int unidentified = 0;
  for (std::size_t i = 0; i < K; ++i) {
    std::vector<double> x(N);
    double mean = 0;
    for (std::size_t j = 0; j < N; ++j) {
      x[j] = particles[j * K + i];
      mean += weights[j] * x[j];
    }
    const double lo = weighted_quantile(x, weights, 0.05);
    const double hi = weighted_quantile(x, weights, 0.95);
    const double plo = prior[i * 5 + 0], phi = prior[i * 5 + 2];
    const double ratio = (hi - lo) / (phi - plo);
    const bool not_identified = !(ratio <= kNotIdentifiedRatio);
    unidentified += not_identified ? 1 : 0;
    out += fmt::format("{:<{}}  {:>11}  {:>25}  {:>25}  {:>6}{}\n", params[i], width, number(mean),
                       fmt::format("[{}, {}]", number(lo), number(hi)),
                       fmt::format("[{}, {}]", number(plo), number(phi)),
                       fmt::format("{:.2f}", ratio), not_identified ? "  not identified" : "");
  }
  out += fmt::format(
      "ratio: posterior 90% width / prior 90% width; above {} the history did not identify the "
      "parameter (its posterior is close to its prior){}\n\n",
      kNotIdentifiedRatio,
      unidentified > 0 ? fmt::format(": {} not identified", unidentified) : "");
  // Trace.
  out += fmt::format("{:>10}  {:>11}  {:>8}  {:>10}  {:>11}\n", "generation", "epsilon", "ESS",
                     "acceptance", "simulations");
  for (std::size_t t = 0; t < G; ++t) {
    out += fmt::format("{:>10}  {:>11}  {:>8.1f}  {:>10.3f}  {:>11}\n", t, number(eps[t]), ess[t],
                       rate[t], static_cast<std::int64_t>(sims[t]));
  }
  // Posterior predictive check.
  out +=
      "\nposterior predictive check: observed against the 5-95% band of simulations at the "
      "posterior ('*' outside)\n";
  for (const auto& label : series) {
    const std::vector<double> obs = doubles(f, "calibrate/observed/" + label, path);
    const std::vector<double> pp = doubles(f, "calibrate/posterior_predictive/" + label, path);
    const std::size_t T = obs.size();
    int shown = 0, outside = 0;
    std::string rows;
    for (std::size_t t = 0; t < T; ++t) {
      if (std::isnan(obs[t])) continue;
      ++shown;
      const double lo = pp[0 * T + t], hi = pp[2 * T + t];
      const bool out_of_band = obs[t] < lo || obs[t] > hi;
      outside += out_of_band ? 1 : 0;
      rows += fmt::format("  {:>5}  {:>12}  {:>12}  {:>12}{}\n", t + 1, number(obs[t]), number(lo),
                          number(hi), out_of_band ? "  *" : "");
    }
    out += fmt::format("{}: {} of {} observed months outside the band (about {} expected)\n", label,
                       outside, shown, number(0.1 * shown));
    out += fmt::format("  {:>5}  {:>12}  {:>12}  {:>12}\n", "month", "observed", "p05", "p95");
    out += rows;
  }
  return out;
}

}  // namespace cxsim
