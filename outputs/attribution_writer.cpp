// Attribution files: root attributes as the other experiment files', coordinates `initiative`,
// `coalition`, `replication`, NaN-filled datasets created at once (the layout is fixed at
// creation and digested), filled batch by batch; the shares computed at the end from the file.
#include "outputs/attribution_writer.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <cmath>
#include <limits>

#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "engine/metrics.hpp"
#include "engine/parameter_draws.hpp"
#include "engine/statistics.hpp"
#include "experiments/shapley.hpp"
#include "outputs/experiment_file_parts.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/output_target.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/sha256.hpp"

namespace cxsim {

namespace {

using Path = std::filesystem::path;
using namespace h5::layout;
constexpr const char* kBatchDone = "run/point_done";
constexpr const char* kBatchSize = "batch_size";
// The bounds of /attribute/interval, in file order.
const std::vector<std::string> kBounds = {"mean", "se", "low", "high"};

// Summary metrics an attribution file holds per sub-roadmap: all but the rankings, which rank
// the roadmaps that happened to run together.
std::vector<int> written_summary_metrics() {
  std::vector<int> out;
  const auto infos = summary_metric_infos();
  for (std::size_t m = 0; m < infos.size(); ++m) {
    if (std::string_view(infos[m].name).rfind("is_best", 0) != 0)
      out.push_back(static_cast<int>(m));
  }
  return out;
}

// A 1-D string dataset along a dimension scale (not itself a scale).
void write_strings(hid_t group, const std::string& name, const std::vector<std::string>& values,
                   hid_t scale, std::string_view description, const Path& file) {
  const hsize_t n = values.size();
  const h5::Dataspace space(H5Screate_simple(1, &n, nullptr));
  const h5::Datatype type = h5::string_type();
  const h5::Dataset ds(h5::check(H5Dcreate2(group, name.c_str(), type.get(), space.get(),
                                            H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                 file, "cannot create /attribute/" + name));
  std::vector<const char*> data;
  for (const auto& v : values) data.push_back(v.c_str());
  if (n > 0) {
    h5::check_status(
        H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, h5::string_transfer(), data.data()), file,
        "cannot write /attribute/" + name);
  }
  h5::check_status(H5DSattach_scale(ds.get(), scale, 0), file,
                   "cannot attach a dimension scale to /attribute/" + name);
  describe(ds.get(), "1", description, file);
}

}  // namespace

AttributionWriter::AttributionWriter(Path out, const LoadedExperiment& experiment,
                                     const WriterOptions& options)
    : out_(std::move(out)),
      partial_(partial_path(out_)),
      replications_(experiment.base.replications),
      metric_(experiment.spec.attribute.metric_index),
      summary_metrics_(written_summary_metrics()),
      parameter_paths_(recorded_parameters(experiment.base)) {
  storage_.faults = options.faults;
  storage_.sync = options.sync;
}

AttributionWriter::~AttributionWriter() {
  close_quietly();
}

ExperimentFileSlots AttributionWriter::slots() {
  return {out_, partial_, lock_, file_, storage_};
}

void AttributionWriter::close_quietly() {
  try {
    value_ = h5::Dataset();
    summary_.clear();
    parameters_.clear();
    done_dataset_ = h5::Dataset();
    file_ = h5::File();
  } catch (...) {
  }
}

void AttributionWriter::flush(std::string_view what) {
  flush_experiment_file(file_.get(), storage_, partial_, what);
}

std::unique_ptr<AttributionWriter> AttributionWriter::create(
    const Path& out, const LoadedExperiment& experiment, const AttributionPlan& plan,
    const RunProvenance& provenance, bool force, const WriterOptions& options) {
  std::unique_ptr<AttributionWriter> w(new AttributionWriter(out, experiment, options));
  create_experiment_file(
      w->slots(), experiment, force,
      [&] {
        w->batch_size_ = plan.batch_size;
        w->done_.assign(static_cast<std::size_t>(plan.batches()), false);
        w->create_layout(experiment, plan, provenance);
      },
      [&] { w->close_quietly(); });
  return w;
}

void AttributionWriter::create_layout(const LoadedExperiment& experiment,
                                      const AttributionPlan& plan,
                                      const RunProvenance& provenance) {
  const Scenario& s = experiment.base;
  const ExperimentSpec& spec = experiment.spec;
  const AttributeBlock& block = spec.attribute;
  const CoalitionPlan& coalitions = plan.coalitions;
  const hid_t f = file_.get();
  const Path& file = partial_;
  const std::string metric(summary_metric_infos()[static_cast<std::size_t>(metric_)].name);
  const std::string units(summary_metric_infos()[static_cast<std::size_t>(metric_)].units);

  write_experiment_attributes(f, experiment, provenance, "common", file);
  h5::write_attribute(f, "points", static_cast<std::int64_t>(coalitions.coalitions()), file);
  h5::write_attribute(f, "method", to_string(block.method), file);
  h5::write_attribute(f, "roadmap", block.roadmap, file);
  h5::write_attribute(f, "metric", metric, file);
  h5::write_attribute(f, "permutations", static_cast<std::int64_t>(coalitions.permutations), file);
  write_strings_attribute(f, "outputs", {metric}, file);
  h5::write_attribute(f, "complete", std::int64_t{0}, file);

  write_text_dataset(f, "scenario", s.resolved_yaml,
                     "the base scenario, fully resolved (YAML, after extends, set and --set)",
                     file);
  write_text_dataset(f, "experiment", spec.resolved_yaml,
                     "the resolved experiment file (YAML): scenario, overrides and the attribute "
                     "block",
                     file);

  const auto K = static_cast<hsize_t>(coalitions.players);
  const auto C = static_cast<hsize_t>(coalitions.coalitions());
  const auto P = static_cast<hsize_t>(coalitions.permutations);
  const auto R = static_cast<hsize_t>(replications_);
  const auto B = static_cast<hsize_t>(plan.batch_size);
  const auto S = static_cast<hsize_t>(kStatistics);
  const bool sampled = !coalitions.exact;
  h5::Dataset c_initiative, c_coalition, c_replication, c_statistic, c_bound, c_permutation;
  {
    const h5::Group g = create_group(f, "coords", file);
    std::vector<std::int64_t> coalition(C), replication(R), permutation(P);
    for (hsize_t i = 0; i < C; ++i) coalition[i] = static_cast<std::int64_t>(i);
    for (hsize_t i = 0; i < R; ++i) replication[i] = static_cast<std::int64_t>(i);
    for (hsize_t i = 0; i < P; ++i) permutation[i] = static_cast<std::int64_t>(i);
    std::vector<std::string> statistics;
    for (const auto& x : kStatisticNames) statistics.emplace_back(x);
    c_initiative = string_coord(g.get(), "initiative", block.player_names,
                                fmt::format("initiative of roadmap {} whose share is computed: "
                                            "its library name, in roadmap order (#2 for a repeat)",
                                            block.roadmap),
                                file);
    c_coalition = number_coord(g.get(), "coalition", H5T_STD_I64LE, coalition, "1",
                               "coalition (0-based): a sub-roadmap, /attribute/coalitions names "
                               "its initiatives",
                               file);
    c_replication = number_coord(g.get(), "replication", H5T_STD_I64LE, replication, "1",
                                 "replication index (0-based); the same random numbers in every "
                                 "sub-roadmap",
                                 file);
    c_statistic = string_coord(g.get(), "statistic", statistics,
                               "summary statistic over replications (sd with ddof 1, percentiles "
                               "by linear interpolation, NaN excluded, n = count used)",
                               file);
    c_bound = string_coord(g.get(), "bound", kBounds,
                           "the mean share over replications, its standard error and 95% "
                           "Student-t interval",
                           file);
    if (sampled) {
      c_permutation = number_coord(g.get(), "permutation", H5T_STD_I64LE, permutation, "1",
                                   "random order of the initiatives (0-based)", file);
    }
  }
  const Dimension d_initiative{K, K, c_initiative.get()};
  const Dimension d_coalition{C, B, c_coalition.get()};
  const Dimension d_rep{R, R, c_replication.get()};
  const Dimension d_stat{S, S, c_statistic.get()};
  const Dimension d_bound{kBounds.size(), kBounds.size(), c_bound.get()};
  auto group_with = [&](hid_t parent, const std::string& name,
                        std::initializer_list<const char*> coords) {
    h5::Group g = create_group(parent, name, file);
    for (const char* coord : coords) link_coord(f, g.get(), coord, file);
    return g;
  };

  {
    const h5::Group g =
        sampled ? group_with(f, "attribute",
                             {"initiative", "coalition", "replication", "statistic", "bound",
                              "permutation"})
                : group_with(f, "attribute",
                             {"initiative", "coalition", "replication", "statistic", "bound"});
    const std::string gp = "/attribute";
    create_metric(g.get(), gp, "shapley", {d_initiative, d_rep}, units,
                  fmt::format("Shapley share of {} of roadmap {} per initiative and replication: "
                              "the shares of a replication add up to /attribute/total",
                              metric, block.roadmap),
                  false, file);
    create_metric(g.get(), gp, "total", {d_rep}, units,
                  fmt::format("{} of roadmap {} minus {} of the same roadmap without the "
                              "initiatives shared out, per replication",
                              metric, block.roadmap, metric),
                  false, file);
    create_metric(g.get(), gp, "value", {d_coalition, d_rep}, units,
                  fmt::format("{} of each coalition's sub-roadmap (the roadmap's entries as "
                              "written, the other initiatives left out) per replication",
                              metric),
                  false, file);
    write_strings(g.get(), "coalitions", plan.labels, c_coalition.get(),
                  "the initiatives of each coalition's sub-roadmap, in roadmap order", file);
    {
      const h5::Dataset ds = create_metric(
          g.get(), gp, "members", {d_coalition, d_initiative}, "1",
          "1 when the initiative is in the coalition's sub-roadmap, else 0", false, file);
      std::vector<double> members(C * K);
      for (hsize_t c = 0; c < C; ++c) {
        for (hsize_t i = 0; i < K; ++i) {
          members[c * K + i] = coalitions.has(static_cast<int>(c), static_cast<int>(i)) ? 1.0 : 0.0;
        }
      }
      if (C * K > 0) write_block(ds.get(), {0, 0}, {C, K}, members.data(), file, "members");
    }
    create_metric(g.get(), gp, "statistics", {d_initiative, d_stat}, units,
                  "statistics of each initiative's share over replications", false, file);
    create_metric(g.get(), gp, "interval", {d_initiative, d_bound}, units,
                  sampled ? "mean share with its standard error and 95% interval: the spread "
                            "over replications and the sampling of the orders together"
                          : "mean share with its standard error and 95% interval over "
                            "replications",
                  false, file);
    if (sampled) {
      const Dimension d_perm{P, P, c_permutation.get()};
      const h5::Dataset ds =
          create_metric(g.get(), gp, "permutations", {d_perm, d_initiative}, "1",
                        "position (0-based) of each initiative in each random order", false, file);
      std::vector<double> position(P * K);
      for (hsize_t p = 0; p < P; ++p) {
        for (hsize_t j = 0; j < K; ++j) {
          position[p * K + static_cast<hsize_t>(coalitions.order(
                               static_cast<int>(p), static_cast<int>(j)))] = static_cast<double>(j);
        }
      }
      if (P * K > 0) write_block(ds.get(), {0, 0}, {P, K}, position.data(), file, "permutations");
    }
  }
  const auto infos = summary_metric_infos();
  {
    const h5::Group g = group_with(f, "summary", {"coalition", "replication"});
    for (const int m : summary_metrics_) {
      const auto& info = infos[static_cast<std::size_t>(m)];
      create_metric(g.get(), "/summary", std::string(info.name), {d_coalition, d_rep}, info.units,
                    fmt::format("{}, of each coalition's sub-roadmap", info.description), false,
                    file);
    }
  }
  {
    const h5::Group g = group_with(f, "statistics", {"coalition", "statistic"});
    for (const int m : summary_metrics_) {
      const auto& info = infos[static_cast<std::size_t>(m)];
      create_metric(
          g.get(), "/statistics", std::string(info.name), {d_coalition, d_stat}, info.units,
          fmt::format("{}, of each coalition's sub-roadmap", info.description), false, file);
    }
  }
  {
    const h5::Group g = group_with(f, "parameters", {"replication"});
    for (const auto& path : parameter_paths_) {
      create_metric(g.get(), "/parameters", path, {d_rep}, "",
                    "value drawn for this replication (the same in every sub-roadmap)", false,
                    file);
    }
  }
  {
    const h5::Group run = create_group(f, "run", file);
    const h5::Dataset ds = create_done_flags(
        run.get(), static_cast<hsize_t>(done_.size()),
        "1 once the batch's sub-roadmaps are on the disk (batch b holds coalitions "
        "b * batch_size to (b + 1) * batch_size - 1)",
        file);
    h5::write_attribute(ds.get(), kBatchSize, static_cast<std::int64_t>(plan.batch_size), file);
    h5::write_attribute(run.get(), kLayoutDigest, layout_digest(f, file), file);
  }
  open_datasets();
}

void AttributionWriter::open_datasets() {
  const hid_t f = file_.get();
  const auto infos = summary_metric_infos();
  value_ = open_dataset(f, "attribute/value", partial_);
  summary_.clear();
  {
    const h5::Group g = open_group(f, "summary", partial_);
    for (const int m : summary_metrics_) {
      summary_.push_back(
          open_dataset(g.get(), std::string(infos[static_cast<std::size_t>(m)].name), partial_));
    }
  }
  parameters_.clear();
  {
    const h5::Group g = open_group(f, "parameters", partial_);
    for (const auto& path : parameter_paths_)
      parameters_.push_back(open_dataset(g.get(), path, partial_));
  }
  done_dataset_ = open_dataset(f, kBatchDone, partial_);
}

std::unique_ptr<AttributionWriter> AttributionWriter::resume(const Path& out,
                                                             const LoadedExperiment& experiment,
                                                             const RunProvenance& provenance,
                                                             const WriterOptions& options) {
  std::unique_ptr<AttributionWriter> w(new AttributionWriter(out, experiment, options));
  const Path& partial = w->partial_;
  reopen_experiment_file(
      w->slots(), experiment, provenance,
      [&] {
        w->open_datasets();
        const std::vector<hsize_t> dims = h5::shape(w->done_dataset_.get(), partial);
        const std::int64_t batch =
            h5::read_int_attribute(w->done_dataset_.get(), kBatchSize, partial);
        if (dims.size() != 1 || batch < 1) {
          throw IoError(
              fmt::format("{}: /run/point_done is not an attribution's", partial.string()));
        }
        w->batch_size_ = static_cast<int>(batch);
        w->done_ = read_done_flags(w->done_dataset_.get(), dims[0], partial);
      },
      [&] { w->close_quietly(); });
  return w;
}

void AttributionWriter::write_batch(const AttributionPlan& plan, const PointRun& batch) {
  const int b = batch.point;
  const auto R = static_cast<std::size_t>(replications_);
  if (b < 0 || b >= static_cast<int>(done_.size()) ||
      plan.batches() != static_cast<int>(done_.size()) || batch.replications.size() != R) {
    throw IoError(
        fmt::format("{}: batch {} is not one of this attribution's", partial_.string(), b));
  }
  const auto n = static_cast<std::size_t>(plan.count(b));
  for (const auto& r : batch.replications) {
    if (r.roadmaps.size() != n + 1) {
      throw IoError(fmt::format("{}: batch {} has {} roadmaps, expected {}", partial_.string(), b,
                                r.roadmaps.size(), n + 1));
    }
  }
  const auto first = static_cast<hsize_t>(plan.first(b));
  std::vector<double> buf(n * R);
  auto gather = [&](int m) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t r = 0; r < R; ++r) {
        buf[i * R + r] = batch.replications[r].roadmaps[i + 1].summary[static_cast<std::size_t>(m)];
      }
    }
  };
  gather(metric_);
  write_block(value_.get(), {first, 0}, {n, R}, buf.data(), partial_,
              fmt::format("/attribute/value of batch {}", b));
  for (std::size_t k = 0; k < summary_metrics_.size(); ++k) {
    gather(summary_metrics_[k]);
    write_block(summary_[k].get(), {first, 0}, {n, R}, buf.data(), partial_,
                fmt::format("summary metric {} of batch {}", summary_metrics_[k], b));
  }
  // The draws are the base scenario's in every batch: written by each, the same values.
  std::vector<double> values(R);
  for (std::size_t k = 0; k < parameter_paths_.size(); ++k) {
    for (std::size_t r = 0; r < R; ++r) values[r] = batch.replications[r].parameters[k];
    write_block(parameters_[k].get(), {0}, {R}, values.data(), partial_,
                "/parameters/" + parameter_paths_[k]);
  }
  flush(fmt::format("batch {}", b));
  const hsize_t one = 1;
  const auto at = static_cast<hsize_t>(b);
  const h5::Dataspace file_space(H5Dget_space(done_dataset_.get()));
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &at, nullptr, &one, nullptr);
  const h5::Dataspace mem_space(H5Screate_simple(1, &one, nullptr));
  const std::uint8_t yes = 1;
  h5::check_status(H5Dwrite(done_dataset_.get(), H5T_NATIVE_UINT8, mem_space.get(),
                            file_space.get(), H5P_DEFAULT, &yes),
                   partial_, "cannot write /run/point_done");
  flush(fmt::format("/run/point_done of batch {}", b));
  done_[static_cast<std::size_t>(b)] = true;
}

void AttributionWriter::finish(const AttributionPlan& plan) {
  for (std::size_t i = 0; i < done_.size(); ++i) {
    if (!done_[i]) throw IoError(fmt::format("{}: batch {} is missing", partial_.string(), i));
  }
  const hid_t f = file_.get();
  const CoalitionPlan& coalitions = plan.coalitions;
  const auto C = static_cast<std::size_t>(coalitions.coalitions());
  const auto K = static_cast<std::size_t>(coalitions.players);
  const auto R = static_cast<std::size_t>(replications_);
  const auto S = static_cast<std::size_t>(kStatistics);
  const std::vector<double> values = read_all(value_.get(), C * R, partial_, "/attribute/value");
  const Attribution a = attribute(coalitions, values, static_cast<int>(R));
  {
    const h5::Group g = open_group(f, "attribute", partial_);
    auto put = [&](const char* name, const std::vector<hsize_t>& count,
                   const std::vector<double>& data) {
      const h5::Dataset ds = open_dataset(g.get(), name, partial_);
      std::size_t n = 1;
      for (const hsize_t c : count) n *= static_cast<std::size_t>(c);
      if (n == 0) return;
      write_block(ds.get(), std::vector<hsize_t>(count.size(), 0), count, data.data(), partial_,
                  std::string("/attribute/") + name);
    };
    put("shapley", {K, R}, a.shares);
    put("total", {R}, a.total);
    std::vector<double> stats(K * S), interval(K * kBounds.size());
    for (std::size_t i = 0; i < K; ++i) {
      const auto row = as_array(summarize(std::span<const double>(a.shares).subspan(i * R, R)));
      std::copy(row.begin(), row.end(), stats.begin() + static_cast<std::ptrdiff_t>(i * S));
      const ShareEstimate& e = a.estimates[i];
      const double bounds[] = {e.mean, e.se, e.low, e.high};
      std::copy(std::begin(bounds), std::end(bounds),
                interval.begin() + static_cast<std::ptrdiff_t>(i * kBounds.size()));
    }
    put("statistics", {K, S}, stats);
    put("interval", {K, kBounds.size()}, interval);
  }
  {
    const auto infos = summary_metric_infos();
    const h5::Group g = open_group(f, "statistics", partial_);
    for (std::size_t k = 0; k < summary_metrics_.size(); ++k) {
      const std::string name(infos[static_cast<std::size_t>(summary_metrics_[k])].name);
      const auto all = read_all(summary_[k].get(), C * R, partial_, "/summary/" + name);
      std::vector<double> stats(C * S);
      for (std::size_t c = 0; c < C; ++c) {
        const auto row = as_array(summarize(std::span<const double>(all).subspan(c * R, R)));
        std::copy(row.begin(), row.end(), stats.begin() + static_cast<std::ptrdiff_t>(c * S));
      }
      if (C == 0) continue;
      const h5::Dataset ds = open_dataset(g.get(), name, partial_);
      write_block(ds.get(), {0, 0}, {C, S}, stats.data(), partial_, "/statistics/" + name);
    }
  }
  h5::write_attribute(f, "complete", std::int64_t{1}, partial_);
  flush("the finished file");
  value_ = h5::Dataset();
  summary_.clear();
  parameters_.clear();
  done_dataset_ = h5::Dataset();
  close_verify_and_rename(file_, storage_, partial_, out_);
  finished_ = true;
}

}  // namespace cxsim
