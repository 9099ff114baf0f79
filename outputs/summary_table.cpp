// Formats the per-roadmap summary: means and 90% intervals in human-friendly units.
#include "outputs/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "engine/statistics.hpp"
#include "outputs/results_reader.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string significant(double v) {
  const double a = std::abs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

std::vector<double> finite(std::span<const double> values) {
  std::vector<double> out;
  for (double x : values) {
    if (std::isfinite(x)) out.push_back(x);
  }
  return out;
}

double mean_of_finite(std::span<const double> values) {
  const auto v = finite(values);
  if (v.empty()) return kNaN;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

std::string interval(const SummaryStatistics& s) {
  if (std::isnan(s.p05)) return "-";
  return format_amount(s.p05) + ".." + format_amount(s.p95);
}

std::string percent(double p) {
  if (std::isnan(p)) return "-";
  const double pct = 100 * p;
  // Never round a possibility to certainty, or the reverse.
  if (pct > 0 && pct < 0.5) return "<1%";
  if (pct < 100 && pct > 99.5) return ">99%";
  return fmt::format("{:.0f}%", pct);
}

std::string ratio_percent(double r) {
  if (std::isnan(r)) return "-";
  const double pct = 100 * r;
  if (std::abs(pct) >= 1e4) return format_amount(pct) + "%";
  return std::abs(pct) >= 10 ? fmt::format("{:.0f}%", pct) : fmt::format("{:.1f}%", pct);
}

std::string payback(std::span<const double> months) {
  auto v = finite(months);
  if (v.empty()) return "never";
  std::sort(v.begin(), v.end());
  const std::string median = fmt::format("{:.0f}", percentile_sorted(v, 50));
  if (v.size() == months.size()) return median;
  // Some replications never pay back: say how many do.
  return fmt::format("{} ({})", median,
                     percent(static_cast<double>(v.size()) / static_cast<double>(months.size())));
}

// Display width of UTF-8 text (code points; roadmap names may be non-ASCII).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_amount(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";
  static constexpr std::array<std::pair<double, const char*>, 4> kUnits{
      {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}}};
  const double a = std::abs(x);
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    const auto [scale, suffix] = kUnits[i];
    if (a < scale) continue;
    std::string text = significant(x / scale);
    // 999.96k rounds to "1000k": say 1.00M instead.
    if (i > 0 && std::abs(std::stod(text)) >= 1000) {
      return fmt::format("{:.2f}", x / kUnits[i - 1].first) + kUnits[i - 1].second;
    }
    return text + suffix;
  }
  const std::string text = significant(x);
  if (std::abs(std::stod(text)) >= 1000) return fmt::format("{:.2f}k", x / 1e3);
  return text;
}

SummaryTable make_summary_table(const ResultsSummary& results) {
  SummaryTable t;
  t.roadmaps = results.roadmaps;
  t.baseline = results.baseline;
  t.replications_planned = results.replications;
  t.values.resize(results.roadmaps.size());
  const auto infos = summary_metric_infos();
  for (std::size_t i = 0; i < results.roadmaps.size(); ++i) {
    for (int m = 0; m < kSummaryMetrics; ++m) {
      const auto index = results.metric_index(infos[m].name);
      auto& column = t.values[i][m];
      for (std::int64_t r = 0; r < results.replications; ++r) {
        if (!results.done[static_cast<std::size_t>(r)]) continue;
        column.push_back(index ? results.values[*index][i * results.replications + r] : kNaN);
      }
    }
  }
  return t;
}

std::string format_summary_table(const SummaryTable& t) {
  // Short headers keep the table within a terminal; the legend below says what they mean.
  const std::vector<std::string> header{"roadmap",    "NPV",     "NPV 90%",       "vs baseline",
                                        "90%",        "P(beat)", "ROI",           "payback",
                                        "equity end", "NPS end", "avoidable cost"};
  std::vector<std::vector<std::string>> rows;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < t.roadmaps.size(); ++i) {
    const auto& v = t.values[i];
    auto column = [&](SummaryMetric m) -> std::span<const double> {
      return v[static_cast<std::size_t>(m)];
    };
    shown = std::max(shown, column(SummaryMetric::npv).size());
    const bool is_baseline = static_cast<int>(i) == t.baseline;
    const SummaryStatistics npv = summarize(column(SummaryMetric::npv));
    const SummaryStatistics delta = summarize(column(SummaryMetric::delta_npv));
    std::string name = t.roadmaps[i];
    if (is_baseline && name != "baseline") name += " (baseline)";
    std::vector<std::string> row{name, format_amount(npv.mean), interval(npv)};
    if (is_baseline) {
      row.insert(row.end(), {"-", "-", "-", "-", "-"});
    } else {
      row.push_back(format_amount(delta.mean));
      row.push_back(interval(delta));
      row.push_back(percent(summarize(column(SummaryMetric::beats_baseline)).mean));
      row.push_back(ratio_percent(mean_of_finite(column(SummaryMetric::roi))));
      row.push_back(payback(column(SummaryMetric::payback_month)));
    }
    row.push_back(format_amount(summarize(column(SummaryMetric::customer_equity_end)).mean));
    const double nps = summarize(column(SummaryMetric::nps_end)).mean;
    row.push_back(std::isnan(nps) ? "-" : fmt::format("{:+.1f}", nps));
    row.push_back(format_amount(mean_of_finite(column(SummaryMetric::avoidable_cost_total))));
    rows.push_back(std::move(row));
  }

  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    widths[c] = width(header[c]);
    for (const auto& row : rows) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - width(cells[c]), ' ');
      if (c > 0) line += "  ";
      // Names read left to right; numbers line up on the right.
      line += c == 0 ? cells[c] + pad : pad + cells[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  };
  emit(header);
  std::vector<std::string> rule;
  for (std::size_t w : widths) rule.emplace_back(w, '-');
  emit(rule);
  for (const auto& row : rows) emit(row);

  out += fmt::format("{} replication{}", shown, shown == 1 ? "" : "s");
  if (t.replications_planned > static_cast<std::int64_t>(shown)) {
    out += fmt::format(" of {} (incomplete run)", t.replications_planned);
  }
  out +=
      "; means over replications; 90% = 5th..95th percentile; vs baseline = NPV minus the "
      "baseline's NPV\nP(beat) = share of replications where vs baseline > 0; ROI = vs baseline / "
      "extra investment; payback = median month (share that pays back)\n";
  return out;
}

}  // namespace cxsim
