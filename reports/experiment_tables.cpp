// The experiment tables, built from the datasets of a complete sweep or sensitivity file.
#include "reports/experiment_tables.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "experiments/sensitivity_analysis.hpp"
#include "outputs/experiment_summary.hpp"
#include "reports/plan_tables.hpp"
#include "reports/results_file.hpp"
#include "reports/table_parts.hpp"

namespace cxsim::reports {

namespace {

using parts::key;
using parts::number;
using parts::value;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Everything read once from the file that several tables use.
struct Experiment {
  explicit Experiment(const std::filesystem::path& path) : file(path) {}
  ResultsFile file;
  std::string kind, method, currency, baseline;
  std::vector<std::string> roadmaps, factors, statistic_names, outputs;
  std::vector<std::int64_t> points;  // /coords/point
  std::size_t P = 0, M = 0, F = 0, S = 0;

  // Position of statistic `name` in /coords/statistic; S when missing.
  std::size_t statistic(const std::string& name) const {
    return static_cast<std::size_t>(
        std::find(statistic_names.begin(), statistic_names.end(), name) - statistic_names.begin());
  }
  // Statistic s of a [point, roadmap, statistic] dataset.
  double at(const std::vector<double>& v, std::size_t p, std::size_t i, std::size_t s) const {
    return s < S ? v[(p * M + i) * S + s] : kNaN;
  }
  std::string header(const std::string& text, Format f) const {
    return f == Format::money && !currency.empty() ? text + " (" + currency + ")" : text;
  }
};

// The file's array of doubles, checked to have the shape the layout says.
std::vector<double> read_shaped(const Experiment& e, const std::string& path,
                                std::initializer_list<std::size_t> shape) {
  std::vector<hsize_t> dims;
  std::vector<double> v = e.file.doubles(path, &dims);
  std::vector<hsize_t> want;
  for (std::size_t d : shape) want.push_back(static_cast<hsize_t>(d));
  if (dims != want) {
    throw IoError(fmt::format("{}: /{} has shape [{}], expected [{}]", e.file.path().string(), path,
                              fmt::join(dims, ", "), fmt::join(want, ", ")));
  }
  return v;
}

Table design_table(const Experiment& e) {
  Table t;
  t.id = "design";
  t.sheet = "Design";
  t.title = "The points of the experiment and the value each sets";
  t.note = fmt::format(
      "One row per point (/coords/point), one column per factor (/coords/factor: the scenario "
      "path it sets), the values as the scenario received them (/design/values; integral keys "
      "rounded as the scenario rounds them). {}",
      e.kind == "sweep" ? fmt::format("Design: {}. The base scenario (no factor set) is run once "
                                      "more as the reference of the paired differences.",
                                      e.method)
                        : fmt::format("Method: {}.", e.method));
  t.sources = {"/design/values", "/coords/factor"};
  t.columns = {key("point", "point", Format::number)};
  for (const std::string& f : e.factors) {
    t.columns.push_back(value(f, {{"factor", f}}, Format::number, "/design/values"));
  }
  const std::vector<double> values = read_shaped(e, "design/values", {e.P, e.F});
  for (std::size_t p = 0; p < e.P; ++p) {
    std::vector<Cell> row{static_cast<double>(e.points[p])};
    for (std::size_t f = 0; f < e.F; ++f) row.push_back(number(values[p * e.F + f]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table points_table(const Experiment& e) {
  Table t;
  t.id = "points";
  t.sheet = "Points";
  t.title = "Each point's outputs, per roadmap";
  t.note =
      "Per point and roadmap, over the point's replications (the same random numbers at every "
      "point): the mean, its standard error and the 5th and 95th percentiles of each output, "
      "copied from /statistics/<output> (sd with ddof 1, percentiles by linear interpolation, "
      "NaN excluded). The factor values of each point are on the Design sheet.";
  t.columns = {key("point", "point", Format::number), key("roadmap", "roadmap")};
  static constexpr const char* kStats[] = {"mean", "se", "p05", "p95"};
  std::vector<std::vector<double>> stats;
  for (const std::string& o : e.outputs) {
    const Format f = parts::format_of_metric(o);
    for (const char* s : kStats) {
      t.columns.push_back(value(e.header(fmt::format("{} {}", o, s), f),
                                {{"metric", o}, {"statistic", s}}, f, "/statistics/" + o));
    }
    parts::add_source(t, "/statistics/" + o);
    stats.push_back(read_shaped(e, "statistics/" + o, {e.P, e.M, e.S}));
  }
  for (std::size_t p = 0; p < e.P; ++p) {
    for (std::size_t i = 0; i < e.M; ++i) {
      std::vector<Cell> row{static_cast<double>(e.points[p]), e.roadmaps[i]};
      for (const auto& v : stats) {
        for (const char* s : kStats) row.push_back(number(e.at(v, p, i, e.statistic(s))));
      }
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

Table paired_difference_table(const Experiment& e) {
  Table t;
  t.id = "paired_difference";
  t.sheet = "Paired difference";
  t.title = "Each point against the base scenario, paired replication by replication";
  t.note =
      "Per point and roadmap: the output at the point minus the output at the base scenario (no "
      "factor set, /base/summary) in the same replication, on the same random numbers; the mean "
      "and standard error of these differences are copied from /paired_difference/<output>, and "
      "the 95% interval of the mean is mean -/+ t(0.975, n - 1) se (Student t, n = the "
      "replications where both are numbers; empty when n < 2).";
  t.columns = {key("point", "point", Format::number), key("roadmap", "roadmap")};
  std::vector<std::vector<double>> diffs;
  for (const std::string& o : e.outputs) {
    const Format f = parts::format_of_metric(o);
    const std::string src = "/paired_difference/" + o;
    t.columns.push_back(value(e.header(o + ": point - base, mean", f),
                              {{"metric", o}, {"statistic", "mean"}}, f, src));
    t.columns.push_back(
        value(e.header(o + ": point - base, se", f), {{"metric", o}, {"statistic", "se"}}, f, src));
    t.columns.push_back(value(e.header(o + ": point - base, 95% interval low", f),
                              {{"metric", o}, {"statistic", "ci95_low"}}, f,
                              src + " (mean, se, n)"));
    t.columns.push_back(value(e.header(o + ": point - base, 95% interval high", f),
                              {{"metric", o}, {"statistic", "ci95_high"}}, f,
                              src + " (mean, se, n)"));
    parts::add_source(t, src);
    diffs.push_back(read_shaped(e, "paired_difference/" + o, {e.P, e.M, e.S}));
  }
  parts::add_source(t, "/base/summary");
  const std::size_t mean = e.statistic("mean"), se = e.statistic("se"), n = e.statistic("n");
  for (std::size_t p = 0; p < e.P; ++p) {
    for (std::size_t i = 0; i < e.M; ++i) {
      std::vector<Cell> row{static_cast<double>(e.points[p]), e.roadmaps[i]};
      for (const auto& v : diffs) {
        const double m = e.at(v, p, i, mean), s = e.at(v, p, i, se), count = e.at(v, p, i, n);
        double low = kNaN, high = kNaN;
        if (count >= 2 && std::isfinite(m) && std::isfinite(s)) {
          const boost::math::students_t dist(count - 1.0);
          const double half = boost::math::quantile(boost::math::complement(dist, 0.025)) * s;
          low = m - half;
          high = m + half;
        }
        row.insert(row.end(), {number(m), number(s), number(low), number(high)});
      }
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

// The index names of the file's method in its order, then any other dataset of the group.
std::vector<std::string> index_names(const Experiment& e, const std::string& output) {
  std::vector<std::string> method_order;
  for (const SensitivityMethod m :
       {SensitivityMethod::sobol, SensitivityMethod::morris, SensitivityMethod::tornado}) {
    if (e.method == to_string(m)) method_order = sensitivity_index_names(m);
  }
  const std::vector<std::string> present = e.file.datasets_in("sensitivity/" + output);
  std::vector<std::string> out;
  for (const std::string& name : method_order) {
    if (std::find(present.begin(), present.end(), name) != present.end()) out.push_back(name);
  }
  for (const std::string& name : present) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

Table sensitivity_table(const Experiment& e) {
  Table t;
  t.id = "sensitivity";
  t.sheet = "Sensitivity";
  t.title = fmt::format("Sensitivity of each output to each factor ({})", e.method);
  const std::string what =
      e.method == "sobol"
          ? "S1 = first-order Sobol index (Saltelli 2010), ST = total index (Jansen 1999), each "
            "with its 95% bootstrap interval (_low, _high): the share of the output's variance "
            "over the design due to the factor alone, and with its interactions."
      : e.method == "morris"
          ? "mu_star = mean absolute elementary effect with its 95% bootstrap interval (_low, "
            "_high), mu = mean elementary effect, sigma = their standard deviation; effects are "
            "per unit of the design's grid (quantiles 0.005 to 0.995 of the factor)."
      : e.method == "tornado"
          ? "low, high = the output's mean with the factor at its p05, p95 (or 5% and 95% of its "
            "range) and every other factor at its median; base = every factor at its median."
          : "The indices of the method.";
  t.note = what +
           " Copied from /sensitivity/<output>/<index>; empty (NaN) where the output does not "
           "vary (the baseline's delta_npv). Rows in file order: outputs (root attribute "
           "outputs), roadmaps (/coords/roadmap), factors (/coords/factor).";
  const bool by_output_units = e.method != "sobol";
  // The columns are the first output's indices; every output of a file has the same.
  const std::vector<std::string> names =
      e.outputs.empty() ? std::vector<std::string>() : index_names(e, e.outputs.front());
  t.columns = {key("output", "output"), key("roadmap", "roadmap"), key("factor", "factor")};
  for (const std::string& name : names) {
    t.columns.push_back(value(name, {{"index", name}}, Format::number));
  }
  for (const std::string& o : e.outputs) {
    std::vector<std::vector<double>> values;
    for (const std::string& name : names) {
      const std::string path = "sensitivity/" + o + "/" + name;
      values.push_back(e.file.has(path) ? read_shaped(e, path, {e.M, e.F})
                                        : std::vector<double>(e.M * e.F, kNaN));
      if (e.file.has(path)) parts::add_source(t, "/" + path);
    }
    const Format f = by_output_units ? parts::format_of_metric(o) : Format::number;
    for (std::size_t i = 0; i < e.M; ++i) {
      for (std::size_t k = 0; k < e.F; ++k) {
        std::vector<Cell> row{o, e.roadmaps[i], e.factors[k]};
        std::vector<std::string> sources(3);
        for (std::size_t n = 0; n < names.size(); ++n) {
          row.push_back(number(values[n][i * e.F + k]));
          sources.push_back("/sensitivity/" + o + "/" + names[n]);
        }
        t.rows.push_back(std::move(row));
        t.cell_sources.push_back(std::move(sources));
        t.row_formats.push_back(f);
      }
    }
  }
  return t;
}

}  // namespace

FinanceTables read_experiment_tables(const std::filesystem::path& path) {
  Experiment e(path);
  const ResultsFile& f = e.file;
  if (f.string_attribute("", "format") != "cxsim-results") {
    throw IoError(fmt::format("{}: not a cxsim results file", path.string()));
  }
  const std::string version = f.string_attribute("", "format_version");
  if (version.substr(0, version.find('.')) != "1") {
    throw IoError(fmt::format("{}: format_version {} is not supported (this cxsim reads 1.x)",
                              path.string(), version));
  }
  e.kind = f.string_attribute("", "experiment");
  if (e.kind == "optimize" || e.kind == "attribute") return read_plan_tables(path);
  if (e.kind != "sweep" && e.kind != "sensitivity") {
    throw IoError(fmt::format(
        "{}: {} (cxsim export reads the files of cxsim run, sweep, sensitivity, optimize and "
        "attribute)",
        path.string(),
        e.kind.empty() ? std::string("not an experiment file (no root attribute experiment)")
                       : "an experiment of kind " + e.kind));
  }
  if (f.int_attribute("", "complete") != 1) {
    throw IoError(fmt::format(
        "{}: the experiment is not complete (an interrupted {} has no statistics{} yet); finish "
        "it with cxsim {} ... --resume, then export it",
        path.string(), e.kind, e.kind == "sensitivity" ? " or indices" : "", e.kind));
  }
  e.method = f.string_attribute("", e.kind == "sweep" ? "design" : "method");
  e.currency = f.string_attribute("", "currency");
  e.baseline = f.string_attribute("", "baseline_roadmap");
  e.roadmaps = f.strings("coords/roadmap");
  e.factors = f.strings("coords/factor");
  e.statistic_names = f.strings("coords/statistic");
  e.points = f.integers("coords/point");
  e.outputs = f.strings_attribute("", "outputs");
  e.P = e.points.size();
  e.M = e.roadmaps.size();
  e.F = e.factors.size();
  e.S = e.statistic_names.size();
  for (const std::string& o : e.outputs) {
    if (!f.has("statistics/" + o)) {
      throw IoError(fmt::format("{}: output {} has no /statistics/{}", path.string(), o, o));
    }
  }

  FinanceTables out;
  out.file = path;
  out.roadmaps = e.roadmaps;
  auto& facts = out.facts;
  facts["file"] = path.filename().string();
  facts["experiment"] = e.kind;
  facts["method"] = e.method;
  facts["outputs"] = fmt::format("{}", fmt::join(e.outputs, ", "));
  facts["first_output"] = e.outputs.empty() ? "" : e.outputs.front();
  facts["points"] = std::to_string(e.P);
  facts["factors"] = std::to_string(e.F);
  facts["scenario_name"] = f.string_attribute("", "scenario_name");
  const std::string experiment_text = f.text("experiment");
  const std::string scenario = f.text("scenario");
  for (const std::string* text : {&experiment_text, &scenario}) {
    if (facts.count("description")) break;
    try {
      const YAML::Node doc = YAML::Load(*text);
      if (doc["description"]) facts["description"] = doc["description"].as<std::string>();
    } catch (const YAML::Exception&) {
    }
  }
  facts["currency"] = e.currency;
  facts["terminal_value"] = f.string_attribute("", "terminal_value");
  facts["baseline"] = e.baseline;
  facts["file_sha256"] = file_sha256(path);
  facts["engine_version"] = f.string_attribute("", "engine_version");
  facts["git_commit"] = f.string_attribute("", "git_commit");
  facts["created_utc"] = f.string_attribute("", "created_utc");
  facts["command_line"] = f.string_attribute("", "command_line");
  facts["replications"] = std::to_string(f.int_attribute("", "replications"));
  facts["horizon_months"] = std::to_string(f.int_attribute("", "horizon_months"));
  facts["agents"] = std::to_string(f.int_attribute("", "agents"));
  facts["exported_by"] = fmt::format("cxsim {} (commit {})", kVersion, kGitCommit);

  const bool sensitivity = f.has("sensitivity");
  if (sensitivity) out.tables.push_back(sensitivity_table(e));
  out.tables.push_back(design_table(e));
  out.tables.push_back(points_table(e));
  if (f.has("paired_difference")) out.tables.push_back(paired_difference_table(e));
  out.tables.push_back(parts::provenance_table(
      f, facts.at("file_sha256"),
      "The results file and its SHA-256, then every root attribute of it (the experiment's "
      "command line, seed, replications per point, points, design or method, outputs, "
      "versions, scenario and experiment SHA-256 ...); the resolved experiment and scenario "
      "texts follow."));
  out.tables.push_back(parts::text_table(
      "experiment", "Provenance", "The resolved experiment",
      "/experiment: the experiment file as run (scenario, overrides, outputs, block, expanded "
      "factors), one row per line.",
      "/experiment", experiment_text));
  out.tables.push_back(parts::text_table(
      "scenario", "Provenance", "The resolved base scenario",
      "/scenario: the base scenario after extends, set, --set and defaults, one row per line.",
      "/scenario", scenario));
  return out;
}

FinanceTables read_results_tables(const std::filesystem::path& file) {
  return is_experiment_file(file) ? read_experiment_tables(file) : read_finance_tables(file);
}

}  // namespace cxsim::reports
