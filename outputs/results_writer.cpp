// The HDF5 layout of RESULTS.md: coordinates as dimension scales hard-linked into every group,
// NaN-filled chunked datasets (Fletcher-32) written one replication at a time with a digest of
// each, statistics at the end; every write, flush and close checked.
#include "outputs/results_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <span>
#include <string_view>
#include <system_error>

#include "config/parameter_paths.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "engine/decision.hpp"
#include "engine/finance.hpp"
#include "engine/parameter_draws.hpp"
#include "engine/statistics.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/output_target.hpp"
#include "outputs/results_integrity.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Replications per chunk of the small per-replication datasets (/summary, /parameters, /done):
// one chunk per replication would make the chunk index larger than the data.
constexpr hsize_t kReplicationChunk = 64;

using Path = std::filesystem::path;
using namespace h5::layout;

// Units and meaning of a model parameter slot, from the declaration tables; nullptr for the
// numbers that belong to initiatives (their units are those of the scenario's money or effect).
const ParamInfo* model_param_info(const Scenario& s, int slot) {
  const ParamLayout& layout = s.layout;
  if (slot < ParamLayout::kGlobals) return &global_params()[slot];
  const int segment_end = ParamLayout::kGlobals + layout.segments() * ParamLayout::kPerSegment;
  if (slot < segment_end) {
    return &segment_params()[(slot - ParamLayout::kGlobals) % ParamLayout::kPerSegment];
  }
  if (slot < layout.model_count()) {
    const int per_touchpoint = ParamLayout::kPerTouchpointFixed + layout.segments();
    const int offset = (slot - segment_end) % per_touchpoint;
    if (offset < ParamLayout::kPerTouchpointFixed) return &touchpoint_params()[offset];
    return &contacts_param();
  }
  return nullptr;
}

// The dimension-scale datasets of /coords, open while the layout is built.
struct Coords {
  h5::Dataset roadmap, replication, month, segment, touchpoint, statistic, terminal_value;
};

// /robustness/<name> [terminal_value, roadmap]: the roadmaps under every terminal choice.
struct RobustnessInfo {
  const char* name;
  const char* units;
  const char* description;
};
constexpr RobustnessInfo kRobustness[] = {
    {"mean_delta_npv", "money", "mean delta_npv under each terminal_value choice"},
    {"p_best", "1", "P(best): mean is_best under each terminal_value choice"},
    {"rank", "1", "rank by mean npv under each terminal_value choice (1 = best)"},
};

// The random-number mode as recorded in the random_numbers attribute.
const char* random_numbers_mode(bool independent_streams) {
  return independent_streams ? "independent" : "common";
}

// The fixed-length type of /run/replication_sha256.
h5::Datatype digest_type() {
  h5::Datatype t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), 64);
  H5Tset_strpad(t.get(), H5T_STR_NULLPAD);
  return t;
}

std::vector<std::string> roadmap_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const auto& r : s.roadmaps) names.push_back(r.name);
  return names;
}

// Reads a block of doubles at start (count elements per dimension).
void read_block(hid_t ds, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                double* data, const Path& file, std::string_view what) {
  const h5::Dataspace file_space(h5::check(H5Dget_space(ds), file, "cannot get a dataspace"));
  h5::check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                       count.data(), nullptr),
                   file, fmt::format("cannot select replications in {}", what));
  const h5::Dataspace mem_space(
      H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  h5::check_status(
      H5Dread(ds, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT, data), file,
      fmt::format("cannot read {}", what));
}

// A scalar variable-length string dataset (/scenario).
std::string read_string_dataset(hid_t loc, const std::string& name, const Path& file) {
  const h5::Dataset ds(
      h5::check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), file, "cannot open /" + name));
  return h5::read_text(ds.get(), file, "cannot read /" + name);
}

// One line of a resolved scenario (config/scenario_describe.cpp writes block YAML, two spaces
// per level, list items as "- key: value").
struct YamlLine {
  std::string_view text;
  std::size_t indent = 0;  // spaces before the text (or before "- ")
  bool item = false;       // starts a list item
  std::string_view key;    // before ':' (empty when there is none)
  std::string_view value;  // after ": "
  std::size_t key_indent() const { return item ? indent + 2 : indent; }
};

YamlLine parse_yaml_line(std::string_view line) {
  YamlLine l;
  l.text = line;
  l.indent = std::min(line.find_first_not_of(' '), line.size());
  std::string_view rest = line.substr(l.indent);
  if (rest.starts_with("- ")) {
    l.item = true;
    rest.remove_prefix(2);
  }
  const std::size_t colon = rest.find(':');
  if (colon != std::string_view::npos && !rest.starts_with('"') && !rest.starts_with('{')) {
    l.key = rest.substr(0, colon);
    l.value = rest.substr(std::min(colon + 2, rest.size()));
  } else {
    l.value = rest;
  }
  return l;
}

// The lines that carry values (the leading comment lines only summarise them).
std::vector<YamlLine> value_lines(std::string_view text) {
  std::vector<YamlLine> lines;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const std::size_t first = line.find_first_not_of(' ');
    if (first == std::string_view::npos || line[first] == '#') continue;
    lines.push_back(parse_yaml_line(line));
  }
  return lines;
}

// The key path of lines[i], e.g. segments[consumer].revenue.price (list items by their name).
std::string yaml_path(const std::vector<YamlLine>& lines, std::size_t i) {
  std::vector<std::string> parts;
  std::size_t level = lines[i].key_indent();
  if (!lines[i].key.empty()) parts.emplace_back(lines[i].key);
  // A list item by its name, else by its index in the list.
  auto item_label = [&](std::size_t at) {
    const YamlLine& l = lines[at];
    if (l.key == "name") return "[" + std::string(l.value) + "]";
    std::size_t index = 0;
    for (std::size_t k = at; k-- > 0 && lines[k].key_indent() > l.indent;) {
      index += lines[k].item && lines[k].indent == l.indent ? 1 : 0;
    }
    return "[" + std::to_string(index) + "]";
  };
  if (lines[i].item) {
    parts.push_back(item_label(i));
    level = lines[i].indent;
  }
  for (std::size_t j = i; j-- > 0 && level > 0;) {
    const YamlLine& l = lines[j];
    if (l.item && l.indent < level) {
      parts.push_back(item_label(j));
      level = l.indent;
    } else if (!l.item && l.key_indent() < level && !l.key.empty()) {
      parts.emplace_back(l.key);
      level = l.key_indent();
    }
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty() && !it->starts_with('[')) out += '.';
    out += *it;
  }
  return out;
}

// Where two resolved scenarios first differ, in words: "segments[consumer].revenue.price is 48
// in the file and 50 now".
std::string first_difference(std::string_view was, std::string_view now) {
  const std::vector<YamlLine> a = value_lines(was);
  const std::vector<YamlLine> b = value_lines(now);
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i >= a.size()) {
      return fmt::format("{} is new (the file's scenario has no '{}')", yaml_path(b, i),
                         b[i].text.substr(b[i].indent));
    }
    if (i >= b.size()) {
      return fmt::format("{} is gone (the file's scenario has '{}')", yaml_path(a, i),
                         a[i].text.substr(a[i].indent));
    }
    if (a[i].text == b[i].text) continue;
    if (a[i].key == b[i].key && a[i].indent == b[i].indent && a[i].item == b[i].item) {
      return fmt::format("{} is {} in the file and {} now", yaml_path(a, i), a[i].value,
                         b[i].value);
    }
    return fmt::format("the file's scenario has '{}' at {} where it now has '{}'",
                       a[i].text.substr(a[i].indent), yaml_path(a, i),
                       b[i].text.substr(b[i].indent));
  }
  return "only its summary comments differ";
}

}  // namespace

Path partial_path(const Path& out) {
  Path p = out;
  p += ".partial";
  return p;
}

ResultsWriter::ResultsWriter(Path out, const Scenario& s, const WriterOptions& options)
    : out_(std::move(out)),
      partial_(partial_path(out_)),
      roadmaps_(static_cast<int>(s.roadmaps.size())),
      months_(s.horizon_months),
      segments_(static_cast<int>(s.segments.size())),
      touchpoints_(static_cast<int>(s.touchpoints.size())),
      replications_(s.replications),
      zero_defect_(s.zero_defect_counterfactual),
      touchpoint_twins_(s.avoidable_cost_by_touchpoint),
      terminal_value_(s.terminal_value),
      done_(static_cast<std::size_t>(s.replications), false) {
  parameter_paths_ = recorded_parameters(s);
  storage_.faults = options.faults;
  storage_.sync = options.sync;
  // The order write() writes a replication's values in (and digests them).
  auto add = [&](const std::string& group, std::span<const MetricInfo> infos) {
    for (const auto& m : infos) digest_names_.push_back(group + "/" + std::string(m.name));
  };
  add("timeseries", metric_infos());
  add("timeseries_by_segment", segment_metric_infos());
  add("timeseries_by_touchpoint", touchpoint_metric_infos());
  add("summary", summary_metric_infos());
  if (zero_defect_) {
    add("zero_defect/timeseries", metric_infos());
    add("zero_defect/summary", summary_metric_infos());
  }
  if (touchpoint_twins_ && touchpoints_ > 0) {
    add("summary_by_touchpoint", touchpoint_summary_metric_infos());
  }
  for (const auto& path : parameter_paths_) digest_names_.push_back("parameters/" + path);
}

ResultsWriter::~ResultsWriter() {
  close_quietly();
}

void ResultsWriter::check_storage() const {
  if (!storage_.failed()) return;
  throw IoError(fmt::format(
      "{}: cannot write the results: {}. Replications finished before this one are kept there: "
      "make room (or fix the disk), then finish with --resume, which checks the file first, or "
      "start over with --force",
      partial_.string(), storage_.failure));
}

void ResultsWriter::rethrow_with_storage() const {
  check_storage();
  throw;
}

void ResultsWriter::flush(std::string_view what) {
  const herr_t status = H5Fflush(file_.get(), H5F_SCOPE_GLOBAL);
  check_storage();
  h5::check_status(status, partial_, fmt::format("cannot flush {}", what));
}

void ResultsWriter::close_quietly() {
  // Datasets first, then the file (strong close would also do it, but explicitly is clearer).
  // After a storage failure the driver leaves the file as it was at that moment, so closing
  // cannot fail inside HDF5.
  for (auto* group :
       {&timeseries_, &by_segment_, &by_touchpoint_, &summary_, &zero_defect_timeseries_,
        &zero_defect_summary_, &touchpoint_summary_, &parameters_}) {
    group->clear();
  }
  done_dataset_.reset();
  digests_dataset_.reset();
  file_.reset();
}

void ResultsWriter::close_checked() {
  for (auto* group : {&timeseries_, &by_segment_, &by_touchpoint_, &summary_,
                      &zero_defect_timeseries_, &zero_defect_summary_, &parameters_}) {
    group->clear();
  }
  done_dataset_.reset();
  digests_dataset_.reset();
  const hid_t id = file_.release();  // closed here, with its status checked
  const herr_t status = id >= 0 ? H5Fclose(id) : 0;
  check_storage();
  h5::check_status(status, partial_, "cannot close the results file");
}

std::unique_ptr<ResultsWriter> ResultsWriter::create(const Path& out, const Scenario& s,
                                                     const RunProvenance& p, bool force,
                                                     const WriterOptions& options) {
  check_output_target(out, s.source_files);
  const Path partial = partial_path(out);
  // Before anything else, so that a second run is refused before it touches the first's file.
  auto lock = std::make_unique<OutputLock>(out);
  if (!force && std::filesystem::exists(out)) {
    throw IoError(fmt::format("{}: already exists; use --force to overwrite it", out.string()));
  }
  if (!force && std::filesystem::exists(partial)) {
    throw IoError(fmt::format(
        "{}: an interrupted run left this file; use --resume to finish it or --force to start over",
        partial.string()));
  }
  if (s.replications < 0 || s.horizon_months < 0) {
    throw IoError(
        fmt::format("{}: the scenario has a negative horizon or replication count", out.string()));
  }

  std::unique_ptr<ResultsWriter> w(new ResultsWriter(out, s, options));
  w->lock_ = std::move(lock);
  bool created = false;
  try {
    // Exclusive unless forced (the lock already keeps other cxsim runs out).
    w->file_ = open_file(partial, force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, true, w->storage_);
    created = true;
    w->create_layout(s, p, Origin{utc_now(), p.command_line, host_name()});
  } catch (...) {
    // Half a layout is nothing to resume: leave no file behind, and report the storage's
    // failure when there was one (it is the cause of whatever HDF5 said next).
    w->close_quietly();
    std::error_code ec;
    if (created) std::filesystem::remove(partial, ec);
    w->rethrow_with_storage();
  }
  return w;
}

void ResultsWriter::create_layout(const Scenario& s, const RunProvenance& p, const Origin& origin) {
  const Path& partial = partial_;
  const hid_t f = file_.get();
  ResultsWriter* w = this;

  // Root attributes.
  h5::write_attribute(f, "format", kResultsFormat, partial);
  h5::write_attribute(f, "format_version", kResultsFormatVersion, partial);
  h5::write_attribute(f, "engine_version", kVersion, partial);
  h5::write_attribute(f, "git_commit", kGitCommit, partial);
  h5::write_attribute(f, "created_utc", origin.created_utc, partial);
  h5::write_attribute(f, "command_line", origin.command_line, partial);
  h5::write_attribute(f, "hostname", origin.hostname, partial);
  h5::write_attribute(f, "seed", static_cast<std::uint64_t>(s.seed), partial);
  h5::write_attribute(f, "replications", static_cast<std::int64_t>(s.replications), partial);
  h5::write_attribute(f, "horizon_months", static_cast<std::int64_t>(s.horizon_months), partial);
  h5::write_attribute(f, "agents", static_cast<std::int64_t>(s.agents), partial);
  h5::write_attribute(f, "population", s.population, partial);
  h5::write_attribute(f, "agent_weight", s.agent_weight(), partial);
  h5::write_attribute(f, "scenario_name", s.name, partial);
  h5::write_attribute(f, "currency", s.currency, partial);
  h5::write_attribute(f, "terminal_value", to_string(s.terminal_value), partial);
  h5::write_attribute(f, "scenario_sha256", sha256_hex(s.resolved_yaml), partial);
  write_posterior_attributes(f, s, partial);
  h5::write_attribute(f, "baseline_roadmap",
                      s.roadmaps.empty() ? std::string() : s.roadmaps[s.baseline].name, partial);
  h5::write_attribute(f, "zero_defect_counterfactual",
                      static_cast<std::int64_t>(s.zero_defect_counterfactual ? 1 : 0), partial);
  h5::write_attribute(f, "avoidable_cost_by_touchpoint",
                      static_cast<std::int64_t>(s.avoidable_cost_by_touchpoint ? 1 : 0), partial);
  h5::write_attribute(f, "random_numbers", random_numbers_mode(p.independent_streams), partial);
  h5::write_attribute(f, "complete", std::int64_t{0}, partial);

  // /scenario: the resolved text, as one string.
  write_text_dataset(f, "scenario", s.resolved_yaml,
                     "the fully resolved scenario (YAML, after extends and --set)", partial);

  // /coords. The datasets along them are attached as they are made, and each coordinate's list
  // of them written once, at the end (ScaleAttachments).
  Coords c;
  h5::ScaleAttachments scales(partial);
  {
    const h5::Group g = create_group(f, "coords", partial);
    std::vector<std::int64_t> replication(static_cast<std::size_t>(s.replications));
    for (std::size_t i = 0; i < replication.size(); ++i)
      replication[i] = static_cast<std::int64_t>(i);
    std::vector<std::int32_t> month(static_cast<std::size_t>(s.horizon_months));
    for (std::size_t i = 0; i < month.size(); ++i) month[i] = static_cast<std::int32_t>(i + 1);
    std::vector<std::string> segments, touchpoints, statistics;
    for (const auto& x : s.segments) segments.push_back(x.name);
    for (const auto& x : s.touchpoints) touchpoints.push_back(x.name);
    for (const auto& x : kStatisticNames) statistics.emplace_back(x);
    c.roadmap = string_coord(g.get(), "roadmap", roadmap_names(s), "roadmap name", partial);
    c.replication = number_coord(g.get(), "replication", H5T_STD_I64LE, replication, "1",
                                 "replication index (0-based)", partial);
    c.month = number_coord(g.get(), "month", H5T_STD_I32LE, month, "month",
                           "month of the horizon (1-based)", partial);
    c.segment = string_coord(g.get(), "segment", segments, "customer segment name", partial);
    c.touchpoint = string_coord(g.get(), "touchpoint", touchpoints, "touchpoint name", partial);
    c.statistic = string_coord(g.get(), "statistic", statistics,
                               "summary statistic over replications (sd with ddof 1, "
                               "percentiles by linear interpolation, NaN excluded, n = count used)",
                               partial);
    std::vector<std::string> choices;
    for (const TerminalValue tv : kTerminalValues) choices.emplace_back(to_string(tv));
    c.terminal_value = string_coord(g.get(), "terminal_value", choices,
                                    "what NPV counts after the horizon (MODEL.md s.3)", partial);
  }

  const auto R = static_cast<hsize_t>(s.replications);
  const auto M = static_cast<hsize_t>(w->roadmaps_);
  const auto T = static_cast<hsize_t>(w->months_);
  const auto S = static_cast<hsize_t>(w->segments_);
  const auto K = static_cast<hsize_t>(w->touchpoints_);
  const Dimension d_roadmap{M, M, c.roadmap.get()};
  const Dimension d_rep{R, 1, c.replication.get()};
  const Dimension d_rep_small{R, kReplicationChunk, c.replication.get()};
  const Dimension d_month{T, T, c.month.get()};
  const Dimension d_segment{S, S, c.segment.get()};
  const Dimension d_touchpoint{K, K, c.touchpoint.get()};
  const Dimension d_statistic{kStatistics, kStatistics, c.statistic.get()};
  const Dimension d_terminal{3, 3, c.terminal_value.get()};

  auto group_with = [&](hid_t parent, const std::string& name,
                        std::initializer_list<const char*> coords) {
    h5::Group g = create_group(parent, name, partial);
    for (const char* coord : coords) link_coord(f, g.get(), coord, partial);
    return g;
  };
  // The datasets that replications are written to stay open, in the writer's lists (what
  // open_datasets() fills on a resume): opening them again by name cost about 25 us each.
  auto metrics_into = [&](hid_t g, const std::string& path, std::span<const MetricInfo> infos,
                          const std::vector<Dimension>& dims, bool compress,
                          std::vector<h5::Dataset>& into) {
    into.clear();
    for (const auto& m : infos) {
      into.push_back(create_metric(g, path, std::string(m.name), dims, m.units, m.description,
                                   compress, partial, &scales));
    }
  };
  auto timeseries_group = [&](hid_t parent, const std::string& name, const std::string& path,
                              std::vector<h5::Dataset>& into) {
    const h5::Group g = group_with(parent, name, {"roadmap", "replication", "month"});
    metrics_into(g.get(), path, metric_infos(), {d_roadmap, d_rep, d_month}, true, into);
  };
  auto summary_group = [&](hid_t parent, const std::string& name, const std::string& path,
                           std::vector<h5::Dataset>& into) {
    const h5::Group g = group_with(parent, name, {"roadmap", "replication"});
    metrics_into(g.get(), path, summary_metric_infos(), {d_roadmap, d_rep_small}, false, into);
  };
  auto statistics_group = [&](hid_t parent, const std::string& name, const std::string& path) {
    const h5::Group g = group_with(parent, name, {"roadmap", "statistic"});
    for (const auto& m : summary_metric_infos()) {
      create_metric(g.get(), path, std::string(m.name), {d_roadmap, d_statistic}, m.units,
                    fmt::format("statistics over replications of: {}", m.description), false,
                    partial, &scales);
    }
  };

  timeseries_group(f, "timeseries", "/timeseries", w->timeseries_);
  {
    const h5::Group g =
        group_with(f, "timeseries_by_segment", {"roadmap", "replication", "month", "segment"});
    metrics_into(g.get(), "/timeseries_by_segment", segment_metric_infos(),
                 {d_roadmap, d_rep, d_month, d_segment}, true, w->by_segment_);
  }
  {
    const h5::Group g = group_with(f, "timeseries_by_touchpoint",
                                   {"roadmap", "replication", "month", "touchpoint"});
    metrics_into(g.get(), "/timeseries_by_touchpoint", touchpoint_metric_infos(),
                 {d_roadmap, d_rep, d_month, d_touchpoint}, true, w->by_touchpoint_);
  }
  summary_group(f, "summary", "/summary", w->summary_);
  statistics_group(f, "statistics", "/statistics");
  {
    const h5::Group g = group_with(f, "robustness", {"terminal_value", "roadmap"});
    for (const auto& m : kRobustness) {
      create_metric(g.get(), "/robustness", m.name, {d_terminal, d_roadmap}, m.units, m.description,
                    false, partial, &scales);
    }
  }
  if (w->zero_defect_) {
    const h5::Group zd = create_group(f, "zero_defect", partial);
    timeseries_group(zd.get(), "timeseries", "/zero_defect/timeseries", w->zero_defect_timeseries_);
    summary_group(zd.get(), "summary", "/zero_defect/summary", w->zero_defect_summary_);
    statistics_group(zd.get(), "statistics", "/zero_defect/statistics");
  }
  if (w->touchpoint_twins_) {
    // One zero-defect twin per touchpoint (analysis.avoidable_cost_by_touchpoint).
    const h5::Group g =
        group_with(f, "summary_by_touchpoint", {"roadmap", "replication", "touchpoint"});
    const h5::Group st =
        group_with(f, "statistics_by_touchpoint", {"roadmap", "touchpoint", "statistic"});
    w->touchpoint_summary_.clear();
    for (const auto& m : touchpoint_summary_metric_infos()) {
      w->touchpoint_summary_.push_back(create_metric(
          g.get(), "/summary_by_touchpoint", std::string(m.name),
          {d_roadmap, d_rep_small, d_touchpoint}, m.units, m.description, false, partial, &scales));
      create_metric(st.get(), "/statistics_by_touchpoint", std::string(m.name),
                    {d_roadmap, d_touchpoint, d_statistic}, m.units,
                    fmt::format("statistics over replications of: {}", m.description), false,
                    partial, &scales);
    }
  }
  {
    const h5::Group g = group_with(f, "parameters", {"replication"});
    w->parameters_.clear();
    for (const std::string& path : w->parameter_paths_) {
      if (path.find('/') != std::string::npos || path.empty() || path == ".") {
        throw IoError(fmt::format("{}: parameter path '{}' cannot name an HDF5 dataset",
                                  partial.string(), path));
      }
      const std::optional<int> slot = find_slot(s, path);
      const ParamInfo* info = slot ? model_param_info(s, *slot) : nullptr;
      const bool from_posterior =
          s.posterior && std::any_of(s.posterior->parameters.begin(), s.posterior->parameters.end(),
                                     [&](const PosteriorTarget& t) { return t.name == path; });
      const std::string drawn =
          from_posterior ? std::string("the posterior particle's value for this replication")
                         : "value drawn per replication from " +
                               s.slots[static_cast<std::size_t>(*slot)].value.to_yaml();
      const std::string description =
          fmt::format("{}{}{}", drawn, info ? ": " : "", info ? info->meaning : std::string_view());
      w->parameters_.push_back(
          create_metric(g.get(), "/parameters", path, {d_rep_small},
                        info ? info->unit : std::string_view("as in the scenario"), description,
                        false, partial, &scales));
    }
  }
  {
    // Which replications are written: what --resume reads. uint8, 0 = not yet.
    const hsize_t n = R;
    const hsize_t chunk = std::max<hsize_t>(1, std::min(kReplicationChunk, R));
    const h5::Dataspace space(H5Screate_simple(1, &n, nullptr));
    const h5::PropertyList dcpl(H5Pcreate(H5P_DATASET_CREATE));
    const std::uint8_t zero = 0;
    H5Pset_fill_value(dcpl.get(), H5T_NATIVE_UINT8, &zero);
    if (R > 0) H5Pset_chunk(dcpl.get(), 1, &chunk);
    if (R > 0) h5::check_status(H5Pset_fletcher32(dcpl.get()), partial, "cannot checksum /done");
    w->done_dataset_ = h5::Dataset(h5::check(
        H5Dcreate2(f, "done", H5T_STD_U8LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        partial, "cannot create /done"));
    describe(w->done_dataset_.get(), "1",
             "1 once the replication is written and on the disk (what --resume reads)", partial);
  }
  {
    // /run: bookkeeping that comparisons of results skip. The digest of each replication's
    // values as written, checked whenever the file is resumed, finished or summarised.
    const h5::Group g = create_group(f, kRunGroup, partial);
    const hsize_t n = R;
    const hsize_t chunk = std::max<hsize_t>(1, std::min(kReplicationChunk, R));
    const h5::Dataspace space(H5Screate_simple(1, &n, nullptr));
    const h5::PropertyList dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (R > 0) {
      H5Pset_chunk(dcpl.get(), 1, &chunk);
      h5::check_status(H5Pset_fletcher32(dcpl.get()), partial,
                       "cannot checksum /run/replication_sha256");
    }
    const h5::Datatype type = digest_type();
    w->digests_dataset_ =
        h5::Dataset(h5::check(H5Dcreate2(g.get(), "replication_sha256", type.get(), space.get(),
                                         H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                              partial, "cannot create /run/replication_sha256"));
    const hid_t ds = w->digests_dataset_.get();
    scales.attach(ds, {c.replication.get()}, "/run/replication_sha256");
    describe(ds, "1",
             "SHA-256 (hex) of the replication's values in the datasets listed in the datasets "
             "attribute, in that order, as native float64 in C order; empty until written",
             partial);
    write_strings_attribute(ds, kDigestDatasets, w->digest_names_, partial);
  }
  scales.write_references();
  c = Coords{};
  flush("the new file");
  // What create() wrote once, digested from the file itself: checked on every resume.
  const std::string layout = layout_digest(f, partial);
  {
    const h5::Group g = open_group(f, kRunGroup, partial);
    h5::write_attribute(g.get(), kLayoutDigest, layout, partial);
  }
  flush("the new file");
}

std::unique_ptr<ResultsWriter> ResultsWriter::resume(const Path& out, const Scenario& s,
                                                     const RunProvenance& p,
                                                     const WriterOptions& options,
                                                     const ResolvedWithReplications& resolved) {
  check_output_target(out, s.source_files);
  const Path partial = partial_path(out);
  auto lock = std::make_unique<OutputLock>(out);
  if (!std::filesystem::exists(partial)) {
    if (std::filesystem::exists(out)) return extend(out, s, p, options, resolved, std::move(lock));
    throw IoError(fmt::format("{}: no interrupted run to resume (the file does not exist)",
                              partial.string()));
  }
  constexpr const char* kStartOver = "start over with --force";
  auto damaged = [&](const std::string& what) {
    throw DamagedFile(fmt::format("{}: is damaged ({}); it cannot be resumed: {}", partial.string(),
                                  what, kStartOver));
  };

  // Checked read-only first, so that a refusal leaves the file exactly as it was; and checked
  // whole before any of it is read here (what HDF5 cannot read can crash it).
  try {
    verify_results_file(partial);
  } catch (const DamagedFile& e) {
    throw DamagedFile(fmt::format("{}; it cannot be resumed: {}", e.what(), kStartOver));
  }
  {
    const h5::File f(H5Fopen(partial.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f.valid()) damaged("it cannot be opened as an HDF5 file");
    const hid_t root = f.get();
    std::string format, version, sha, mode;
    std::uint64_t seed = 0;
    std::int64_t replications = 0;
    const htri_t has_format = H5Aexists(root, "format");
    if (has_format < 0) damaged("its root attributes cannot be read");
    if (has_format == 0) {
      throw IoError(fmt::format("{}: not a cxsim results file", partial.string()));
    }
    const htri_t has_run = H5Lexists(root, kRunGroup, H5P_DEFAULT);
    if (has_run < 0) damaged("its root group cannot be read");
    if (has_run == 0 && H5Aexists(root, "random_numbers") > 0) {
      damaged("the run that created it stopped before the file was complete");
    }
    if (has_run == 0) {
      throw IoError(fmt::format(
          "{}: was written by an earlier cxsim that kept no digests of what it wrote, so it "
          "cannot be checked before resuming; {}",
          partial.string(), kStartOver));
    }
    try {
      format = h5::read_string_attribute(root, "format", partial);
      version = h5::read_string_attribute(root, "format_version", partial);
      sha = h5::read_string_attribute(root, "scenario_sha256", partial);
      seed = h5::read_uint_attribute(root, "seed", partial);
      replications = h5::read_int_attribute(root, "replications", partial);
      mode = h5::read_string_attribute(root, "random_numbers", partial);
    } catch (const IoError& e) {
      damaged(e.what());
    }
    if (format != kResultsFormat) {
      throw IoError(fmt::format("{}: not a cxsim results file", partial.string()));
    }
    if (version != kResultsFormatVersion) {
      throw IoError(fmt::format(
          "{}: format_version {} was written by another cxsim version and cannot be resumed by "
          "this one (format {}); {}",
          partial.string(), version, kResultsFormatVersion, kStartOver));
    }
    if (seed != s.seed) {
      throw IoError(fmt::format("{}: was written with seed {}, not {}; use the same seed to resume",
                                partial.string(), seed, s.seed));
    }
    if (replications != s.replications) {
      // Beside a complete <out>, it is an interrupted extension of that file.
      const std::string beside =
          std::filesystem::exists(out)
              ? fmt::format(", or remove it to keep {} (complete) as it is", out.string())
              : std::string();
      throw IoError(
          fmt::format("{}: was written for {} replications, not {}; use the same count to resume{}",
                      partial.string(), replications, s.replications, beside));
    }
    if (mode != random_numbers_mode(p.independent_streams)) {
      throw IoError(fmt::format("{}: was written with {}; resume {}, or {}", partial.string(),
                                mode == "independent"
                                    ? "--independent-streams (each roadmap its own random numbers)"
                                    : "common random numbers (the default)",
                                mode == "independent" ? "with --independent-streams too"
                                                      : "without --independent-streams",
                                kStartOver));
    }
    // After the seed and the count, which the resolved scenario holds too: a difference there
    // is named as such.
    if (sha != sha256_hex(s.resolved_yaml)) {
      std::string where = "scenario_sha256 differs";
      try {
        where = first_difference(read_string_dataset(root, "scenario", partial), s.resolved_yaml);
      } catch (const IoError&) {
        // The hash says enough.
      }
      throw IoError(fmt::format(
          "{}: was written for a different scenario ({}); resume with the same scenario and "
          "--set options, or {}",
          partial.string(), where, kStartOver));
    }
  }

  std::unique_ptr<ResultsWriter> w(new ResultsWriter(out, s, options));
  w->lock_ = std::move(lock);
  try {
    w->file_ = open_file(partial, H5F_ACC_RDWR, false, w->storage_);
    const hid_t f = w->file_.get();
    w->open_datasets();
    const h5::Dataset ds = open_dataset(f, kReplicationDigests, partial);
    if (read_strings_attribute(ds.get(), kDigestDatasets, partial) != w->digest_names_) {
      throw IoError(fmt::format("{}: holds other datasets than this cxsim writes; {}",
                                partial.string(), kStartOver));
    }
    const auto dims = h5::shape(w->done_dataset_.get(), partial);
    if (dims.size() != 1 || dims[0] != static_cast<hsize_t>(s.replications)) {
      throw IoError(
          fmt::format("{}: /done does not have one entry per replication", partial.string()));
    }
    std::vector<std::uint8_t> done(static_cast<std::size_t>(s.replications), 0);
    if (!done.empty()) {
      h5::check_status(H5Dread(w->done_dataset_.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL,
                               H5P_DEFAULT, done.data()),
                       partial, "cannot read /done");
    }
    for (std::size_t i = 0; i < done.size(); ++i) w->done_[i] = done[i] != 0;
    h5::write_attribute(f, "resumed_utc", utc_now(), partial);
    h5::write_attribute(f, "resumed_command_line", p.command_line, partial);
    h5::write_attribute(f, "complete", std::int64_t{0}, partial);
    w->flush("the resumed file");
  } catch (...) {
    w->close_quietly();
    w->rethrow_with_storage();
  }
  return w;
}

std::unique_ptr<ResultsWriter> ResultsWriter::extend(const Path& out, const Scenario& s,
                                                     const RunProvenance& p,
                                                     const WriterOptions& options,
                                                     const ResolvedWithReplications& resolved,
                                                     std::unique_ptr<OutputLock> lock) {
  h5::silence_errors();
  const Path partial = partial_path(out);
  constexpr const char* kStartOver = "run it again in full with --force";
  // Checked whole first (what HDF5 cannot read can crash it), and only read from here on: a
  // refusal leaves it exactly as it was.
  try {
    verify_results_file(out);
  } catch (const DamagedFile& e) {
    throw DamagedFile(fmt::format("{}; it cannot be extended: {}", e.what(), kStartOver));
  }
  Origin origin;
  std::int64_t have = 0;
  {
    const h5::File f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f.valid()) {
      throw DamagedFile(fmt::format("{}: cannot be opened as an HDF5 file", out.string()));
    }
    const hid_t root = f.get();
    if (H5Aexists(root, "format") <= 0 || !h5::exists(root, kRunGroup)) {
      throw IoError(fmt::format(
          "{}: is not a results file this cxsim can extend (no cxsim format or no /run); {}",
          out.string(), kStartOver));
    }
    std::string format, version, sha, mode;
    std::uint64_t seed = 0;
    std::int64_t complete = 0;
    try {
      format = h5::read_string_attribute(root, "format", out);
      version = h5::read_string_attribute(root, "format_version", out);
      complete = h5::read_int_attribute(root, "complete", out);
      have = h5::read_int_attribute(root, "replications", out);
      seed = h5::read_uint_attribute(root, "seed", out);
      mode = h5::read_string_attribute(root, "random_numbers", out);
      sha = h5::read_string_attribute(root, "scenario_sha256", out);
      origin.created_utc = h5::read_string_attribute(root, "created_utc", out);
      origin.command_line = h5::read_string_attribute(root, "command_line", out);
      origin.hostname = h5::read_string_attribute(root, "hostname", out);
    } catch (const IoError& e) {
      throw IoError(fmt::format("{}; it cannot be extended: {}", e.what(), kStartOver));
    }
    if (format != kResultsFormat) {
      throw IoError(fmt::format("{}: not a cxsim results file", out.string()));
    }
    if (version != kResultsFormatVersion) {
      throw IoError(fmt::format(
          "{}: format_version {} was written by another cxsim version and cannot be extended by "
          "this one (format {}); {}",
          out.string(), version, kResultsFormatVersion, kStartOver));
    }
    if (complete != 1) {
      throw IoError(fmt::format("{}: is not complete (complete = {}); {}", out.string(), complete,
                                kStartOver));
    }
    const std::string allowed = fmt::format(
        "only the replication count may change when extending it (--resume with --replications "
        "larger than {})",
        have);
    if (!resolved || s.replications <= have) {
      throw UsageError(fmt::format(
          "{}: is complete with {} replication{}{}; --resume finishes an interrupted run (there "
          "is no {}) or, with --replications larger than {}, extends a complete file",
          out.string(), have, have == 1 ? "" : "s",
          resolved ? fmt::format(", and --replications {} is not more", s.replications) : "",
          partial.string(), have));
    }
    if (seed != s.seed) {
      throw UsageError(fmt::format("{}: was written with seed {}, not {}; {}: use --seed {}",
                                   out.string(), seed, s.seed, allowed, seed));
    }
    if (mode != random_numbers_mode(p.independent_streams)) {
      throw UsageError(fmt::format(
          "{}: was written with {}; {}: {}", out.string(),
          mode == "independent" ? "--independent-streams (each roadmap its own random numbers)"
                                : "common random numbers (the default)",
          allowed,
          mode == "independent" ? "extend it with --independent-streams too"
                                : "extend it without --independent-streams"));
    }
    const std::string then = resolved(have);
    if (sha256_hex(then) != sha) {
      std::string where = "scenario_sha256 differs";
      try {
        where = first_difference(read_string_dataset(root, "scenario", out), then);
      } catch (const IoError&) {
        // The hash says enough.
      }
      throw UsageError(fmt::format(
          "{}: was written for a different scenario ({}); {}: use the same scenario files and "
          "--set options (and --avoidable-cost as before)",
          out.string(), where, allowed));
    }
  }

  std::unique_ptr<ResultsWriter> w(new ResultsWriter(out, s, options));
  w->lock_ = std::move(lock);
  w->extends_ = have;
  bool created = false;
  try {
    // <out> stays as it is: the extension is written beside it, as <out>.partial.
    w->file_ = open_file(partial, H5F_ACC_EXCL, true, w->storage_);
    created = true;
    w->create_layout(s, p, origin);
    h5::write_attribute(w->file_.get(), "resumed_utc", utc_now(), partial);
    h5::write_attribute(w->file_.get(), "resumed_command_line", p.command_line, partial);
    w->flush("the extended file");
  } catch (...) {
    w->close_quietly();
    std::error_code ec;
    if (created) std::filesystem::remove(partial, ec);
    w->rethrow_with_storage();
  }
  // From here <out>.partial resumes like any interrupted run: what is not copied yet is not
  // marked done, and a resume recomputes it (to the same values).
  try {
    const h5::File source(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!source.valid()) {
      throw IoError(fmt::format("{}: cannot be opened as an HDF5 file", out.string()));
    }
    w->copy_replications(source.get(), have);
  } catch (...) {
    w->broken_ = true;
    w->close_quietly();
    w->rethrow_with_storage();
  }
  return w;
}

void ResultsWriter::copy_replications(hid_t source, std::int64_t count) {
  if (count <= 0) return;
  const hid_t f = file_.get();
  const auto n = static_cast<hsize_t>(count);
  struct Pair {
    std::string name;
    h5::Dataset from;
    h5::Dataset to;
    std::vector<hsize_t> dims;  // of `to`
    std::size_t axis = 0;       // the replication dimension
    std::uint64_t per_replication = 0;
  };
  std::vector<Pair> pairs;
  std::uint64_t widest = 1;
  for (const std::string& name : digest_names_) {
    Pair pair;
    pair.name = name;
    pair.from = open_dataset(source, name, out_);
    pair.to = open_dataset(f, name, partial_);
    pair.dims = h5::shape(pair.to.get(), partial_);
    // Every per-replication dataset is [replication] or [roadmap, replication, ...].
    pair.axis = pair.dims.size() == 1 ? 0 : 1;
    std::vector<hsize_t> want = pair.dims;
    if (want.size() <= pair.axis || want[pair.axis] != static_cast<hsize_t>(replications_)) {
      throw IoError(fmt::format("{}: /{} has no replication dimension", partial_.string(), name));
    }
    want[pair.axis] = n;
    if (h5::shape(pair.from.get(), out_) != want) {
      throw IoError(fmt::format("{}: /{} is not the shape this cxsim writes for {} replications",
                                out_.string(), name, count));
    }
    pair.per_replication = 1;
    for (std::size_t d = 0; d < pair.dims.size(); ++d) {
      if (d != pair.axis) pair.per_replication *= pair.dims[d];
    }
    widest = std::max(widest, pair.per_replication);
    pairs.push_back(std::move(pair));
  }
  // The digests were checked against these values when <out> was read back whole; finish()
  // checks them against the copies.
  const h5::Dataset from_digests = open_dataset(source, kReplicationDigests, out_);
  if (read_strings_attribute(from_digests.get(), kDigestDatasets, out_) != digest_names_) {
    throw IoError(fmt::format("{}: holds other datasets than this cxsim writes", out_.string()));
  }
  const h5::Dataset from_done = open_dataset(source, "done", out_);
  std::vector<std::uint8_t> done(n, 0);
  h5::check_status(
      H5Dread(from_done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()), out_,
      "cannot read /done");
  if (std::count(done.begin(), done.end(), std::uint8_t{1}) != count) {
    throw IoError(fmt::format("{}: /done does not mark every replication", out_.string()));
  }

  // Blocks of replications of at most 8 MiB per dataset, each flushed before /done marks it.
  const hsize_t block =
      std::max<hsize_t>(1, static_cast<hsize_t>((std::uint64_t{8} << 20) / (widest * 8)));
  const h5::Datatype hex = digest_type();
  std::vector<double> values;
  std::vector<char> digests;
  for (hsize_t first = 0; first < n; first += block) {
    const hsize_t size = std::min(block, n - first);
    const std::string what = fmt::format("replications {} to {} of {}", first, first + size - 1,
                                         out_.filename().string());
    for (const Pair& pair : pairs) {
      if (pair.per_replication == 0) continue;
      std::vector<hsize_t> start(pair.dims.size(), 0), shape = pair.dims;
      start[pair.axis] = first;
      shape[pair.axis] = size;
      values.assign(pair.per_replication * size, kNaN);
      read_block(pair.from.get(), start, shape, values.data(), out_,
                 fmt::format("/{} ({})", pair.name, what));
      write_block(pair.to.get(), start, shape, values.data(), partial_,
                  fmt::format("/{} ({})", pair.name, what));
    }
    const h5::Dataspace mem_space(H5Screate_simple(1, &size, nullptr));
    auto select = [&](hid_t ds, const Path& file) {
      h5::Dataspace space(h5::check(H5Dget_space(ds), file, "cannot get a dataspace"));
      h5::check_status(
          H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &first, nullptr, &size, nullptr), file,
          "cannot select replications");
      return space;
    };
    digests.assign(size * 64, '\0');
    {
      const h5::Dataspace from_space = select(from_digests.get(), out_);
      h5::check_status(H5Dread(from_digests.get(), hex.get(), mem_space.get(), from_space.get(),
                               H5P_DEFAULT, digests.data()),
                       out_, "cannot read /run/replication_sha256");
      const h5::Dataspace to_space = select(digests_dataset_.get(), partial_);
      h5::check_status(H5Dwrite(digests_dataset_.get(), hex.get(), mem_space.get(), to_space.get(),
                                H5P_DEFAULT, digests.data()),
                       partial_, "cannot write /run/replication_sha256");
    }
    // The values reach the disk before /done says they did, as in write().
    flush(what);
    {
      const std::vector<std::uint8_t> ones(size, 1);
      const h5::Dataspace to_space = select(done_dataset_.get(), partial_);
      h5::check_status(H5Dwrite(done_dataset_.get(), H5T_NATIVE_UINT8, mem_space.get(),
                                to_space.get(), H5P_DEFAULT, ones.data()),
                       partial_, "cannot write /done");
    }
    flush("/done of " + what);
    for (hsize_t r = first; r < first + size; ++r) done_[r] = true;
  }
}

void ResultsWriter::open_datasets() {
  const hid_t f = file_.get();
  auto open_all = [&](const std::string& group, std::span<const MetricInfo> infos,
                      std::vector<h5::Dataset>& into) {
    const h5::Group g = open_group(f, group, partial_);
    into.clear();
    for (const auto& m : infos)
      into.push_back(open_dataset(g.get(), std::string(m.name), partial_));
  };
  open_all("timeseries", metric_infos(), timeseries_);
  open_all("timeseries_by_segment", segment_metric_infos(), by_segment_);
  open_all("timeseries_by_touchpoint", touchpoint_metric_infos(), by_touchpoint_);
  open_all("summary", summary_metric_infos(), summary_);
  if (zero_defect_) {
    open_all("zero_defect/timeseries", metric_infos(), zero_defect_timeseries_);
    open_all("zero_defect/summary", summary_metric_infos(), zero_defect_summary_);
  }
  if (touchpoint_twins_) {
    open_all("summary_by_touchpoint", touchpoint_summary_metric_infos(), touchpoint_summary_);
  }
  const h5::Group g = open_group(f, "parameters", partial_);
  parameters_.clear();
  for (const auto& path : parameter_paths_)
    parameters_.push_back(open_dataset(g.get(), path, partial_));
  done_dataset_ = open_dataset(f, "done", partial_);
  digests_dataset_ = open_dataset(f, kReplicationDigests, partial_);
}

void ResultsWriter::write(const ReplicationResult& r) {
  if (!file_.valid())
    throw IoError(fmt::format("{}: the results file is closed", partial_.string()));
  if (broken_) {
    throw IoError(fmt::format("{}: an earlier write failed; the file is left as it was then",
                              partial_.string()));
  }
  if (r.replication < 0 || r.replication >= replications_) {
    throw IoError(fmt::format("{}: replication {} is outside 0..{}", partial_.string(),
                              r.replication, replications_ - 1));
  }
  auto check_runs = [&](const std::vector<RoadmapRun>& runs, std::string_view what) {
    if (runs.size() != static_cast<std::size_t>(roadmaps_)) {
      throw IoError(fmt::format("{}: replication {} has {} {} results, expected {}",
                                partial_.string(), r.replication, runs.size(), what, roadmaps_));
    }
    for (const auto& run : runs) {
      if (run.months != months_ || run.segments != segments_ || run.touchpoints != touchpoints_ ||
          run.timeseries.size() != static_cast<std::size_t>(kMetrics) * months_ ||
          run.by_segment.size() !=
              static_cast<std::size_t>(kSegmentMetrics) * months_ * segments_ ||
          run.by_touchpoint.size() !=
              static_cast<std::size_t>(kTouchpointMetrics) * months_ * touchpoints_) {
        throw IoError(fmt::format("{}: replication {} has {} results of the wrong shape",
                                  partial_.string(), r.replication, what));
      }
    }
  };
  check_runs(r.roadmaps, "roadmap");
  if (zero_defect_) check_runs(r.zero_defect, "zero-defect");
  if (touchpoint_twins_) {
    if (r.touchpoint_twins.size() != static_cast<std::size_t>(touchpoints_)) {
      throw IoError(fmt::format("{}: replication {} has {} per-touchpoint twin sets, expected {}",
                                partial_.string(), r.replication, r.touchpoint_twins.size(),
                                touchpoints_));
    }
    for (const auto& twins : r.touchpoint_twins) check_runs(twins, "per-touchpoint twin");
  }
  if (r.parameters.size() != parameter_paths_.size()) {
    throw IoError(fmt::format("{}: replication {} has {} parameter values, expected {}",
                              partial_.string(), r.replication, r.parameters.size(),
                              parameter_paths_.size()));
  }

  broken_ = true;  // until this replication is on the disk
  try {
    write_replication(r);
  } catch (...) {
    rethrow_with_storage();
  }
  broken_ = false;
  done_[static_cast<std::size_t>(r.replication)] = true;
}

void ResultsWriter::write_replication(const ReplicationResult& r) {
  const auto rep = static_cast<hsize_t>(r.replication);
  const auto M = static_cast<hsize_t>(roadmaps_);
  const auto T = static_cast<std::size_t>(months_);
  const auto S = static_cast<std::size_t>(segments_);
  const auto K = static_cast<std::size_t>(touchpoints_);
  std::vector<double> buf;
  // The values in the order of digest_names_, as they are written.
  Sha256 sha;
  auto put = [&](hid_t ds, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                 std::string_view what) {
    write_block(ds, start, count, buf.data(), partial_, what);
    sha.add(buf.data(), buf.size() * sizeof(double));
  };

  // Each metric's values for every roadmap in this replication: [roadmap][inner] into one
  // hyperslab [0:M, rep, ...].
  auto write_series = [&](const std::vector<RoadmapRun>& runs, std::vector<h5::Dataset>& datasets,
                          const std::vector<double> RoadmapRun::*field, std::size_t inner,
                          std::vector<hsize_t> tail, const char* group) {
    std::vector<hsize_t> start{0, rep}, count{M, 1};
    for (hsize_t t : tail) {
      start.push_back(0);
      count.push_back(t);
    }
    if (inner == 0) return;
    for (std::size_t m = 0; m < datasets.size(); ++m) {
      buf.resize(runs.size() * inner);
      for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& src = runs[i].*field;
        std::copy_n(src.begin() + static_cast<std::ptrdiff_t>(m * inner), inner,
                    buf.begin() + static_cast<std::ptrdiff_t>(i * inner));
      }
      put(datasets[m].get(), start, count,
          fmt::format("{} metric {} of replication {}", group, m, r.replication));
    }
  };
  auto write_summary = [&](const std::vector<RoadmapRun>& runs, std::vector<h5::Dataset>& datasets,
                           const char* group) {
    for (std::size_t m = 0; m < datasets.size(); ++m) {
      buf.resize(runs.size());
      for (std::size_t i = 0; i < runs.size(); ++i) buf[i] = runs[i].summary[m];
      put(datasets[m].get(), {0, rep}, {M, 1},
          fmt::format("{} metric {} of replication {}", group, m, r.replication));
    }
  };

  if (M > 0) {
    write_series(r.roadmaps, timeseries_, &RoadmapRun::timeseries, T, {T}, "/timeseries");
    write_series(r.roadmaps, by_segment_, &RoadmapRun::by_segment, T * S, {T, S},
                 "/timeseries_by_segment");
    write_series(r.roadmaps, by_touchpoint_, &RoadmapRun::by_touchpoint, T * K, {T, K},
                 "/timeseries_by_touchpoint");
    write_summary(r.roadmaps, summary_, "/summary");
    if (zero_defect_) {
      write_series(r.zero_defect, zero_defect_timeseries_, &RoadmapRun::timeseries, T, {T},
                   "/zero_defect/timeseries");
      write_summary(r.zero_defect, zero_defect_summary_, "/zero_defect/summary");
    }
    if (touchpoint_twins_ && K > 0) {
      // [roadmap, replication, touchpoint], digested like the rest.
      const std::vector<double> values = touchpoint_summary_values(r);
      for (std::size_t m = 0; m < touchpoint_summary_.size(); ++m) {
        buf.assign(values.begin() + static_cast<std::ptrdiff_t>(m * M * K),
                   values.begin() + static_cast<std::ptrdiff_t>((m + 1) * M * K));
        put(touchpoint_summary_[m].get(), {0, rep, 0}, {M, 1, K},
            fmt::format("/summary_by_touchpoint/{} of replication {}",
                        touchpoint_summary_metric_infos()[m].name, r.replication));
      }
    }
  }
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    buf.assign(1, r.parameters[i]);
    put(parameters_[i].get(), {rep}, {1}, "/parameters/" + parameter_paths_[i]);
  }
  const hsize_t one_entry = 1;
  auto select = [&](hid_t ds) {
    h5::Dataspace space(h5::check(H5Dget_space(ds), partial_, "cannot get a dataspace"));
    h5::check_status(
        H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &rep, nullptr, &one_entry, nullptr),
        partial_, "cannot select a replication");
    return space;
  };
  const h5::Dataspace mem_space(H5Screate_simple(1, &one_entry, nullptr));
  {
    const std::string hex = sha.hex();
    const h5::Datatype type = digest_type();
    const h5::Dataspace file_space = select(digests_dataset_.get());
    h5::check_status(H5Dwrite(digests_dataset_.get(), type.get(), mem_space.get(), file_space.get(),
                              H5P_DEFAULT, hex.data()),
                     partial_, "cannot write /run/replication_sha256");
  }
  // The values reach the disk before /done says they did.
  flush(fmt::format("replication {}", r.replication));
  {
    const std::uint8_t one = 1;
    const h5::Dataspace file_space = select(done_dataset_.get());
    h5::check_status(H5Dwrite(done_dataset_.get(), H5T_NATIVE_UINT8, mem_space.get(),
                              file_space.get(), H5P_DEFAULT, &one),
                     partial_, "cannot write /done");
  }
  flush(fmt::format("/done of replication {}", r.replication));
}

void ResultsWriter::write_statistics(const std::vector<h5::Dataset>& summary,
                                     const std::string& group) {
  const h5::Group g = open_group(file_.get(), group, partial_);
  const auto R = static_cast<std::size_t>(replications_);
  const auto M = static_cast<std::size_t>(roadmaps_);
  const auto infos = summary_metric_infos();
  for (std::size_t m = 0; m < summary.size(); ++m) {
    const std::string name(infos[m].name);
    const auto values = read_all(summary[m].get(), M * R, partial_, "/summary/" + name);
    std::vector<double> stats(M * kStatistics);
    for (std::size_t i = 0; i < M; ++i) {
      const auto row = as_array(summarize(std::span<const double>(values).subspan(i * R, R)));
      std::copy(row.begin(), row.end(),
                stats.begin() + static_cast<std::ptrdiff_t>(i * kStatistics));
    }
    if (M == 0) continue;
    const h5::Dataset ds = open_dataset(g.get(), name, partial_);
    h5::check_status(
        H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, stats.data()),
        partial_, fmt::format("cannot write {}/{}", group, name));
  }
}

void ResultsWriter::write_robustness() {
  const auto R = static_cast<std::size_t>(replications_);
  const auto M = static_cast<std::size_t>(roadmaps_);
  if (M == 0) return;
  SummaryColumns columns(M);
  for (std::size_t m = 0; m < summary_.size(); ++m) {
    const auto values = read_all(summary_[m].get(), M * R, partial_,
                                 "/summary/" + std::string(summary_metric_infos()[m].name));
    for (std::size_t i = 0; i < M; ++i) {
      columns[i][m].assign(values.begin() + static_cast<std::ptrdiff_t>(i * R),
                           values.begin() + static_cast<std::ptrdiff_t>((i + 1) * R));
    }
  }
  const TerminalRobustness robust = terminal_robustness(columns, terminal_value_);
  const h5::Group g = open_group(file_.get(), "robustness", partial_);
  const std::array<const std::array<std::vector<double>, 3>*, 3> tables{
      &robust.mean_delta_npv, &robust.p_best, &robust.rank};
  for (std::size_t k = 0; k < tables.size(); ++k) {
    std::vector<double> data;
    for (const auto& row : *tables[k]) data.insert(data.end(), row.begin(), row.end());
    const h5::Dataset ds = open_dataset(g.get(), kRobustness[k].name, partial_);
    h5::check_status(
        H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), partial_,
        fmt::format("cannot write /robustness/{}", kRobustness[k].name));
  }
  const int chosen = robust.chosen;
  h5::write_attribute(g.get(), "terminal_value", to_string(terminal_value_), partial_);
  h5::write_attribute(g.get(), "best_roadmap_index", static_cast<std::int64_t>(robust.best[chosen]),
                      partial_);
  h5::write_attribute(g.get(), "best_stays_best",
                      static_cast<std::int64_t>(robust.best_stays_best() ? 1 : 0), partial_);
  std::int64_t reranked = 0;
  for (int c = 0; c < 3; ++c) reranked = std::max<std::int64_t>(reranked, robust.reranked[c]);
  h5::write_attribute(g.get(), "most_roadmaps_reranked", reranked, partial_);
}

void ResultsWriter::write_touchpoint_statistics() {
  const auto R = static_cast<std::size_t>(replications_);
  const auto M = static_cast<std::size_t>(roadmaps_);
  const auto K = static_cast<std::size_t>(touchpoints_);
  if (M == 0 || K == 0) return;
  const h5::Group g = open_group(file_.get(), "statistics_by_touchpoint", partial_);
  for (std::size_t m = 0; m < touchpoint_summary_.size(); ++m) {
    const std::string name(touchpoint_summary_metric_infos()[m].name);
    // [roadmap][replication][touchpoint] in, [roadmap][touchpoint][statistic] out.
    const auto values = read_all(touchpoint_summary_[m].get(), M * R * K, partial_,
                                 "/summary_by_touchpoint/" + name);
    std::vector<double> stats(M * K * kStatistics);
    std::vector<double> column(R);
    for (std::size_t i = 0; i < M; ++i) {
      for (std::size_t k = 0; k < K; ++k) {
        for (std::size_t rep = 0; rep < R; ++rep) column[rep] = values[(i * R + rep) * K + k];
        const auto row = as_array(summarize(column));
        std::copy(row.begin(), row.end(),
                  stats.begin() + static_cast<std::ptrdiff_t>((i * K + k) * kStatistics));
      }
    }
    const h5::Dataset ds = open_dataset(g.get(), name, partial_);
    h5::check_status(
        H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, stats.data()),
        partial_, fmt::format("cannot write /statistics_by_touchpoint/{}", name));
  }
}

void ResultsWriter::finish() {
  if (finished_ || !file_.valid()) {
    throw IoError(fmt::format("{}: the results file is already closed", partial_.string()));
  }
  if (broken_) {
    throw IoError(fmt::format("{}: an earlier write failed; the file is left as it was then",
                              partial_.string()));
  }
  std::int64_t missing = 0;
  for (bool d : done_) missing += d ? 0 : 1;
  if (missing > 0) {
    throw IoError(fmt::format("{}: {} of {} replications are not written yet", partial_.string(),
                              missing, replications_));
  }
  try {
    write_statistics(summary_, "statistics");
    if (zero_defect_) write_statistics(zero_defect_summary_, "zero_defect/statistics");
    write_robustness();
    if (touchpoint_twins_) write_touchpoint_statistics();
    h5::write_attribute(file_.get(), "complete", std::int64_t{1}, partial_);
    flush("the statistics");
    close_checked();
  } catch (...) {
    broken_ = true;
    close_quietly();
    rethrow_with_storage();
  }
  // Read back as any reader would (HDF5's own driver, no special flags): only a file that reads
  // back whole, with every replication as written, gets the final name.
  try {
    verify_results_file(partial_);
  } catch (const DamagedFile& e) {
    throw IoError(
        fmt::format("{}; it did not read back whole after writing, so it was not "
                    "renamed to {}: start over with --force",
                    e.what(), out_.string()));
  }
  std::error_code ec;
  std::filesystem::rename(partial_, out_, ec);
  if (ec) {
    throw IoError(
        fmt::format("{}: cannot rename to {}: {}", partial_.string(), out_.string(), ec.message()));
  }
  sync_folder(out_);
  finished_ = true;
  lock_.reset();
}

}  // namespace cxsim
