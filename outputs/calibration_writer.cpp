// Calibration files: root attributes as the other experiment files', coordinates `parameter`,
// `particle`, `month`, `series`; the generations under /run (room for max_generations, filled one
// by one), the posterior and its trace under /calibrate at the end.
#include "outputs/calibration_writer.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "config/yaml_values.hpp"
#include "engine/core/errors.hpp"
#include "engine/metrics.hpp"
#include "outputs/experiment_file_parts.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/output_target.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/sha256.hpp"

namespace cxsim {

namespace {

using Path = std::filesystem::path;
using namespace h5::layout;
constexpr const char* kBatch = "batch";
// The fields of /run/abc_generation, in order.
const std::vector<std::string> kFields = {"epsilon", "proposals",        "simulations",
                                          "ess",     "next_replication", "total_simulations"};
// The statistics of /calibrate/posterior_predictive.
const std::vector<std::string> kPredictive = {"p05", "p50", "p95", "mean"};
// The prior's columns in /calibrate/prior.
const std::vector<std::string> kPriorBounds = {"p05", "p50", "p95", "lo", "hi"};

const CalibrateBlock& block_of(const LoadedExperiment& e) {
  return e.spec.calibrate;
}

std::vector<std::string> series_labels(const ObservedHistory& h) {
  std::vector<std::string> out;
  for (const auto& s : h.series) out.push_back(s.label());
  return out;
}

std::vector<std::string> parameter_names(const CalibrateBlock& b) {
  std::vector<std::string> out;
  for (const auto& p : b.parameters) out.push_back(p.path);
  return out;
}

// Reads `count` elements at `start` of a float64 dataset.
std::vector<double> read_slab(hid_t ds, const std::vector<hsize_t>& start,
                              const std::vector<hsize_t>& count, const Path& file,
                              std::string_view what) {
  std::size_t n = 1;
  for (const hsize_t c : count) n *= static_cast<std::size_t>(c);
  std::vector<double> values(n);
  const h5::Dataspace file_space(h5::check(H5Dget_space(ds), file, "cannot get a dataspace"));
  h5::check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                       count.data(), nullptr),
                   file, fmt::format("cannot select {}", what));
  const h5::Dataspace mem(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  h5::check_status(
      H5Dread(ds, H5T_NATIVE_DOUBLE, mem.get(), file_space.get(), H5P_DEFAULT, values.data()), file,
      fmt::format("cannot read {}", what));
  return values;
}

}  // namespace

CalibrationWriter::CalibrationWriter(Path out, const LoadedExperiment& experiment,
                                     const WriterOptions& options)
    : out_(std::move(out)), partial_(partial_path(out_)), experiment_(experiment) {
  storage_.faults = options.faults;
  storage_.sync = options.sync;
}

CalibrationWriter::~CalibrationWriter() {
  close_quietly();
}

ExperimentFileSlots CalibrationWriter::slots() {
  return {out_, partial_, lock_, file_, storage_};
}

void CalibrationWriter::close_quietly() {
  try {
    file_ = h5::File();
  } catch (...) {
  }
}

void CalibrationWriter::flush(std::string_view what) {
  flush_experiment_file(file_.get(), storage_, partial_, what);
}

std::unique_ptr<CalibrationWriter> CalibrationWriter::create(
    const Path& out, const LoadedExperiment& experiment, int batch, const RunProvenance& provenance,
    bool force, const WriterOptions& options) {
  std::unique_ptr<CalibrationWriter> w(new CalibrationWriter(out, experiment, options));
  create_experiment_file(
      w->slots(), experiment, force,
      [&] {
        w->batch_ = batch;
        w->create_layout(provenance);
      },
      [&] { w->close_quietly(); });
  return w;
}

void CalibrationWriter::create_layout(const RunProvenance& provenance) {
  const Scenario& s = experiment_.base;
  const ExperimentSpec& spec = experiment_.spec;
  const CalibrateBlock& block = block_of(experiment_);
  const hid_t f = file_.get();
  const Path& file = partial_;

  write_experiment_attributes(f, experiment_, provenance, "independent", file);
  h5::write_attribute(f, "points", static_cast<std::int64_t>(block.settings.particles), file);
  h5::write_attribute(f, "method", "abc_smc", file);
  h5::write_attribute(f, "roadmap", block.roadmap, file);
  h5::write_attribute(f, "observed", block.observed_as_written, file);
  h5::write_attribute(f, "complete", std::int64_t{0}, file);
  write_text_dataset(f, "scenario", s.resolved_yaml,
                     "the base scenario, fully resolved (YAML, after extends, set and --set)",
                     file);
  write_text_dataset(f, "experiment", spec.resolved_yaml,
                     "the resolved experiment file (YAML): scenario, overrides and the calibrate "
                     "block",
                     file);

  const auto K = static_cast<hsize_t>(block.parameters.size());
  const auto N = static_cast<hsize_t>(block.settings.particles);
  const auto G = static_cast<hsize_t>(block.settings.max_generations);
  const auto T = static_cast<hsize_t>(s.horizon_months);
  const auto S = static_cast<hsize_t>(block.history.series.size());
  h5::Dataset c_parameter, c_particle, c_month, c_series, c_statistic, c_bound;
  {
    const h5::Group g = create_group(f, "coords", file);
    std::vector<std::int64_t> particle(N);
    std::vector<std::int32_t> month(T);
    for (hsize_t i = 0; i < N; ++i) particle[i] = static_cast<std::int64_t>(i);
    for (hsize_t i = 0; i < T; ++i) month[i] = static_cast<std::int32_t>(i + 1);
    c_parameter =
        string_coord(g.get(), "parameter", parameter_names(block),
                     "calibrated parameter: its scenario path, in experiment-file order", file);
    c_particle = number_coord(g.get(), "particle", H5T_STD_I64LE, particle, "1",
                              "particle (0-based) of an ABC-SMC generation", file);
    c_month =
        number_coord(g.get(), "month", H5T_STD_I32LE, month, "month", "plan month (1..T)", file);
    c_series =
        string_coord(g.get(), "series", series_labels(block.history),
                     "observed series: a timeseries name, with [segment] for a segment's", file);
    c_statistic = string_coord(g.get(), "statistic", kPredictive,
                               "statistic of the simulations at the posterior's particles, "
                               "weighted by the particles' weights",
                               file);
    c_bound = string_coord(g.get(), "bound", kPriorBounds,
                           "prior quantiles (p05, p50, p95) and support (lo, hi, after truncation "
                           "to the parameter's bounds)",
                           file);
  }
  {
    const h5::Group run = create_group(f, "run", file);
    std::vector<std::int64_t> slot(G);
    for (hsize_t i = 0; i < G; ++i) slot[i] = static_cast<std::int64_t>(i);
    const h5::Dataset c_slot = number_coord(run.get(), "abc_slot", H5T_STD_I64LE, slot, "1",
                                            "generation (0-based), room for max_generations", file);
    const h5::Dataset c_field = string_coord(
        run.get(), "abc_field", kFields, "what a generation's row of abc_generation holds", file);
    const Dimension d_slot{G, 1, c_slot.get()};
    const Dimension d_particle{N, N, c_particle.get()};
    const Dimension d_parameter{K, K, c_parameter.get()};
    const Dimension d_field{kFields.size(), kFields.size(), c_field.get()};
    const Dimension d_series{S, std::max<hsize_t>(S, 1), c_series.get()};
    create_metric(run.get(), "/run", "abc_particles", {d_slot, d_particle, d_parameter}, "",
                  "the accepted particles of each completed generation", false, file);
    create_metric(run.get(), "/run", "abc_weights", {d_slot, d_particle}, "1",
                  "their normalised importance weights", false, file);
    create_metric(run.get(), "/run", "abc_distances", {d_slot, d_particle}, "1",
                  "their standardised distances to the observed history", false, file);
    create_metric(run.get(), "/run", "abc_generation", {d_slot, d_field}, "",
                  "epsilon, proposals, simulations, ESS, the next free replication index and "
                  "the simulations so far, per generation",
                  false, file);
    create_metric(run.get(), "/run", "abc_scale", {d_series}, "",
                  "the scale of each observed series (from generation 0's simulations)", false,
                  file);
    const h5::Dataset ds = create_done_flags(
        run.get(), G, "1 once generation g is on the disk (generations are written in order)",
        file);
    h5::write_attribute(ds.get(), kBatch, static_cast<std::int64_t>(batch_), file);
    h5::write_attribute(run.get(), kLayoutDigest, layout_digest(f, file), file);
  }
}

std::unique_ptr<CalibrationWriter> CalibrationWriter::resume(const Path& out,
                                                             const LoadedExperiment& experiment,
                                                             const RunProvenance& provenance,
                                                             const WriterOptions& options) {
  std::unique_ptr<CalibrationWriter> w(new CalibrationWriter(out, experiment, options));
  reopen_experiment_file(
      w->slots(), experiment, provenance, [&] { w->read_back(); }, [&] { w->close_quietly(); });
  return w;
}

void CalibrationWriter::read_back() {
  const hid_t f = file_.get();
  const Path& file = partial_;
  const CalibrateBlock& block = block_of(experiment_);
  const auto K = static_cast<hsize_t>(block.parameters.size());
  const auto N = static_cast<hsize_t>(block.settings.particles);
  const auto G = static_cast<hsize_t>(block.settings.max_generations);
  const auto F = static_cast<hsize_t>(kFields.size());
  const h5::Dataset done_ds = open_dataset(f, "run/point_done", file);
  batch_ = static_cast<int>(h5::read_int_attribute(done_ds.get(), kBatch, file));
  const std::vector<hsize_t> dims = h5::shape(done_ds.get(), file);
  if (dims.size() != 1 || dims[0] != G || batch_ < 1) {
    throw IoError(fmt::format("{}: /run/point_done is not this calibration's", file.string()));
  }
  std::vector<std::uint8_t> done(G, 0);
  h5::check_status(
      H5Dread(done_ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()), file,
      "cannot read /run/point_done");
  const h5::Dataset particles = open_dataset(f, "run/abc_particles", file);
  const h5::Dataset weights = open_dataset(f, "run/abc_weights", file);
  const h5::Dataset distances = open_dataset(f, "run/abc_distances", file);
  const h5::Dataset fields = open_dataset(f, "run/abc_generation", file);
  for (hsize_t g = 0; g < G && done[g] != 0; ++g) {
    AbcGeneration gen;
    gen.particles = read_slab(particles.get(), {g, 0, 0}, {1, N, K}, file, "/run/abc_particles");
    gen.weights = read_slab(weights.get(), {g, 0}, {1, N}, file, "/run/abc_weights");
    gen.distances = read_slab(distances.get(), {g, 0}, {1, N}, file, "/run/abc_distances");
    const std::vector<double> row =
        read_slab(fields.get(), {g, 0}, {1, F}, file, "/run/abc_generation");
    gen.epsilon = row[0];
    gen.proposals = static_cast<std::int64_t>(row[1]);
    gen.simulations = static_cast<std::int64_t>(row[2]);
    gen.ess = row[3];
    resumed_.next_replication = static_cast<std::int64_t>(row[4]);
    resumed_.simulations = static_cast<std::int64_t>(row[5]);
    resumed_.generations.push_back(std::move(gen));
  }
  written_ = static_cast<int>(resumed_.generations.size());
  if (written_ > 0) {
    const auto S = static_cast<std::size_t>(block.history.series.size());
    resumed_.scale =
        read_all(open_dataset(f, "run/abc_scale", file).get(), S, file, "/run/abc_scale");
  }
}

void CalibrationWriter::write_generation(const AbcState& state) {
  const hid_t f = file_.get();
  const Path& file = partial_;
  const auto g = static_cast<hsize_t>(state.generations.size() - 1);
  if (static_cast<int>(g) != written_) {
    throw IoError(fmt::format("{}: generation {} written out of order", file.string(), g));
  }
  const AbcGeneration& gen = state.generations.back();
  const auto K = static_cast<hsize_t>(block_of(experiment_).parameters.size());
  const auto N = static_cast<hsize_t>(gen.weights.size());
  write_block(open_dataset(f, "run/abc_particles", file).get(), {g, 0, 0}, {1, N, K},
              gen.particles.data(), file, "/run/abc_particles");
  write_block(open_dataset(f, "run/abc_weights", file).get(), {g, 0}, {1, N}, gen.weights.data(),
              file, "/run/abc_weights");
  write_block(open_dataset(f, "run/abc_distances", file).get(), {g, 0}, {1, N},
              gen.distances.data(), file, "/run/abc_distances");
  const std::vector<double> row = {gen.epsilon,
                                   static_cast<double>(gen.proposals),
                                   static_cast<double>(gen.simulations),
                                   gen.ess,
                                   static_cast<double>(state.next_replication),
                                   static_cast<double>(state.simulations)};
  write_block(open_dataset(f, "run/abc_generation", file).get(), {g, 0}, {1, row.size()},
              row.data(), file, "/run/abc_generation");
  if (g == 0) {
    write_block(open_dataset(f, "run/abc_scale", file).get(), {0}, {state.scale.size()},
                state.scale.data(), file, "/run/abc_scale");
  }
  flush(fmt::format("generation {}", g));
  {
    const h5::Dataset done = open_dataset(f, "run/point_done", file);
    const hsize_t one = 1;
    const h5::Dataspace file_space(H5Dget_space(done.get()));
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &g, nullptr, &one, nullptr);
    const h5::Dataspace mem_space(H5Screate_simple(1, &one, nullptr));
    const std::uint8_t yes = 1;
    h5::check_status(H5Dwrite(done.get(), H5T_NATIVE_UINT8, mem_space.get(), file_space.get(),
                              H5P_DEFAULT, &yes),
                     file, "cannot write /run/point_done");
  }
  flush(fmt::format("/run/point_done of generation {}", g));
  ++written_;
}

void CalibrationWriter::finish(const AbcState& state, AbcStop stop,
                               const std::vector<std::vector<double>>& predictive) {
  const hid_t f = file_.get();
  const Path& file = partial_;
  const CalibrateBlock& block = block_of(experiment_);
  const Scenario& s = experiment_.base;
  if (state.generations.empty()) throw IoError(file.string() + ": no generation to write");
  const auto K = static_cast<hsize_t>(block.parameters.size());
  const auto N = static_cast<hsize_t>(block.settings.particles);
  const auto G = static_cast<hsize_t>(state.generations.size());
  const auto T = static_cast<hsize_t>(s.horizon_months);
  const AbcGeneration& last = state.generations.back();
  const h5::Dataset c_parameter = open_dataset(f, "coords/parameter", file);
  const h5::Dataset c_particle = open_dataset(f, "coords/particle", file);
  const h5::Dataset c_month = open_dataset(f, "coords/month", file);
  const h5::Dataset c_statistic = open_dataset(f, "coords/statistic", file);
  const h5::Dataset c_bound = open_dataset(f, "coords/bound", file);
  h5::Dataset c_generation;
  {
    const h5::Group g = open_group(f, "coords", file);
    std::vector<std::int64_t> gens(G);
    for (hsize_t i = 0; i < G; ++i) gens[i] = static_cast<std::int64_t>(i);
    c_generation = number_coord(g.get(), "generation", H5T_STD_I64LE, gens, "1",
                                "ABC-SMC generation (0: the prior)", file);
  }
  const Dimension d_parameter{K, K, c_parameter.get()};
  const Dimension d_particle{N, N, c_particle.get()};
  const Dimension d_month{T, T, c_month.get()};
  const Dimension d_generation{G, G, c_generation.get()};
  const Dimension d_statistic{kPredictive.size(), kPredictive.size(), c_statistic.get()};
  const Dimension d_bound{kPriorBounds.size(), kPriorBounds.size(), c_bound.get()};

  const h5::Group g = create_group(f, "calibrate", file);
  for (const char* coord : {"parameter", "particle", "generation", "statistic", "bound"}) {
    link_coord(f, g.get(), coord, file);
  }
  const std::string gp = "/calibrate";
  auto put = [&](hid_t group, const std::string& group_path, const std::string& name,
                 const std::vector<Dimension>& dims, std::string_view units,
                 std::string_view description, const std::vector<double>& values) {
    const h5::Dataset ds =
        create_metric(group, group_path, name, dims, units, description, false, file);
    std::vector<hsize_t> count;
    for (const auto& d : dims) count.push_back(d.size);
    if (!values.empty()) {
      write_block(ds.get(), std::vector<hsize_t>(dims.size(), 0), count, values.data(), file,
                  group_path + "/" + name);
    }
  };
  put(g.get(), gp, "particles", {d_particle, d_parameter}, "",
      "the posterior: the particles of the last completed generation (parameters in "
      "/coords/parameter order)",
      last.particles);
  put(g.get(), gp, "weights", {d_particle}, "1",
      "the particles' importance weights (Beaumont et al. 2009), normalised to sum 1",
      last.weights);
  put(g.get(), gp, "distances", {d_particle}, "1",
      "the particles' standardised distances to the observed history", last.distances);
  std::vector<double> eps, ess, rate, sims, props, hist_p, hist_w;
  for (const auto& gen : state.generations) {
    eps.push_back(gen.epsilon);
    ess.push_back(gen.ess);
    rate.push_back(gen.acceptance_rate());
    sims.push_back(static_cast<double>(gen.simulations));
    props.push_back(static_cast<double>(gen.proposals));
    hist_p.insert(hist_p.end(), gen.particles.begin(), gen.particles.end());
    hist_w.insert(hist_w.end(), gen.weights.begin(), gen.weights.end());
  }
  put(g.get(), gp, "epsilon", {d_generation}, "1",
      "the generation's tolerance on the standardised distance (generation 0: inf, the prior)",
      eps);
  put(g.get(), gp, "ess", {d_generation}, "1",
      "effective sample size of the generation's weights, (sum w)^2 / sum w^2", ess);
  put(g.get(), gp, "acceptance_rate", {d_generation}, "1",
      "particles / proposals (proposals outside the prior included)", rate);
  put(g.get(), gp, "simulations", {d_generation}, "1",
      "simulations run in the generation (replications x proposals simulated, in-flight extras "
      "included)",
      sims);
  put(g.get(), gp, "proposals", {d_generation}, "1", "proposals drawn up to the last one accepted",
      props);
  put(g.get(), gp, "history_particles", {d_generation, d_particle, d_parameter}, "",
      "the particles of every generation", hist_p);
  put(g.get(), gp, "history_weights", {d_generation, d_particle}, "1",
      "the weights of every generation", hist_w);
  {
    std::vector<double> prior;
    for (const auto& p : block.parameters) {
      for (const double x : {p.prior.quantile(0.05), p.prior.quantile(0.5), p.prior.quantile(0.95),
                             p.prior.lo, p.prior.hi}) {
        prior.push_back(x);
      }
    }
    put(g.get(), gp, "prior", {d_parameter, d_bound}, "",
        "the prior's 5%, 50% and 95% quantiles and its support", prior);
    std::vector<std::string> priors;
    for (const auto& p : block.parameters) priors.push_back(p.prior.to_yaml());
    string_dataset(g.get(), "priors", priors, c_parameter.get(),
                   "each parameter's prior as written, and its truncation", file);
  }
  {
    const auto S = static_cast<hsize_t>(block.history.series.size());
    const h5::Dataset c_series = open_dataset(f, "coords/series", file);
    const Dimension d_series{S, std::max<hsize_t>(S, 1), c_series.get()};
    put(g.get(), gp, "scale", {d_series}, "",
        "the scale that standardises each observed series in the distance (from generation 0)",
        state.scale);
    link_coord(f, g.get(), "series", file);
  }
  {
    const h5::Group obs = create_group(g.get(), "observed", file);
    link_coord(f, obs.get(), "month", file);
    const h5::Group pp = create_group(g.get(), "posterior_predictive", file);
    for (const char* coord : {"statistic", "month"}) link_coord(f, pp.get(), coord, file);
    for (std::size_t si = 0; si < block.history.series.size(); ++si) {
      const ObservedSeries& series = block.history.series[si];
      const std::string units(
          series.segment.empty()
              ? metric_infos()[static_cast<std::size_t>(series.metric_index)].units
              : segment_metric_infos()[static_cast<std::size_t>(series.metric_index)].units);
      put(obs.get(), gp + "/observed", series.label(), {d_month}, units,
          "the observed history (NaN: missing)", series.values);
      std::vector<double> stats(kPredictive.size() * T);
      for (hsize_t t = 0; t < T; ++t) {
        std::vector<double> v;
        for (const auto& sim : predictive) v.push_back(sim[si * T + t]);
        double mean = 0, wsum = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (std::isnan(v[i])) continue;
          mean += last.weights[i] * v[i];
          wsum += last.weights[i];
        }
        stats[0 * T + t] = weighted_quantile(v, last.weights, 0.05);
        stats[1 * T + t] = weighted_quantile(v, last.weights, 0.5);
        stats[2 * T + t] = weighted_quantile(v, last.weights, 0.95);
        stats[3 * T + t] = wsum > 0 ? mean / wsum : std::numeric_limits<double>::quiet_NaN();
      }
      put(pp.get(), gp + "/posterior_predictive", series.label(), {d_statistic, d_month}, units,
          "one simulation at each posterior particle (its own replication index), weighted "
          "quantiles and mean by month",
          stats);
    }
  }
  h5::write_attribute(g.get(), "stopped_by", to_string(stop), file);
  h5::write_attribute(g.get(), "stop_message", describe_stop(stop, block.settings), file);
  h5::write_attribute(g.get(), "generations", static_cast<std::int64_t>(G), file);
  h5::write_attribute(g.get(), "total_simulations", state.simulations, file);
  h5::write_attribute(f, "complete", std::int64_t{1}, file);
  {
    const h5::Group run_group = open_group(f, "run", file);
    h5::write_attribute(run_group.get(), kLayoutDigest, layout_digest(f, file), file);
  }
  flush("the finished file");
  close_verify_and_rename(file_, storage_, partial_, out_);
  finished_ = true;
}

void write_posterior_overlay(const Path& results, const LoadedExperiment& experiment,
                             const AbcState& state) {
  namespace fs = std::filesystem;
  const CalibrateBlock& block = experiment.spec.calibrate;
  const AbcGeneration& last = state.generations.back();
  const Path overlay = results.string() + ".yaml";
  const Path dir = fs::absolute(overlay).parent_path();
  const std::string scenario =
      fs::relative(fs::absolute(experiment.spec.scenario_file), dir).generic_string();
  const std::string source = fs::relative(fs::absolute(results), dir).generic_string();
  std::string digest;
  {
    std::ifstream in(results, std::ios::binary);
    Sha256 sha;
    std::vector<char> buf(1 << 16);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0) sha.add(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    digest = sha.hex();
  }
  auto q = [](const std::string& t) {
    std::string out = "\"";
    for (const char c : t) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  const std::size_t K = block.parameters.size();
  std::string text = fmt::format(
      "# Posterior of cxsim calibrate {}, from {} (generation {}, {} particles).\n"
      "# The experiment's set: overrides are not copied: this is the scenario at its own scale.\n",
      experiment.spec.file, results.filename().string(), state.generations.size() - 1,
      last.weights.size());
  text += "extends: " + q(scenario) + "\n";
  text += "posterior:\n";
  text += "  source: " + q(source) + "\n";
  text += "  sha256: \"" + digest + "\"\n";
  text += "  parameters: [";
  for (std::size_t i = 0; i < K; ++i) text += (i ? ", " : "") + block.parameters[i].path;
  text += "]\n  particles:\n";
  for (std::size_t j = 0; j < last.weights.size(); ++j) {
    text += "    - [";
    for (std::size_t i = 0; i < K; ++i) {
      text += fmt::format("{}{:.17g}", i ? ", " : "", last.particles[j * K + i]);
    }
    text += "]\n";
  }
  text += "  weights: [";
  for (std::size_t j = 0; j < last.weights.size(); ++j) {
    text += fmt::format("{}{:.17g}", j ? ", " : "", last.weights[j]);
  }
  text += "]\n";
  const Path tmp = overlay.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw IoError(fmt::format("{}: cannot write the posterior overlay", tmp.string()));
  }
  fs::rename(tmp, overlay);
}

}  // namespace cxsim
