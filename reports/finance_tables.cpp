// The finance tables, built from the datasets of a complete results file.
#include "reports/finance_tables.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <numeric>
#include <span>

#include "engine/core/errors.hpp"
#include "engine/core/scenario.hpp"
#include "engine/core/version.hpp"
#include "engine/decision.hpp"
#include "engine/metrics.hpp"
#include "engine/month_parameters.hpp"
#include "engine/statistics.hpp"
#include "reports/results_file.hpp"
#include "reports/table_parts.hpp"

namespace cxsim::reports {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using parts::Dims;
using parts::format_for_units;
using parts::key;
using parts::number;
using parts::value;

// Statistics the tables show of values computed here: the same definitions as /statistics.
struct Quantiles {
  double mean, p05, p25, p50, p75, p95, n;
};
Quantiles quantiles(std::vector<double> values) {
  const SummaryStatistics s = summarize(values);
  std::vector<double> finite;
  for (double v : values)
    if (!std::isnan(v)) finite.push_back(v);
  std::sort(finite.begin(), finite.end());
  return {s.mean, s.p05, percentile_sorted(finite, 25), s.p50, percentile_sorted(finite, 75),
          s.p95,  s.n};
}

// Everything read once from the file that several tables use.
struct Run {
  explicit Run(const std::filesystem::path& path) : file(path) {}
  ResultsFile file;
  std::vector<std::string> roadmaps, touchpoints, statistic_names, metrics;
  std::size_t M = 0, R = 0, T = 0, K = 0;
  int baseline = 0;
  std::string currency, terminal_value;
  bool zero_defect = false, by_touchpoint = false;
  std::vector<double> monthly_discount;  // per replication

  // Statistic `name` of /<group>/<metric> for roadmap i (and touchpoint k when by touchpoint).
  double statistic(const std::string& group, const std::string& metric, std::size_t i,
                   const std::string& name, std::size_t k = 0) const {
    const std::string path = group + "/" + metric;
    if (!file.has(path)) return kNaN;  // a format 1.0 file lacks the 1.1 metrics
    auto& cached = cache_[path];
    if (!cached) cached = std::make_unique<std::vector<double>>(file.doubles(path));
    const auto s = std::find(statistic_names.begin(), statistic_names.end(), name);
    if (s == statistic_names.end()) return kNaN;
    const std::size_t S = statistic_names.size();
    const std::size_t index =
        group == "statistics_by_touchpoint"
            ? (i * K + k) * S + static_cast<std::size_t>(s - statistic_names.begin())
            : i * S + static_cast<std::size_t>(s - statistic_names.begin());
    return (*cached)[index];
  }
  // /summary/<metric> of roadmap i: one value per replication.
  std::vector<double> summary(const std::string& metric, std::size_t i,
                              const std::string& group = "summary") const {
    const std::string path = group + "/" + metric;
    if (!file.has(path)) return std::vector<double>(R, kNaN);
    auto& cached = cache_[path];
    if (!cached) cached = std::make_unique<std::vector<double>>(file.doubles(path));
    return {cached->begin() + static_cast<std::ptrdiff_t>(i * R),
            cached->begin() + static_cast<std::ptrdiff_t>((i + 1) * R)};
  }
  // A [roadmap, replication, month] dataset whole.
  const std::vector<double>& series(const std::string& path) const {
    auto& cached = cache_[path];
    if (!cached) cached = std::make_unique<std::vector<double>>(file.doubles(path));
    return *cached;
  }
  double at(const std::vector<double>& ts, std::size_t i, std::size_t rep, std::size_t t) const {
    return ts[(i * R + rep) * T + t];
  }
  // 1 / (1 + d)^t, as the engine discounts (t = 1-based month).
  double discount(std::size_t rep, std::size_t t) const {
    return std::pow(1.0 + monthly_discount[rep], static_cast<double>(t));
  }
  bool has_metric(const std::string& m) const {
    return std::find(metrics.begin(), metrics.end(), m) != metrics.end();
  }

 private:
  mutable std::map<std::string, std::unique_ptr<std::vector<double>>> cache_;
};

std::string money_header(const Run& run, const std::string& what) {
  return run.currency.empty() ? what : what + " (" + run.currency + ")";
}

// The annual discount rate of each replication: drawn (/parameters) or the scenario's constant.
std::vector<double> monthly_discounts(const Run& run, const std::string& scenario_text) {
  std::vector<double> annual(run.R, kNaN);
  if (run.file.has("parameters/discount_rate_annual")) {
    annual = run.file.doubles("parameters/discount_rate_annual");
  } else {
    const YAML::Node doc = YAML::Load(scenario_text);
    const double a = doc["discount_rate_annual"] ? doc["discount_rate_annual"].as<double>() : 0.0;
    std::fill(annual.begin(), annual.end(), a);
  }
  std::vector<double> monthly(annual.size());
  for (std::size_t i = 0; i < annual.size(); ++i) monthly[i] = monthly_discount_rate(annual[i]);
  return monthly;
}

std::vector<int> by_mean_npv(const Run& run) {
  std::vector<int> order(run.M);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> m(run.M);
  for (std::size_t i = 0; i < run.M; ++i) {
    const double v = run.statistic("statistics", "npv", i, "mean");
    m[i] = std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return m[a] > m[b]; });
  return order;
}

// ---------------------------------------------------------------------------------------------

Table summary_table(const Run& run) {
  Table t;
  t.id = "summary";
  t.sheet = "Summary";
  t.title = "Roadmaps against the baseline";
  t.note =
      "Per roadmap, over replications: NPV and delta NPV (paired against the baseline in each "
      "replication) with 5th, 50th and 95th percentiles; P(best) = share of replications where "
      "the roadmap has the highest NPV; P(beat) = share where delta NPV > 0; ROI = delta NPV / "
      "extra investment; paid back = share whose cumulative discounted delta cash turns and "
      "stays >= 0 within the horizon; median payback counts never as later than every month "
      "(\"never\" when fewer than half pay back); cash = over the horizon, terminal = after it.";
  t.columns.push_back(key("roadmap", "roadmap"));
  auto stat_columns = [&](const std::string& metric, const std::string& label,
                          std::initializer_list<const char*> stats, Format format) {
    for (const char* s : stats) {
      t.columns.push_back(value(money_header(run, label + " " + s),
                                {{"metric", metric}, {"statistic", s}}, format,
                                "/statistics/" + metric));
    }
  };
  stat_columns("npv", "NPV", {"mean", "p05", "p50", "p95"}, Format::money);
  stat_columns("delta_npv", "delta NPV", {"mean", "p05", "p50", "p95"}, Format::money);
  t.columns.push_back(value("P(best)", {{"metric", "is_best"}, {"statistic", "mean"}},
                            Format::share, "/statistics/is_best"));
  t.columns.push_back(value("P(beat baseline)",
                            {{"metric", "beats_baseline"}, {"statistic", "mean"}}, Format::share,
                            "/statistics/beats_baseline"));
  t.columns.push_back(value("ROI mean", {{"metric", "roi"}, {"statistic", "mean"}}, Format::ratio,
                            "/statistics/roi"));
  t.columns.push_back(value("ROI p50", {{"metric", "roi"}, {"statistic", "p50"}}, Format::ratio,
                            "/statistics/roi"));
  t.columns.push_back(value("paid back", {{"metric", "paid_back"}, {"statistic", "mean"}},
                            Format::share, "/statistics/paid_back"));
  t.columns.push_back(value("median payback month (never counted)",
                            {{"metric", "payback_month"}, {"statistic", "median_counting_never"}},
                            Format::month, "/summary/payback_month"));
  stat_columns("npv_cash", "NPV cash", {"mean"}, Format::money);
  stat_columns("npv_terminal", "NPV terminal", {"mean"}, Format::money);
  stat_columns("delta_npv_cash", "delta NPV cash", {"mean"}, Format::money);
  stat_columns("delta_npv_terminal", "delta NPV terminal", {"mean"}, Format::money);
  stat_columns("terminal_sustaining_cost", "terminal sustaining cost", {"mean"}, Format::money);
  stat_columns("investment_pv", "investment PV", {"mean"}, Format::money);
  for (const Column& c : t.columns) {
    if (!c.source.empty() &&
        std::find(t.sources.begin(), t.sources.end(), c.source) == t.sources.end())
      t.sources.push_back(c.source);
  }
  for (std::size_t i = 0; i < run.M; ++i) {
    std::vector<Cell> row{run.roadmaps[i]};
    for (std::size_t c = 1; c < t.columns.size(); ++c) {
      const Column& col = t.columns[c];
      const std::string& metric = col.dims[0].second;
      const std::string& stat = col.dims[1].second;
      if (stat == "median_counting_never") {
        const PaybackSummary p = payback_summary(run.summary("payback_month", i));
        if (static_cast<int>(i) == run.baseline || std::isnan(p.median_month)) {
          row.emplace_back(std::monostate{});
        } else if (std::isinf(p.median_month)) {
          row.emplace_back(std::string("never"));
        } else {
          row.emplace_back(p.median_month);
        }
        continue;
      }
      row.push_back(number(run.statistic("statistics", metric, i, stat)));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table decision_table(const Run& run, std::map<std::string, std::string>& facts) {
  Table t;
  t.id = "decision";
  t.sheet = "Decision";
  t.title = "The decision";
  t.note =
      "The best roadmap is the one with the highest mean NPV under the run's terminal value; the "
      "runner-up is the next. Differences are paired replication by replication (common random "
      "numbers); the 90% interval of the mean is Student t; P(A > B) counts ties half. The last "
      "rows say which roadmap is best under each terminal-value choice (/robustness).";
  t.columns = {key("item", "item"), key("roadmap", "roadmap"), value("value", {}, Format::money)};
  auto add = [&](std::string item, const std::string& roadmap, Cell v, Format f,
                 std::string source) {
    t.rows.push_back({std::move(item), roadmap, std::move(v)});
    t.row_formats.push_back(f);
    if (std::find(t.sources.begin(), t.sources.end(), source) == t.sources.end())
      t.sources.push_back(source);
    t.row_sources.push_back(std::move(source));
  };
  const std::vector<int> order = by_mean_npv(run);
  const int best = order.empty() ? 0 : order[0];
  const std::string& name = run.roadmaps[static_cast<std::size_t>(best)];
  facts["best"] = name;
  const auto bi = static_cast<std::size_t>(best);
  add("best roadmap (highest mean NPV)", name, name, Format::text, "/statistics/npv");
  add("mean NPV", name, number(run.statistic("statistics", "npv", bi, "mean")), Format::money,
      "/statistics/npv");
  add("mean delta NPV against the baseline", name,
      number(run.statistic("statistics", "delta_npv", bi, "mean")), Format::money,
      "/statistics/delta_npv");
  add("delta NPV, 5th percentile", name,
      number(run.statistic("statistics", "delta_npv", bi, "p05")), Format::money,
      "/statistics/delta_npv");
  add("delta NPV, 95th percentile", name,
      number(run.statistic("statistics", "delta_npv", bi, "p95")), Format::money,
      "/statistics/delta_npv");
  add("of which cash (mean delta NPV cash)", name,
      number(run.statistic("statistics", "delta_npv_cash", bi, "mean")), Format::money,
      "/statistics/delta_npv_cash");
  add("of which terminal (mean delta NPV terminal)", name,
      number(run.statistic("statistics", "delta_npv_terminal", bi, "mean")), Format::money,
      "/statistics/delta_npv_terminal");
  add("P(best)", name, number(run.statistic("statistics", "is_best", bi, "mean")), Format::share,
      "/statistics/is_best");
  add("P(beat baseline)", name, number(run.statistic("statistics", "beats_baseline", bi, "mean")),
      Format::share, "/statistics/beats_baseline");
  if (order.size() >= 2) {
    const auto ri = static_cast<std::size_t>(order[1]);
    const std::string& runner = run.roadmaps[ri];
    facts["runner_up"] = runner;
    const PairedDifference d = paired_difference(run.summary("npv", bi), run.summary("npv", ri));
    add("runner-up", runner, runner, Format::text, "/statistics/npv");
    add("best minus runner-up: mean NPV difference", name, number(d.mean), Format::money,
        "/summary/npv");
    add("best minus runner-up: 90% interval of the mean, low", name, number(d.ci_lo), Format::money,
        "/summary/npv");
    add("best minus runner-up: 90% interval of the mean, high", name, number(d.ci_hi),
        Format::money, "/summary/npv");
    add("best minus runner-up: 5th percentile of the differences", name, number(d.p05),
        Format::money, "/summary/npv");
    add("best minus runner-up: 95th percentile of the differences", name, number(d.p95),
        Format::money, "/summary/npv");
    add("P(best > runner-up)", name, number(d.p_greater), Format::share, "/summary/npv");
  }
  add("terminal value (the run's choice)", "", run.terminal_value, Format::text,
      "/ (attribute terminal_value)");
  if (run.file.has("robustness/rank")) {
    std::vector<hsize_t> dims;
    const std::vector<double> rank = run.file.doubles("robustness/rank", &dims);
    const std::vector<std::string> choices = run.file.strings("coords/terminal_value");
    for (std::size_t c = 0; c < choices.size() && c < dims[0]; ++c) {
      std::string best_here;
      for (std::size_t i = 0; i < run.M; ++i) {
        if (rank[c * run.M + i] == 1.0) {
          best_here += (best_here.empty() ? "" : ", ") + run.roadmaps[i];
        }
      }
      add("best under terminal value " + choices[c], best_here, best_here, Format::text,
          "/robustness/rank");
    }
    if (run.file.has_attribute("robustness", "best_stays_best")) {
      const bool stays = run.file.int_attribute("robustness", "best_stays_best") == 1;
      facts["best_stays_best"] = stays ? "1" : "0";
      add("best under every terminal-value choice", name, std::string(stays ? "yes" : "no"),
          Format::text, "/robustness (attribute best_stays_best)");
    }
  }
  return t;
}

Table robustness_table(const Run& run) {
  Table t;
  t.id = "robustness";
  t.sheet = "Robustness";
  t.title = "The roadmaps under every terminal-value choice";
  t.note =
      "The same simulated customers valued three ways after the horizon: customer equity net of "
      "the initiatives' sustaining cost (customer_equity_net), gross customer equity "
      "(customer_equity) and nothing (none). Rank 1 = highest mean NPV under that choice.";
  t.sources = {"/robustness/mean_delta_npv", "/robustness/p_best", "/robustness/rank"};
  t.columns = {key("terminal_value", "terminal value"),
               key("roadmap", "roadmap"),
               value("the run's choice", {{"metric", "is_runs_choice"}}, Format::text),
               value(money_header(run, "mean delta NPV"), {{"metric", "mean_delta_npv"}},
                     Format::money, "/robustness/mean_delta_npv"),
               value("P(best)", {{"metric", "p_best"}}, Format::share, "/robustness/p_best"),
               value("rank", {{"metric", "rank"}}, Format::number, "/robustness/rank")};
  if (!run.file.has("robustness/rank")) return t;
  const std::vector<std::string> choices = run.file.strings("coords/terminal_value");
  const std::vector<double> mean = run.file.doubles("robustness/mean_delta_npv");
  const std::vector<double> p_best = run.file.doubles("robustness/p_best");
  const std::vector<double> rank = run.file.doubles("robustness/rank");
  for (std::size_t c = 0; c < choices.size(); ++c) {
    for (std::size_t i = 0; i < run.M; ++i) {
      const std::size_t at = c * run.M + i;
      t.rows.push_back({choices[c], run.roadmaps[i],
                        std::string(choices[c] == run.terminal_value ? "yes" : ""),
                        number(mean[at]), number(p_best[at]), number(rank[at])});
    }
  }
  return t;
}

// The cash-flow lines of /timeseries, in statement order, and how they enter net cash flow.
struct Line {
  const char* metric;
  const char* label;
};
constexpr Line kCashLines[] = {
    {"revenue", "revenue"},
    {"variable_cost", "variable cost"},
    {"cost_to_serve", "cost to serve"},
    {"failure_cost", "failure cost"},
    {"acquisition_cost", "acquisition cost"},
    {"initiative_opex", "initiative opex"},
    {"initiative_capex", "initiative capex"},
    {"net_cash_flow", "net cash flow"},
};

Table cash_flow_table(const Run& run) {
  Table t;
  t.id = "cash_flow_by_year";
  t.sheet = "Cash flow by year";
  t.title = "Cash-flow statement by plan year";
  t.note =
      "Each line summed over the months of a plan year (year 1 = months 1-12), per replication, "
      "then the mean and the 5th and 95th percentiles over replications. Nominal = as booked; "
      "discounted = each month divided by (1 + d)^t with the replication's monthly discount rate "
      "d (the discounted net cash flow is /timeseries/discounted_cash_flow summed). Costs are "
      "positive; net cash flow = revenue - every cost line. Money in the scenario's currency.";
  for (const Line& l : kCashLines) t.sources.push_back(std::string("/timeseries/") + l.metric);
  t.sources.push_back("/timeseries/discounted_cash_flow");
  const std::size_t years = (run.T + 11) / 12;
  t.columns = {key("roadmap", "roadmap"), key("line", "line"), key("basis", "basis")};
  for (std::size_t y = 1; y <= years; ++y) {
    const std::size_t first = 12 * (y - 1) + 1, last = std::min(12 * y, run.T);
    for (const char* stat : {"mean", "p05", "p95"}) {
      t.columns.push_back(value(fmt::format("year {} (months {}-{}) {}", y, first, last, stat),
                                {{"year", std::to_string(y)}, {"statistic", stat}}, Format::money));
    }
  }
  for (std::size_t i = 0; i < run.M; ++i) {
    for (const Line& line : kCashLines) {
      for (const bool discounted : {false, true}) {
        const bool dcf = discounted && std::string_view(line.metric) == "net_cash_flow";
        const std::vector<double>& ts =
            run.series(std::string("timeseries/") + (dcf ? "discounted_cash_flow" : line.metric));
        std::vector<Cell> row{run.roadmaps[i], std::string(line.label),
                              std::string(discounted ? "discounted" : "nominal")};
        for (std::size_t y = 1; y <= years; ++y) {
          std::vector<double> per_rep(run.R, 0.0);
          for (std::size_t rep = 0; rep < run.R; ++rep) {
            for (std::size_t t1 = 12 * (y - 1) + 1; t1 <= std::min(12 * y, run.T); ++t1) {
              const double x = run.at(ts, i, rep, t1 - 1);
              per_rep[rep] += (discounted && !dcf) ? x / run.discount(rep, t1) : x;
            }
          }
          const SummaryStatistics s = summarize(per_rep);
          row.insert(row.end(), {number(s.mean), number(s.p05), number(s.p95)});
        }
        t.rows.push_back(std::move(row));
        t.row_sources.push_back(std::string("/timeseries/") +
                                (dcf ? "discounted_cash_flow" : line.metric));
      }
    }
  }
  return t;
}

Table cumulative_table(const Run& run) {
  Table t;
  t.id = "cumulative_delta_cash";
  t.sheet = "Cumulative delta cash";
  t.title = "Cumulative discounted cash flow gained over the baseline";
  t.note =
      "Per replication, the roadmap's discounted cash flow minus the baseline's in the same "
      "replication, summed from month 1 to each month (terminal value excluded: the curve payback "
      "is read from); then the mean and percentiles over replications. The chart shows the "
      "median.";
  t.sources = {"/timeseries/discounted_cash_flow"};
  t.columns = {key("month", "month", Format::month)};
  for (std::size_t i = 0; i < run.M; ++i) {
    for (const char* stat : {"mean", "p05", "p25", "p50", "p75", "p95"}) {
      t.columns.push_back(value(fmt::format("{} {}", run.roadmaps[i], stat),
                                {{"roadmap", run.roadmaps[i]}, {"statistic", stat}}, Format::money,
                                "/timeseries/discounted_cash_flow"));
    }
  }
  const std::vector<double>& dcf = run.series("timeseries/discounted_cash_flow");
  const auto b = static_cast<std::size_t>(run.baseline);
  // cumulative[i][rep] as months go by
  std::vector<std::vector<double>> cumulative(run.M, std::vector<double>(run.R, 0.0));
  for (std::size_t t1 = 0; t1 < run.T; ++t1) {
    std::vector<Cell> row{static_cast<double>(t1 + 1)};
    for (std::size_t i = 0; i < run.M; ++i) {
      for (std::size_t rep = 0; rep < run.R; ++rep) {
        cumulative[i][rep] += run.at(dcf, i, rep, t1) - run.at(dcf, b, rep, t1);
      }
      const Quantiles q = quantiles(cumulative[i]);
      row.insert(row.end(), {number(q.mean), number(q.p05), number(q.p25), number(q.p50),
                             number(q.p75), number(q.p95)});
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table avoidable_table(const Run& run) {
  Table t;
  t.id = "avoidable_cost";
  t.sheet = "Avoidable cost";
  t.title = "What failures cost: direct ledger, total, by line and by touchpoint";
  t.note =
      "Direct = the failure-cost ledger (/timeseries_by_touchpoint/failure_cost), nominal and "
      "discounted. Total avoidable cost = NPV of the zero-defect counterfactual (every failure "
      "rate 0, same random numbers) minus NPV: direct handling plus the margin of customers lost "
      "to failures, lost word of mouth and replacement acquisition; by line = the two cash-flow "
      "statements' difference, discounted (positive = money the failures cost), plus the terminal "
      "part. By touchpoint = the same with only that touchpoint's failures removed "
      "(analysis.avoidable_cost_by_touchpoint); per failure = divided by its failures over the "
      "horizon. Statistics over replications.";
  t.columns = {key("roadmap", "roadmap"),
               key("measure", "measure"),
               key("item", "item"),
               value("mean", {{"statistic", "mean"}}, Format::money),
               value("p05", {{"statistic", "p05"}}, Format::money),
               value("p50", {{"statistic", "p50"}}, Format::money),
               value("p95", {{"statistic", "p95"}}, Format::money)};
  auto source = [&](const std::string& path) {
    if (std::find(t.sources.begin(), t.sources.end(), path) == t.sources.end())
      t.sources.push_back(path);
  };
  auto add = [&](std::size_t i, std::string measure, std::string item, double mean, double p05,
                 double p50, double p95, Format f, std::string src) {
    t.rows.push_back({run.roadmaps[i], std::move(measure), std::move(item), number(mean),
                      number(p05), number(p50), number(p95)});
    t.row_formats.push_back(f);
    source(src);
    t.row_sources.push_back(std::move(src));
  };
  auto add_values = [&](std::size_t i, std::string measure, std::string item,
                        const std::vector<double>& v, Format f, std::string src) {
    const SummaryStatistics s = summarize(v);
    add(i, std::move(measure), std::move(item), s.mean, s.p05, s.p50, s.p95, f, std::move(src));
  };
  auto add_statistics = [&](std::size_t i, std::string measure, std::string item,
                            const std::string& group, const std::string& metric, Format f,
                            std::size_t k = 0) {
    auto st = [&](const char* name) { return run.statistic(group, metric, i, name, k); };
    add(i, std::move(measure), std::move(item), st("mean"), st("p05"), st("p50"), st("p95"), f,
        "/" + group + "/" + metric);
  };

  const std::vector<double>& fc = run.series("timeseries_by_touchpoint/failure_cost");
  const std::vector<double>& failures = run.series("timeseries_by_touchpoint/failures");
  auto by_tp = [&](const std::vector<double>& v, std::size_t i, std::size_t rep, std::size_t t1,
                   std::size_t k) { return v[((i * run.R + rep) * run.T + t1) * run.K + k]; };
  for (std::size_t i = 0; i < run.M; ++i) {
    for (std::size_t k = 0; k < run.K; ++k) {
      std::vector<double> count(run.R, 0.0), nominal(run.R, 0.0), pv(run.R, 0.0);
      for (std::size_t rep = 0; rep < run.R; ++rep) {
        for (std::size_t t1 = 0; t1 < run.T; ++t1) {
          count[rep] += by_tp(failures, i, rep, t1, k);
          nominal[rep] += by_tp(fc, i, rep, t1, k);
          pv[rep] += by_tp(fc, i, rep, t1, k) / run.discount(rep, t1 + 1);
        }
      }
      add_values(i, "failures over the horizon", run.touchpoints[k], count, Format::count,
                 "/timeseries_by_touchpoint/failures");
      add_values(i, "direct failure cost, nominal", run.touchpoints[k], nominal, Format::money,
                 "/timeseries_by_touchpoint/failure_cost");
      add_values(i, "direct failure cost, discounted", run.touchpoints[k], pv, Format::money,
                 "/timeseries_by_touchpoint/failure_cost");
    }
    add_statistics(i, "direct failure cost, nominal", "all touchpoints", "statistics",
                   "failure_cost_total", Format::money);
    {
      const std::vector<double>& total = run.series("timeseries/failure_cost");
      std::vector<double> pv(run.R, 0.0);
      for (std::size_t rep = 0; rep < run.R; ++rep) {
        for (std::size_t t1 = 0; t1 < run.T; ++t1) {
          pv[rep] += run.at(total, i, rep, t1) / run.discount(rep, t1 + 1);
        }
      }
      add_values(i, "direct failure cost, discounted", "all touchpoints", pv, Format::money,
                 "/timeseries/failure_cost");
    }
    if (run.zero_defect) {
      add_statistics(i, "total avoidable cost", "all touchpoints", "statistics",
                     "avoidable_cost_total", Format::money);
      add_statistics(i, "total avoidable cost, cash part", "all touchpoints", "statistics",
                     "avoidable_cost_cash", Format::money);
      add_statistics(i, "total avoidable cost, terminal part", "all touchpoints", "statistics",
                     "avoidable_cost_terminal", Format::money);
      // Line by line: zero-defect statement minus the roadmap's, discounted; costs enter with
      // the sign that makes "positive = what failures cost".
      struct Part {
        const char* item;
        std::vector<std::pair<const char*, double>> lines;  // metric, sign
      };
      const std::vector<Part> parts{
          {"failure handling", {{"failure_cost", -1.0}}},
          {"lost margin", {{"revenue", 1.0}, {"variable_cost", -1.0}}},
          {"cost to serve", {{"cost_to_serve", -1.0}}},
          {"replacement acquisition", {{"acquisition_cost", -1.0}}},
          {"initiatives", {{"initiative_opex", -1.0}, {"initiative_capex", -1.0}}},
      };
      for (const Part& part : parts) {
        std::vector<double> v(run.R, 0.0);
        std::string src;
        for (const auto& [metric, sign] : part.lines) {
          const std::vector<double>& zd =
              run.series(std::string("zero_defect/timeseries/") + metric);
          const std::vector<double>& ts = run.series(std::string("timeseries/") + metric);
          for (std::size_t rep = 0; rep < run.R; ++rep) {
            for (std::size_t t1 = 0; t1 < run.T; ++t1) {
              v[rep] += sign * (run.at(zd, i, rep, t1) - run.at(ts, i, rep, t1)) /
                        run.discount(rep, t1 + 1);
            }
          }
          src += (src.empty() ? "" : ", ") + std::string("/zero_defect/timeseries/") + metric +
                 " - /timeseries/" + metric;
        }
        add_values(i, "total avoidable cost by line", part.item, v, Format::money, src);
      }
      const std::vector<double> zd_terminal = run.summary("npv_terminal", i, "zero_defect/summary");
      const std::vector<double> terminal = run.summary("npv_terminal", i);
      std::vector<double> v(run.R);
      for (std::size_t rep = 0; rep < run.R; ++rep) v[rep] = zd_terminal[rep] - terminal[rep];
      add_values(i, "total avoidable cost by line", "terminal value", v, Format::money,
                 "/zero_defect/summary/npv_terminal - /summary/npv_terminal");
    }
    if (run.by_touchpoint) {
      for (std::size_t k = 0; k < run.K; ++k) {
        const std::string& tp = run.touchpoints[k];
        add_statistics(i, "avoidable cost by touchpoint", tp, "statistics_by_touchpoint",
                       "avoidable_cost", Format::money, k);
        add_statistics(i, "avoidable cost by touchpoint, cash part", tp, "statistics_by_touchpoint",
                       "avoidable_cost_cash", Format::money, k);
        add_statistics(i, "avoidable cost by touchpoint, terminal part", tp,
                       "statistics_by_touchpoint", "avoidable_cost_terminal", Format::money, k);
        add_statistics(i, "avoidable cost per failure", tp, "statistics_by_touchpoint",
                       "cost_per_failure", Format::money_unit, k);
      }
    }
  }
  return t;
}

Table per_replication_table(const Run& run) {
  Table t;
  t.id = "per_replication";
  t.sheet = "Per replication";
  t.title = "Every replication's summary metrics";
  t.note =
      "One row per roadmap and replication: the /summary datasets as written (NaN left empty: "
      "payback never reached, ROI of the baseline), and the avoidable cost by touchpoint when "
      "it was run (/summary_by_touchpoint/avoidable_cost).";
  t.columns = {key("roadmap", "roadmap"), key("replication", "replication", Format::number)};
  std::vector<std::string> metrics;
  for (const MetricInfo& m : summary_metric_infos()) {
    const std::string name(m.name);
    if (!run.has_metric(name)) continue;
    metrics.push_back(name);
    t.columns.push_back(
        value(name, {{"metric", name}}, format_for_units(m.units, name), "/summary/" + name));
    t.sources.push_back("/summary/" + name);
  }
  if (run.by_touchpoint) {
    for (const std::string& tp : run.touchpoints) {
      t.columns.push_back(value("avoidable_cost " + tp,
                                {{"metric", "avoidable_cost_by_touchpoint"}, {"touchpoint", tp}},
                                Format::money, "/summary_by_touchpoint/avoidable_cost"));
    }
    t.sources.push_back("/summary_by_touchpoint/avoidable_cost");
  }
  std::vector<double> by_tp;
  if (run.by_touchpoint) by_tp = run.file.doubles("summary_by_touchpoint/avoidable_cost");
  const std::vector<std::int64_t> replication = run.file.integers("coords/replication");
  for (std::size_t i = 0; i < run.M; ++i) {
    std::vector<std::vector<double>> columns;
    for (const std::string& m : metrics) columns.push_back(run.summary(m, i));
    for (std::size_t rep = 0; rep < run.R; ++rep) {
      std::vector<Cell> row{run.roadmaps[i], static_cast<double>(replication[rep])};
      for (const auto& c : columns) row.push_back(number(c[rep]));
      if (run.by_touchpoint) {
        for (std::size_t k = 0; k < run.K; ++k)
          row.push_back(number(by_tp[(i * run.R + rep) * run.K + k]));
      }
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

// "value drawn per replication from {triangular: [1, 2, 3]}: meaning" -> distribution, meaning.
std::pair<std::string, std::string> split_description(const std::string& description) {
  const std::string lead = "value drawn per replication from ";
  std::string rest =
      description.rfind(lead, 0) == 0 ? description.substr(lead.size()) : description;
  std::size_t end = std::string::npos;
  if (!rest.empty() && (rest[0] == '{' || rest[0] == '[')) {
    int depth = 0;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '{' || rest[i] == '[') ++depth;
      if (rest[i] == '}' || rest[i] == ']') {
        if (--depth == 0) {
          end = i + 1;
          break;
        }
      }
    }
  } else {
    end = rest.find(": ");
  }
  if (end == std::string::npos) return {rest, ""};
  std::string meaning = rest.substr(end);
  if (meaning.rfind(": ", 0) == 0) meaning = meaning.substr(2);
  return {rest.substr(0, end), meaning};
}

Table assumptions_table(const Run& run) {
  Table t;
  t.id = "assumptions";
  t.sheet = "Assumptions";
  t.title = "Every uncertain assumption, as drawn";
  t.note =
      "Each scenario value given as a distribution is drawn once per replication "
      "(/parameters/<path>); distribution = the scenario's text (from the dataset's description), "
      "then the mean and percentiles of the values actually drawn.";
  t.columns = {key("parameter", "parameter"),
               value("units", {{"field", "units"}}, Format::text),
               value("distribution", {{"field", "distribution"}}, Format::text),
               value("meaning", {{"field", "meaning"}}, Format::text),
               value("mean", {{"field", "value"}, {"statistic", "mean"}}, Format::number),
               value("p05", {{"field", "value"}, {"statistic", "p05"}}, Format::number),
               value("p50", {{"field", "value"}, {"statistic", "p50"}}, Format::number),
               value("p95", {{"field", "value"}, {"statistic", "p95"}}, Format::number),
               value("n", {{"field", "value"}, {"statistic", "n"}}, Format::number)};
  for (const std::string& name : run.file.datasets_in("parameters")) {
    const std::string path = "parameters/" + name;
    const std::string units = run.file.string_attribute(path, "units");
    const auto [distribution, meaning] =
        split_description(run.file.string_attribute(path, "description"));
    const SummaryStatistics s = summarize(run.file.doubles(path));
    t.rows.push_back({name, units, distribution, meaning, number(s.mean), number(s.p05),
                      number(s.p50), number(s.p95), number(s.n)});
    t.row_sources.push_back("/" + path);
    t.sources.push_back("/" + path);
  }
  return t;
}

}  // namespace

std::string exact_number(double v) {
  return fmt::format("{}", v);
}

std::string Table::source_of(std::size_t row, std::size_t column) const {
  if (row < cell_sources.size() && column < cell_sources[row].size() &&
      !cell_sources[row][column].empty())
    return cell_sources[row][column];
  if (row < row_sources.size() && !row_sources[row].empty()) return row_sources[row];
  if (column < columns.size() && !columns[column].source.empty()) return columns[column].source;
  std::string all;
  for (const auto& s : sources) all += (all.empty() ? "" : "; ") + s;
  return all;
}

const Table* FinanceTables::find(std::string_view id) const {
  for (const Table& t : tables)
    if (t.id == id) return &t;
  return nullptr;
}

std::string FinanceTables::fact(const std::string& name) const {
  const auto it = facts.find(name);
  return it == facts.end() ? std::string() : it->second;
}

std::string file_sha256(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(fmt::format("{}: cannot read", file.string()));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw IoError("cannot compute SHA-256 (OpenSSL EVP failed)");
  }
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    if (in.gcount() > 0)
      EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

FinanceTables read_finance_tables(const std::filesystem::path& path) {
  Run run(path);
  const ResultsFile& f = run.file;
  if (f.string_attribute("", "format") != "cxsim-results") {
    throw IoError(fmt::format("{}: not a cxsim results file", path.string()));
  }
  const std::string version = f.string_attribute("", "format_version");
  if (version.substr(0, version.find('.')) != "1") {
    throw IoError(fmt::format("{}: format_version {} is not supported (this cxsim reads 1.x)",
                              path.string(), version));
  }
  if (f.int_attribute("", "complete") != 1) {
    throw IoError(fmt::format(
        "{}: the run is not complete (an interrupted run has no statistics yet); finish it with "
        "cxsim run ... --resume, then export it",
        path.string()));
  }
  run.roadmaps = f.strings("coords/roadmap");
  run.touchpoints = f.strings("coords/touchpoint");
  run.statistic_names = f.strings("coords/statistic");
  run.metrics = f.datasets_in("summary");
  run.M = run.roadmaps.size();
  run.K = run.touchpoints.size();
  run.R = static_cast<std::size_t>(std::max<std::int64_t>(0, f.int_attribute("", "replications")));
  run.T =
      static_cast<std::size_t>(std::max<std::int64_t>(0, f.int_attribute("", "horizon_months")));
  run.currency = f.string_attribute("", "currency");
  run.terminal_value = f.string_attribute("", "terminal_value");
  const std::string baseline = f.string_attribute("", "baseline_roadmap");
  const auto b = std::find(run.roadmaps.begin(), run.roadmaps.end(), baseline);
  run.baseline = b == run.roadmaps.end() ? 0 : static_cast<int>(b - run.roadmaps.begin());
  run.zero_defect = f.has("zero_defect/summary") && f.has("zero_defect/timeseries");
  run.by_touchpoint = f.has("summary_by_touchpoint") && f.has("statistics_by_touchpoint");
  const std::string scenario = f.text("scenario");
  run.monthly_discount = monthly_discounts(run, scenario);

  FinanceTables out;
  out.file = path;
  out.roadmaps = run.roadmaps;
  out.touchpoints = run.touchpoints;
  auto& facts = out.facts;
  facts["file"] = path.filename().string();
  facts["scenario_name"] = f.string_attribute("", "scenario_name");
  try {
    const YAML::Node doc = YAML::Load(scenario);
    if (doc["description"]) facts["description"] = doc["description"].as<std::string>();
  } catch (const YAML::Exception&) {
  }
  facts["currency"] = run.currency;
  facts["terminal_value"] = run.terminal_value;
  facts["baseline"] =
      run.roadmaps.empty() ? "" : run.roadmaps[static_cast<std::size_t>(run.baseline)];
  facts["file_sha256"] = file_sha256(path);
  facts["engine_version"] = f.string_attribute("", "engine_version");
  facts["git_commit"] = f.string_attribute("", "git_commit");
  facts["created_utc"] = f.string_attribute("", "created_utc");
  facts["command_line"] = f.string_attribute("", "command_line");
  facts["replications"] = std::to_string(run.R);
  facts["horizon_months"] = std::to_string(run.T);
  facts["agents"] = std::to_string(f.int_attribute("", "agents"));
  facts["zero_defect"] = run.zero_defect ? "1" : "0";
  facts["by_touchpoint"] = run.by_touchpoint ? "1" : "0";
  facts["exported_by"] = fmt::format("cxsim {} (commit {})", kVersion, kGitCommit);

  out.tables.push_back(summary_table(run));
  out.tables.push_back(decision_table(run, facts));
  out.tables.push_back(robustness_table(run));
  out.tables.push_back(cash_flow_table(run));
  out.tables.push_back(cumulative_table(run));
  out.tables.push_back(avoidable_table(run));
  out.tables.push_back(per_replication_table(run));
  out.tables.push_back(assumptions_table(run));
  out.tables.push_back(parts::provenance_table(
      run.file, facts.at("file_sha256"),
      "The results file and its SHA-256, then every root attribute of it (the run's command "
      "line, seed, versions, scenario SHA-256 ...); the scenario text follows."));
  out.tables.push_back(parts::text_table(
      "scenario", "Provenance", "The resolved scenario",
      "/scenario: the scenario after extends, --set and defaults, one row per line.", "/scenario",
      scenario));
  return out;
}

}  // namespace cxsim::reports
