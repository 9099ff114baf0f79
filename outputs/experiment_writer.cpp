// Experiment files: root attributes as a run's plus the experiment's, coordinates with `point` and
// `factor`, NaN-filled datasets with a leading point dimension, one chunk per point, written a
// point at a time and committed at most once a second; /run/point_done says which points reached
// the disk.
#include "outputs/experiment_writer.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>

#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "engine/metrics.hpp"
#include "engine/parameter_draws.hpp"
#include "engine/statistics.hpp"
#include "outputs/experiment_file_parts.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/output_target.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/sha256.hpp"

namespace cxsim {

namespace {

using Path = std::filesystem::path;
using namespace h5::layout;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kPointDone = "run/point_done";
// Each commit flushes the file twice (values, then their flags), with fdatasync: a few
// milliseconds, 7% of a 2 000-agent point when every point had its own. Committed at most once a
// second, a study of many small points spends well under 1% of its time on them, and a crash
// loses at most a second of points (an interrupt loses none: the writer commits before it
// closes).
constexpr auto kCommitInterval = std::chrono::seconds(1);
// A point's timeseries means are one chunk per metric (roadmaps x months doubles). Deflate pays
// a fixed cost per chunk (zlib sets up and clears a state of about 256 KiB each time), which for
// chunks of a few KiB outweighs what it saves: at 5 roadmaps x 36 months (1.4 KiB a chunk) it
// cost about 1.3% of a 2 000-agent point's time to save 20 KiB a point. Chunks smaller than this
// are stored as they are (a 48-point telecom sweep: 2.5 MB instead of 1.4 MB).
constexpr std::size_t kCompressedChunkBytes = std::size_t{16} << 10;

}  // namespace

ExperimentWriter::ExperimentWriter(Path out, const LoadedExperiment& experiment,
                                   const ExperimentPoints& points, const WriterOptions& options)
    : out_(std::move(out)),
      partial_(partial_path(out_)),
      points_(points.points),
      base_point_(points.base_point),
      roadmaps_(static_cast<int>(experiment.base.roadmaps.size())),
      months_(experiment.base.horizon_months),
      replications_(experiment.base.replications),
      outputs_(experiment.spec.outputs),
      parameter_paths_(recorded_parameters(experiment.base)),
      done_(static_cast<std::size_t>(points.runs()), false) {
  storage_.faults = options.faults;
  storage_.sync = options.sync;
}

ExperimentWriter::~ExperimentWriter() {
  close_quietly();
}

ExperimentFileSlots ExperimentWriter::slots() {
  return {out_, partial_, lock_, file_, storage_};
}

void ExperimentWriter::close_quietly() {
  try {
    // Points written but not yet committed are kept when the file takes them; when it does not,
    // they stay unmarked and a resume runs them again.
    if (file_.valid() && !finished_) commit();
  } catch (...) {
  }
  try {
    summary_.clear();
    timeseries_mean_.clear();
    parameters_.clear();
    base_summary_.clear();
    done_dataset_ = h5::Dataset();
    file_ = h5::File();
  } catch (...) {
  }
}

void ExperimentWriter::flush(std::string_view what) {
  flush_experiment_file(file_.get(), storage_, partial_, what);
}

std::unique_ptr<ExperimentWriter> ExperimentWriter::create(
    const Path& out, const LoadedExperiment& experiment, const ExperimentPoints& points,
    const RunProvenance& provenance, bool force, const WriterOptions& options) {
  std::unique_ptr<ExperimentWriter> w(new ExperimentWriter(out, experiment, points, options));
  create_experiment_file(
      w->slots(), experiment, force, [&] { w->create_layout(experiment, points, provenance); },
      [&] { w->close_quietly(); });
  return w;
}

void ExperimentWriter::create_layout(const LoadedExperiment& experiment,
                                     const ExperimentPoints& points,
                                     const RunProvenance& provenance) {
  const Scenario& s = experiment.base;
  const ExperimentSpec& spec = experiment.spec;
  const hid_t f = file_.get();
  const Path& file = partial_;

  write_experiment_attributes(f, experiment, provenance, "common", file);
  h5::write_attribute(f, "points", static_cast<std::int64_t>(points.points), file);
  if (spec.kind == ExperimentKind::sweep) {
    h5::write_attribute(f, "design", to_string(spec.sweep.design), file);
  } else {
    h5::write_attribute(f, "method", to_string(spec.sensitivity.method), file);
  }
  write_strings_attribute(f, "outputs", spec.outputs, file);
  h5::write_attribute(f, "complete", std::int64_t{0}, file);

  write_text_dataset(f, "scenario", s.resolved_yaml,
                     "the base scenario, fully resolved (YAML, after extends, set and --set)",
                     file);
  write_text_dataset(f, "experiment", spec.resolved_yaml,
                     "the resolved experiment file (YAML): scenario, overrides, outputs, block "
                     "and factors",
                     file);

  const auto P = static_cast<hsize_t>(points.points);
  const auto F = static_cast<hsize_t>(points.factors);
  const auto M = static_cast<hsize_t>(roadmaps_);
  const auto R = static_cast<hsize_t>(replications_);
  const auto T = static_cast<hsize_t>(months_);
  h5::Dataset c_point, c_factor, c_roadmap, c_replication, c_month, c_statistic;
  {
    const h5::Group g = create_group(f, "coords", file);
    std::vector<std::int64_t> point(P), replication(R);
    for (hsize_t i = 0; i < P; ++i) point[i] = static_cast<std::int64_t>(i);
    for (hsize_t i = 0; i < R; ++i) replication[i] = static_cast<std::int64_t>(i);
    std::vector<std::int32_t> month(T);
    for (hsize_t i = 0; i < T; ++i) month[i] = static_cast<std::int32_t>(i + 1);
    std::vector<std::string> factors, roadmaps, statistics;
    for (const auto& x : spec.factors) factors.push_back(x.name);
    for (const auto& x : s.roadmaps) roadmaps.push_back(x.name);
    for (const auto& x : kStatisticNames) statistics.emplace_back(x);
    c_point =
        number_coord(g.get(), "point", H5T_STD_I64LE, point, "1",
                     "experiment point (0-based; /design/values holds its factor values)", file);
    c_factor = string_coord(g.get(), "factor", factors, "factor: the scenario path it sets", file);
    c_roadmap = string_coord(g.get(), "roadmap", roadmaps, "roadmap name", file);
    c_replication = number_coord(g.get(), "replication", H5T_STD_I64LE, replication, "1",
                                 "replication index (0-based); the same random numbers at every "
                                 "point",
                                 file);
    c_month = number_coord(g.get(), "month", H5T_STD_I32LE, month, "month",
                           "month of the horizon (1-based)", file);
    c_statistic = string_coord(g.get(), "statistic", statistics,
                               "summary statistic over replications (sd with ddof 1, percentiles "
                               "by linear interpolation, NaN excluded, n = count used)",
                               file);
  }
  const Dimension d_point{P, 1, c_point.get()};
  const Dimension d_factor{F, F, c_factor.get()};
  const Dimension d_roadmap{M, M, c_roadmap.get()};
  const Dimension d_rep{R, R, c_replication.get()};
  const Dimension d_month{T, T, c_month.get()};
  const Dimension d_stat{kStatistics, kStatistics, c_statistic.get()};
  auto group_with = [&](hid_t parent, const std::string& name,
                        std::initializer_list<const char*> coords) {
    h5::Group g = create_group(parent, name, file);
    for (const char* coord : coords) link_coord(f, g.get(), coord, file);
    return g;
  };

  {
    const h5::Group g = group_with(f, "design", {"point", "factor"});
    const h5::Dataset ds =
        create_metric(g.get(), "/design", "values", {d_point, d_factor}, "1",
                      "the factor values of each point (as set in the scenario)", false, file);
    if (P > 0 && F > 0) write_block(ds.get(), {0, 0}, {P, F}, points.values.data(), file, "design");
  }
  {
    const h5::Group g = group_with(f, "summary", {"point", "roadmap", "replication"});
    for (const auto& m : summary_metric_infos()) {
      create_metric(g.get(), "/summary", std::string(m.name), {d_point, d_roadmap, d_rep}, m.units,
                    m.description, false, file);
    }
  }
  {
    const h5::Group g = group_with(f, "statistics", {"point", "roadmap", "statistic"});
    for (const auto& m : summary_metric_infos()) {
      create_metric(g.get(), "/statistics", std::string(m.name), {d_point, d_roadmap, d_stat},
                    m.units, m.description, false, file);
    }
  }
  {
    const h5::Group g = group_with(f, "timeseries_mean", {"point", "roadmap", "month"});
    const bool compress = M * T * sizeof(double) >= kCompressedChunkBytes;
    for (const auto& m : metric_infos()) {
      create_metric(g.get(), "/timeseries_mean", std::string(m.name), {d_point, d_roadmap, d_month},
                    m.units, fmt::format("{} (mean over replications)", m.description), compress,
                    file);
    }
  }
  {
    const h5::Group g = group_with(f, "parameters", {"point", "replication"});
    for (const auto& path : parameter_paths_) {
      create_metric(g.get(), "/parameters", path, {d_point, d_rep}, "1",
                    "the value used at each point and replication: drawn, or set by a factor",
                    false, file);
    }
  }
  if (points.base_point) {
    const h5::Group base = create_group(f, "base", file);
    const h5::Group g = group_with(base.get(), "summary", {"roadmap", "replication"});
    for (const auto& m : summary_metric_infos()) {
      create_metric(g.get(), "/base/summary", std::string(m.name), {d_roadmap, d_rep}, m.units,
                    fmt::format("{}, at the base scenario (no factor set)", m.description), false,
                    file);
    }
    const h5::Group pd = group_with(f, "paired_difference", {"point", "roadmap", "statistic"});
    for (const auto& o : outputs_) {
      create_metric(pd.get(), "/paired_difference", o, {d_point, d_roadmap, d_stat}, "",
                    fmt::format("{} at the point minus at the base scenario, replication by "
                                "replication (common random numbers): statistics of the "
                                "differences",
                                o),
                    false, file);
    }
  }
  if (spec.kind == ExperimentKind::sensitivity) {
    // NaN until finish() computes them from every point: the layout is fixed at creation.
    const h5::Group sens = create_group(f, "sensitivity", file);
    for (const auto& o : outputs_) {
      const h5::Group g = group_with(sens.get(), o, {"roadmap", "factor"});
      for (const auto& index : sensitivity_index_names(spec.sensitivity.method)) {
        create_metric(g.get(), "/sensitivity/" + o, index, {d_roadmap, d_factor}, "",
                      fmt::format("{} of {} per roadmap and factor ({})", index, o,
                                  to_string(spec.sensitivity.method)),
                      false, file);
      }
    }
  }
  {
    const h5::Group run = create_group(f, "run", file);
    const h5::Dataset ds = create_done_flags(
        run.get(), static_cast<hsize_t>(done_.size()),
        "1 once the point's replications are on the disk (the design's points, then the "
        "base point when there is one)",
        file);
    h5::write_attribute(run.get(), kLayoutDigest, layout_digest(f, file), file);
  }
  open_datasets();
}

void ExperimentWriter::open_datasets() {
  const hid_t f = file_.get();
  auto open_all = [&](const std::string& group, auto names, std::vector<h5::Dataset>& into) {
    const h5::Group g = open_group(f, group, partial_);
    into.clear();
    for (const auto& name : names)
      into.push_back(open_dataset(g.get(), std::string(name), partial_));
  };
  std::vector<std::string> summary, series;
  for (const auto& m : summary_metric_infos()) summary.emplace_back(m.name);
  for (const auto& m : metric_infos()) series.emplace_back(m.name);
  open_all("summary", summary, summary_);
  open_all("timeseries_mean", series, timeseries_mean_);
  open_all("parameters", parameter_paths_, parameters_);
  if (base_point_) open_all("base/summary", summary, base_summary_);
  done_dataset_ = open_dataset(f, kPointDone, partial_);
}

std::unique_ptr<ExperimentWriter> ExperimentWriter::resume(const Path& out,
                                                           const LoadedExperiment& experiment,
                                                           const ExperimentPoints& points,
                                                           const RunProvenance& provenance,
                                                           const WriterOptions& options) {
  std::unique_ptr<ExperimentWriter> w(new ExperimentWriter(out, experiment, points, options));
  reopen_experiment_file(
      w->slots(), experiment, provenance,
      [&] {
        w->open_datasets();
        w->done_ = read_done_flags(w->done_dataset_.get(), w->done_.size(), w->partial_);
      },
      [&] { w->close_quietly(); });
  return w;
}

void ExperimentWriter::write_point(const PointRun& point) {
  const auto M = static_cast<std::size_t>(roadmaps_);
  const auto R = static_cast<std::size_t>(replications_);
  const auto T = static_cast<std::size_t>(months_);
  const bool is_base = point.point == points_;
  if (point.point < 0 || point.point > points_ || (is_base && !base_point_) ||
      point.replications.size() != R) {
    throw IoError(fmt::format("{}: point {} is not one of this experiment's", partial_.string(),
                              point.point));
  }
  for (const auto& r : point.replications) {
    if (r.roadmaps.size() != M) {
      throw IoError(fmt::format("{}: point {} has {} roadmaps, expected {}", partial_.string(),
                                point.point, r.roadmaps.size(), M));
    }
  }
  const auto p = static_cast<hsize_t>(point.point);
  std::vector<double> buf(M * R);
  // /summary/<m>[p, :, :] (or /base/summary/<m>[:, :])
  for (int m = 0; m < kSummaryMetrics; ++m) {
    for (std::size_t i = 0; i < M; ++i) {
      for (std::size_t r = 0; r < R; ++r)
        buf[i * R + r] = point.replications[r].roadmaps[i].summary[m];
    }
    const std::string what = fmt::format("summary metric {} of point {}", m, point.point);
    if (is_base) {
      write_block(base_summary_[static_cast<std::size_t>(m)].get(), {0, 0}, {M, R}, buf.data(),
                  partial_, what);
    } else {
      write_block(summary_[static_cast<std::size_t>(m)].get(), {p, 0, 0}, {1, M, R}, buf.data(),
                  partial_, what);
    }
  }
  if (!is_base) {
    // Means over replications, summed in replication order: the same bits at any thread count.
    std::vector<double> mean(M * T);
    for (int m = 0; m < kMetrics; ++m) {
      for (std::size_t i = 0; i < M; ++i) {
        for (std::size_t t = 0; t < T; ++t) {
          double sum = 0.0;
          for (std::size_t r = 0; r < R; ++r) {
            sum +=
                point.replications[r].roadmaps[i].timeseries[static_cast<std::size_t>(m) * T + t];
          }
          mean[i * T + t] = sum / static_cast<double>(R);
        }
      }
      write_block(timeseries_mean_[static_cast<std::size_t>(m)].get(), {p, 0, 0}, {1, M, T},
                  mean.data(), partial_, fmt::format("timeseries mean {} of point {}", m, p));
    }
    // /parameters: drawn where the point leaves the distribution, else the value it sets.
    const Scenario& s = *point.scenario;
    const std::vector<std::string> recorded = recorded_parameters(s);
    std::map<std::string, std::size_t> drawn;
    for (std::size_t j = 0; j < recorded.size(); ++j) drawn[recorded[j]] = j;
    std::vector<double> values(R);
    for (std::size_t k = 0; k < parameter_paths_.size(); ++k) {
      const std::string& path = parameter_paths_[k];
      const auto it = drawn.find(path);
      double constant = kNaN;
      if (it == drawn.end()) {
        for (const Slot& slot : s.slots) {
          if (slot.path == path) constant = slot.value.a;
        }
      }
      for (std::size_t r = 0; r < R; ++r) {
        values[r] = it != drawn.end() ? point.replications[r].parameters[it->second] : constant;
      }
      write_block(parameters_[k].get(), {p, 0}, {1, R}, values.data(), partial_,
                  "/parameters/" + path);
    }
  }
  written_.push_back(point.point);
  if (std::chrono::steady_clock::now() - last_commit_ >= kCommitInterval) commit();
}

void ExperimentWriter::commit() {
  if (written_.empty()) return;
  const std::string what = written_.size() == 1 ? fmt::format("point {}", written_.front())
                                                : fmt::format("{} points", written_.size());
  // The values reach the disk before /run/point_done says they did.
  flush(what);
  const std::uint8_t yes = 1;
  const hsize_t one = 1;
  const h5::Dataspace mem_space(H5Screate_simple(1, &one, nullptr));
  for (const int point : written_) {
    const auto p = static_cast<hsize_t>(point);
    const h5::Dataspace file_space(H5Dget_space(done_dataset_.get()));
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &p, nullptr, &one, nullptr);
    h5::check_status(H5Dwrite(done_dataset_.get(), H5T_NATIVE_UINT8, mem_space.get(),
                              file_space.get(), H5P_DEFAULT, &yes),
                     partial_, "cannot write /run/point_done");
  }
  flush("/run/point_done of " + what);
  for (const int point : written_) done_[static_cast<std::size_t>(point)] = true;
  written_.clear();
  last_commit_ = std::chrono::steady_clock::now();
}

PointOutputs ExperimentWriter::point_outputs() const {
  PointOutputs out;
  out.points = points_;
  out.roadmaps = roadmaps_;
  out.names = outputs_;
  const auto M = static_cast<std::size_t>(roadmaps_);
  const auto R = static_cast<std::size_t>(replications_);
  const auto P = static_cast<std::size_t>(points_);
  const auto infos = summary_metric_infos();
  for (const auto& name : outputs_) {
    std::size_t m = 0;
    while (m < infos.size() && infos[m].name != name) ++m;
    const std::vector<double> all =
        read_all(summary_[m].get(), P * M * R, partial_, "/summary/" + name);
    std::vector<double> means(P * M, kNaN);
    for (std::size_t i = 0; i < P * M; ++i) {
      means[i] = summarize(std::span<const double>(all).subspan(i * R, R)).mean;
    }
    out.values.push_back(std::move(means));
  }
  return out;
}

void ExperimentWriter::finish(const std::vector<SensitivityTable>& indices) {
  commit();
  for (std::size_t i = 0; i < done_.size(); ++i) {
    if (!done_[i]) {
      throw IoError(fmt::format("{}: point {} is missing", partial_.string(), i));
    }
  }
  const hid_t f = file_.get();
  const auto M = static_cast<std::size_t>(roadmaps_);
  const auto R = static_cast<std::size_t>(replications_);
  const auto P = static_cast<std::size_t>(points_);
  const auto S = static_cast<std::size_t>(kStatistics);
  const auto infos = summary_metric_infos();
  {
    const h5::Group g = open_group(f, "statistics", partial_);
    for (std::size_t m = 0; m < infos.size(); ++m) {
      const std::string name(infos[m].name);
      const auto all = read_all(summary_[m].get(), P * M * R, partial_, "/summary/" + name);
      std::vector<double> stats(P * M * S);
      for (std::size_t i = 0; i < P * M; ++i) {
        const auto row = as_array(summarize(std::span<const double>(all).subspan(i * R, R)));
        std::copy(row.begin(), row.end(), stats.begin() + static_cast<std::ptrdiff_t>(i * S));
      }
      if (P * M == 0) continue;
      const h5::Dataset ds = open_dataset(g.get(), name, partial_);
      write_block(ds.get(), {0, 0, 0}, {P, M, S}, stats.data(), partial_, "/statistics/" + name);
    }
  }
  if (base_point_) {
    const h5::Group g = open_group(f, "paired_difference", partial_);
    for (const auto& o : outputs_) {
      std::size_t m = 0;
      while (m < infos.size() && infos[m].name != o) ++m;
      const auto all = read_all(summary_[m].get(), P * M * R, partial_, "/summary/" + o);
      const auto base = read_all(base_summary_[m].get(), M * R, partial_, "/base/summary/" + o);
      std::vector<double> stats(P * M * S), diff(R);
      for (std::size_t p = 0; p < P; ++p) {
        for (std::size_t i = 0; i < M; ++i) {
          for (std::size_t r = 0; r < R; ++r) diff[r] = all[(p * M + i) * R + r] - base[i * R + r];
          const auto row = as_array(summarize(diff));
          std::copy(row.begin(), row.end(),
                    stats.begin() + static_cast<std::ptrdiff_t>((p * M + i) * S));
        }
      }
      if (P * M == 0) continue;
      const h5::Dataset ds = open_dataset(g.get(), o, partial_);
      write_block(ds.get(), {0, 0, 0}, {P, M, S}, stats.data(), partial_,
                  "/paired_difference/" + o);
    }
  }
  if (!indices.empty()) {
    const h5::Group sens = open_group(f, "sensitivity", partial_);
    for (const auto& table : indices) {
      const h5::Group g = open_group(sens.get(), table.output, partial_);
      for (std::size_t k = 0; k < table.index_names.size(); ++k) {
        const std::string where = "/sensitivity/" + table.output + "/" + table.index_names[k];
        const h5::Dataset ds = open_dataset(g.get(), table.index_names[k], partial_);
        const std::vector<hsize_t> dims = h5::shape(ds.get(), partial_);
        if (dims.size() != 2 || dims[0] * dims[1] != table.values[k].size()) {
          throw IoError(
              fmt::format("{}: {} has another shape than its indices", partial_.string(), where));
        }
        if (!table.values[k].empty()) {
          write_block(ds.get(), {0, 0}, dims, table.values[k].data(), partial_, where);
        }
      }
    }
  }
  h5::write_attribute(f, "complete", std::int64_t{1}, partial_);
  flush("the finished file");
  summary_.clear();
  timeseries_mean_.clear();
  parameters_.clear();
  base_summary_.clear();
  done_dataset_ = h5::Dataset();
  close_verify_and_rename(file_, storage_, partial_, out_);
  finished_ = true;
}

}  // namespace cxsim
