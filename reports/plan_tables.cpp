// The tables of optimize and attribution files, read from their /optimize and /attribute groups.
#include "reports/plan_tables.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "reports/results_file.hpp"
#include "reports/table_parts.hpp"

namespace cxsim::reports {

namespace {

using parts::key;
using parts::number;
using parts::value;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string with_currency(const std::string& text, Format f, const std::string& currency) {
  return (f == Format::money || f == Format::money_unit) && !currency.empty()
             ? text + " (" + currency + ")"
             : text;
}

// A 1-D dataset of n doubles (IoError when its shape differs).
std::vector<double> vector_of(const ResultsFile& f, const std::string& path, std::size_t n) {
  std::vector<hsize_t> dims;
  std::vector<double> v = f.doubles(path, &dims);
  if (dims.size() != 1 || dims[0] != n) {
    throw IoError(fmt::format("{}: /{} is not a vector of {}", f.path().string(), path, n));
  }
  return v;
}

double scalar_of(const ResultsFile& f, const std::string& path) {
  const std::vector<double> v = f.doubles(path);
  if (v.size() != 1) throw IoError(fmt::format("{}: /{} is not a scalar", f.path().string(), path));
  return v.front();
}

// A numeric root attribute (NaN when missing or not a number).
double root_number(const ResultsFile& f, const std::string& name) {
  for (const auto& [n, cell] : f.root_attributes()) {
    if (n == name && std::holds_alternative<double>(cell)) return std::get<double>(cell);
  }
  return kNaN;
}

// One row of a two-column item/value table, its number format and dataset.
void add_item(Table& t, std::string item, Cell cell, Format f, std::string source) {
  t.rows.push_back({std::move(item), std::move(cell)});
  t.row_formats.push_back(f);
  t.row_sources.push_back(source);
  if (!source.empty() && source.front() == '/') parts::add_source(t, source);
}

Table item_table(std::string id, std::string sheet, std::string title, std::string note) {
  Table t;
  t.id = std::move(id);
  t.sheet = std::move(sheet);
  t.title = std::move(title);
  t.note = std::move(note);
  t.columns = {key("item", "item"), value("value", {{"statistic", "value"}}, Format::number)};
  return t;
}

// ------------------------------------------------------------------------------------ optimize

Table choice_table(const ResultsFile& f, Format objective, const std::string& currency) {
  Table t = item_table(
      "choice", "Choice", "The chosen plan and how sure the choice is",
      "The plan the procedure chose (/optimize/best pastes into the scenario's roadmaps), its "
      "objective over its replications, the probability of correct selection within the "
      "indifference zone (kind: guaranteed by KN for a mean objective that stopped by itself, "
      "else an estimate), and the replications spent against equal allocation's for the same "
      "guarantee. Values are copied from the datasets and root attributes named.");
  const auto best = static_cast<std::size_t>(scalar_of(f, "optimize/best_candidate"));
  const std::size_t K = f.strings("optimize/candidates").size();
  const std::string metric = f.string_attribute("", "objective_metric");
  const std::string statistic = f.string_attribute("", "objective_statistic");
  add_item(t, "chosen plan", f.text("optimize/best"), Format::text, "/optimize/best");
  add_item(t, "candidate", scalar_of(f, "optimize/best_candidate"), Format::number,
           "/optimize/best_candidate");
  add_item(t, "objective", statistic + " of " + metric, Format::text,
           "root attributes objective_statistic, objective_metric");
  const std::string stat_path =
      statistic == "mean" ? std::string("optimize/mean") : "optimize/" + statistic;
  if (best < K && f.has(stat_path)) {
    add_item(t, with_currency(statistic + " of " + metric + " (chosen plan)", objective, currency),
             number(vector_of(f, stat_path, K)[best]), objective, "/" + stat_path);
    const std::string se_path =
        statistic == "mean" ? std::string("optimize/se") : stat_path + "_se";
    if (f.has(se_path)) {
      add_item(t, with_currency("its standard error", objective, currency),
               number(vector_of(f, se_path, K)[best]), objective, "/" + se_path);
    }
    add_item(t, "its replications", number(vector_of(f, "optimize/n", K)[best]), Format::count,
             "/optimize/n");
  }
  add_item(t, "P(correct selection)", number(scalar_of(f, "optimize/p_correct")), Format::share,
           "/optimize/p_correct");
  add_item(t, "P(correct selection) is", f.string_attribute("optimize/p_correct", "kind"),
           Format::text, "/optimize/p_correct (attribute kind)");
  add_item(t, "stopped by", f.string_attribute("optimize/p_correct", "stopped_by"), Format::text,
           "/optimize/p_correct (attribute stopped_by)");
  add_item(t, with_currency("indifference zone", objective, currency),
           number(root_number(f, "indifference_zone")), objective,
           "root attribute indifference_zone");
  add_item(t, "confidence", number(root_number(f, "confidence")), Format::share,
           "root attribute confidence");
  add_item(t, "replications spent", number(scalar_of(f, "optimize/replications")), Format::count,
           "/optimize/replications");
  add_item(t, "equal allocation, same guarantee",
           number(scalar_of(f, "optimize/equal_allocation_replications")), Format::count,
           "/optimize/equal_allocation_replications");
  add_item(t, "distinct (plan, replication) pairs simulated",
           number(scalar_of(f, "optimize/simulated_observations")), Format::count,
           "/optimize/simulated_observations");
  return t;
}

Table frontier_table(const ResultsFile& f, Format objective, const std::string& currency) {
  Table t;
  t.id = "frontier";
  t.sheet = "Frontier";
  t.title = "The efficient frontier: the best plan within each capex budget";
  t.note =
      "One selection per capex_total budget, ascending, each with its own guarantee: the best "
      "plan, its objective's mean and standard error, P(correct selection) and the replications "
      "that selection spent. Copied from /optimize/frontier/<x>.";
  const std::vector<std::string> best = f.strings("optimize/frontier/best");
  const std::size_t B = best.size();
  t.columns = {key("budget", with_currency("capex budget", Format::money, currency), Format::money),
               value("best plan", {{"statistic", "best"}}, Format::text, "/optimize/frontier/best"),
               value(with_currency("mean", objective, currency), {{"statistic", "mean"}}, objective,
                     "/optimize/frontier/mean"),
               value(with_currency("se", objective, currency), {{"statistic", "se"}}, objective,
                     "/optimize/frontier/se"),
               value("P(correct selection)", {{"statistic", "p_correct"}}, Format::share,
                     "/optimize/frontier/p_correct"),
               value("replications", {{"statistic", "replications"}}, Format::count,
                     "/optimize/frontier/replications"),
               value("candidate", {{"statistic", "best_candidate"}}, Format::number,
                     "/optimize/frontier/best_candidate")};
  t.columns[0].source = "/optimize/frontier/budget";
  std::vector<std::vector<double>> cols;
  for (const char* name : {"budget", "mean", "se", "p_correct", "replications", "best_candidate"}) {
    cols.push_back(vector_of(f, std::string("optimize/frontier/") + name, B));
    parts::add_source(t, std::string("/optimize/frontier/") + name);
  }
  parts::add_source(t, "/optimize/frontier/best");
  for (std::size_t b = 0; b < B; ++b) {
    t.rows.push_back({cols[0][b], best[b], number(cols[1][b]), number(cols[2][b]),
                      number(cols[3][b]), number(cols[4][b]), number(cols[5][b])});
  }
  return t;
}

// How a [candidate] dataset of /optimize is shown.
Format candidate_format(const std::string& name, Format objective) {
  if (name == "capex_total") return Format::money;
  if (name == "n" || name == "eliminated_at") return Format::count;
  if (name == "eliminated_by") return Format::number;
  return objective;  // mean, se, pNN, pNN_se, paired_difference, paired_difference_se
}

Table candidates_table(const ResultsFile& f, Format objective, const std::string& currency) {
  Table t;
  t.id = "candidates";
  t.sheet = "Candidates";
  t.title = "Every plan raced, and why each was dropped";
  t.note =
      "One row per candidate plan (/optimize/candidates, its YAML; 0 is the plan with no "
      "initiative) of the largest budget's selection: its capex as the constraints count it, "
      "the objective's mean and standard error over its replications, the replications it got "
      "(n), the replications spent over all candidates when it was dropped (eliminated_at; empty: "
      "never) and the candidate it fell behind (eliminated_by), and the chosen plan minus it, "
      "paired replication by replication over the replications they share. Copied from "
      "/optimize/<x>.";
  const std::vector<std::string> plans = f.strings("optimize/candidates");
  const std::size_t K = plans.size();
  t.columns = {key("candidate", "candidate", Format::number), key("plan", "plan")};
  t.columns[1].source = "/optimize/candidates";
  parts::add_source(t, "/optimize/candidates");
  std::vector<std::vector<double>> cols;
  for (const std::string& name : f.datasets_in("optimize")) {
    std::vector<hsize_t> dims;
    if (name == "candidates" || name == "best" || name == "candidate") continue;
    const std::string path = "optimize/" + name;
    try {
      std::vector<double> v = f.doubles(path, &dims);
      if (dims.size() != 1 || dims[0] != K || name.rfind("observation", 0) == 0) continue;
      const Format fm = candidate_format(name, objective);
      t.columns.push_back(
          value(with_currency(name, fm, currency), {{"statistic", name}}, fm, "/" + path));
      parts::add_source(t, "/" + path);
      cols.push_back(std::move(v));
    } catch (const IoError&) {
      continue;  // a string dataset
    }
  }
  for (std::size_t c = 0; c < K; ++c) {
    std::vector<Cell> row{static_cast<double>(c), plans[c]};
    for (const auto& v : cols) row.push_back(number(v[c]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// ----------------------------------------------------------------------------------- attribute

Table shares_table(const ResultsFile& f, Format metric_format, const std::string& currency) {
  Table t;
  t.id = "shares";
  t.sheet = "Shares";
  const std::string roadmap = f.string_attribute("", "roadmap");
  const std::string metric = f.string_attribute("", "metric");
  t.title = fmt::format("What each initiative of {} earns: Shapley shares of {}", roadmap, metric);
  t.note =
      "Per initiative (/attribute/initiative, in roadmap order): the mean Shapley share over "
      "replications with its standard error and 95% Student-t interval (copied from "
      "/attribute/interval), its share of the total (the mean share over the mean of "
      "/attribute/total), and its value alone (the mean over replications of the sub-roadmap "
      "with only it, /attribute/value). A share above the value alone: the initiative earns "
      "more beside the others; below: it crowds them or rides on them. The last row is the "
      "total shared out.";
  const std::vector<std::string> names = f.strings("attribute/initiative");
  const std::vector<std::string> coalitions = f.strings("attribute/coalitions");
  const std::size_t I = names.size(), C = coalitions.size();
  std::vector<hsize_t> dims;
  const std::vector<double> interval = f.doubles("attribute/interval", &dims);
  const std::vector<std::string> bounds = f.strings("attribute/bound");
  if (dims.size() != 2 || dims[0] != I || dims[1] != bounds.size()) {
    throw IoError(
        fmt::format("{}: /attribute/interval is not [initiative, bound]", f.path().string()));
  }
  const std::vector<double> total = f.doubles("attribute/total");
  const std::vector<double> values = f.doubles("attribute/value", &dims);
  const std::size_t R = total.size();
  if (dims.size() != 2 || dims[0] != C || dims[1] != R) {
    throw IoError(
        fmt::format("{}: /attribute/value is not [coalition, replication]", f.path().string()));
  }
  auto bound = [&](const std::string& b) {
    for (std::size_t k = 0; k < bounds.size(); ++k) {
      if (bounds[k] == b) return k;
    }
    throw IoError(fmt::format("{}: /attribute/bound has no {}", f.path().string(), b));
  };
  const std::size_t mean = bound("mean"), se = bound("se"), low = bound("low"),
                    high = bound("high");
  double total_mean = 0;
  for (const double x : total) total_mean += x / static_cast<double>(R);
  t.columns = {key("initiative", "initiative"),
               value(with_currency("share, mean", metric_format, currency), {{"statistic", "mean"}},
                     metric_format, "/attribute/interval"),
               value(with_currency("share, se", metric_format, currency), {{"statistic", "se"}},
                     metric_format, "/attribute/interval"),
               value(with_currency("share, 95% low", metric_format, currency),
                     {{"statistic", "ci95_low"}}, metric_format, "/attribute/interval"),
               value(with_currency("share, 95% high", metric_format, currency),
                     {{"statistic", "ci95_high"}}, metric_format, "/attribute/interval"),
               value("of the total", {{"statistic", "of_total"}}, Format::share,
                     "/attribute/interval, /attribute/total"),
               value(with_currency("value alone, mean", metric_format, currency),
                     {{"statistic", "alone"}}, metric_format, "/attribute/value")};
  for (const char* s :
       {"/attribute/interval", "/attribute/total", "/attribute/value", "/attribute/coalitions"}) {
    parts::add_source(t, s);
  }
  for (std::size_t i = 0; i < I; ++i) {
    const double* row = &interval[i * bounds.size()];
    double alone = kNaN;
    const std::string single = "[" + names[i] + "]";
    for (std::size_t c = 0; c < C; ++c) {
      if (coalitions[c] != single) continue;
      alone = 0;
      for (std::size_t r = 0; r < R; ++r) alone += values[c * R + r] / static_cast<double>(R);
    }
    t.rows.push_back({names[i], number(row[mean]), number(row[se]), number(row[low]),
                      number(row[high]), number(row[mean] / total_mean), number(alone)});
  }
  t.rows.push_back({std::string("total shared out"), number(total_mean), std::monostate{},
                    std::monostate{}, std::monostate{}, number(1.0), std::monostate{}});
  return t;
}

Table shapley_table(const ResultsFile& f, Format metric_format, const std::string& currency) {
  Table t;
  t.id = "shapley";
  t.sheet = "Shapley by replication";
  t.title = "Each initiative's Shapley share and their total, replication by replication";
  t.note =
      "One row per replication: each initiative's share (copied from /attribute/shapley) and "
      "the value shared out (copied from /attribute/total, the roadmap's metric minus that of "
      "the same roadmap without initiatives); in every row the shares add up to the total.";
  const std::vector<std::string> names = f.strings("attribute/initiative");
  const std::vector<double> total = f.doubles("attribute/total");
  std::vector<hsize_t> dims;
  const std::vector<double> shapley = f.doubles("attribute/shapley", &dims);
  const std::size_t I = names.size(), R = total.size();
  if (dims.size() != 2 || dims[0] != I || dims[1] != R) {
    throw IoError(
        fmt::format("{}: /attribute/shapley is not [initiative, replication]", f.path().string()));
  }
  t.columns = {key("replication", "replication", Format::number)};
  for (const std::string& n : names) {
    t.columns.push_back(value(with_currency(n, metric_format, currency), {{"initiative", n}},
                              metric_format, "/attribute/shapley"));
  }
  t.columns.push_back(value(with_currency("total", metric_format, currency),
                            {{"initiative", "total"}}, metric_format, "/attribute/total"));
  t.sources = {"/attribute/shapley", "/attribute/total"};
  for (std::size_t r = 0; r < R; ++r) {
    std::vector<Cell> row{static_cast<double>(r)};
    for (std::size_t i = 0; i < I; ++i) row.push_back(number(shapley[i * R + r]));
    row.push_back(number(total[r]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table coalitions_table(const ResultsFile& f, Format metric_format, const std::string& currency) {
  Table t;
  t.id = "coalitions";
  t.sheet = "Coalitions";
  t.title = "Each sub-roadmap evaluated and its mean value";
  t.note =
      "One row per coalition (/attribute/coalitions: the initiatives the sub-roadmap keeps, each "
      "at its own timing), with its metric over the baseline averaged over replications (the "
      "mean of /attribute/value over its replication axis) and the number of initiatives it "
      "keeps (the row sum of /attribute/members).";
  const std::vector<std::string> coalitions = f.strings("attribute/coalitions");
  std::vector<hsize_t> dims;
  const std::vector<double> values = f.doubles("attribute/value", &dims);
  const std::size_t C = coalitions.size();
  const std::size_t R = dims.size() == 2 ? dims[1] : 0;
  if (dims.size() != 2 || dims[0] != C) {
    throw IoError(
        fmt::format("{}: /attribute/value is not [coalition, replication]", f.path().string()));
  }
  const std::vector<double> members = f.doubles("attribute/members", &dims);
  const std::size_t I = dims.size() == 2 ? dims[1] : 0;
  t.columns = {key("coalition", "coalition"),
               value("initiatives", {{"statistic", "size"}}, Format::count, "/attribute/members"),
               value(with_currency("mean value", metric_format, currency), {{"statistic", "mean"}},
                     metric_format, "/attribute/value")};
  t.sources = {"/attribute/coalitions", "/attribute/members", "/attribute/value"};
  for (std::size_t c = 0; c < C; ++c) {
    double mean = 0, size = 0;
    for (std::size_t r = 0; r < R; ++r) mean += values[c * R + r] / static_cast<double>(R);
    for (std::size_t i = 0; i < I; ++i) size += members[c * I + i];
    t.rows.push_back({coalitions[c], size, number(R > 0 ? mean : kNaN)});
  }
  return t;
}

}  // namespace

FinanceTables read_plan_tables(const std::filesystem::path& path) {
  const ResultsFile f(path);
  const std::string kind = f.string_attribute("", "experiment");
  if (kind != "optimize" && kind != "attribute") {
    throw IoError(fmt::format("{}: not an optimize or attribution file (experiment = {})",
                              path.string(), kind.empty() ? "none" : kind));
  }
  if (f.int_attribute("", "complete") != 1) {
    throw IoError(fmt::format(
        "{}: the {} is not complete (an interrupted cxsim {} has no {} yet); finish it with "
        "cxsim {} ... --resume, then export it",
        path.string(), kind == "optimize" ? "optimisation" : "attribution", kind,
        kind == "optimize" ? "chosen plan" : "Shapley shares", kind));
  }
  FinanceTables out;
  out.file = path;
  auto& facts = out.facts;
  const std::string currency = f.string_attribute("", "currency");
  facts["file"] = path.filename().string();
  facts["experiment"] = kind;
  facts["method"] = f.string_attribute("", "method");
  facts["scenario_name"] = f.string_attribute("", "scenario_name");
  facts["currency"] = currency;
  facts["baseline"] = f.string_attribute("", "baseline_roadmap");
  facts["file_sha256"] = file_sha256(path);
  facts["engine_version"] = f.string_attribute("", "engine_version");
  facts["git_commit"] = f.string_attribute("", "git_commit");
  facts["created_utc"] = f.string_attribute("", "created_utc");
  facts["command_line"] = f.string_attribute("", "command_line");
  facts["replications"] = std::to_string(f.int_attribute("", "replications"));
  facts["horizon_months"] = std::to_string(f.int_attribute("", "horizon_months"));
  facts["agents"] = std::to_string(f.int_attribute("", "agents"));
  facts["exported_by"] = fmt::format("cxsim {} (commit {})", kVersion, kGitCommit);
  if (kind == "attribute") facts["roadmap"] = f.string_attribute("", "roadmap");

  if (kind == "optimize") {
    const Format objective = parts::format_of_metric(f.string_attribute("", "objective_metric"));
    out.tables.push_back(choice_table(f, objective, currency));
    if (f.has("optimize/frontier")) out.tables.push_back(frontier_table(f, objective, currency));
    out.tables.push_back(candidates_table(f, objective, currency));
  } else {
    const Format metric = parts::format_of_metric(f.string_attribute("", "metric"));
    out.tables.push_back(shares_table(f, metric, currency));
    out.tables.push_back(shapley_table(f, metric, currency));
    out.tables.push_back(coalitions_table(f, metric, currency));
  }
  out.tables.push_back(parts::provenance_table(
      f, facts.at("file_sha256"),
      "The results file and its SHA-256, then every root attribute of it (the command line, "
      "seed, replications, method, versions, scenario and experiment SHA-256 ...); the resolved "
      "experiment and scenario texts follow."));
  out.tables.push_back(
      parts::text_table("experiment", "Provenance", "The resolved experiment",
                        "/experiment: the experiment file as run, one row per line.", "/experiment",
                        f.text("experiment")));
  out.tables.push_back(parts::text_table(
      "scenario", "Provenance", "The resolved base scenario",
      "/scenario: the base scenario after extends, set, --set and defaults, one row per line.",
      "/scenario", f.text("scenario")));
  return out;
}

}  // namespace cxsim::reports
