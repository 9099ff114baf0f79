// Formats the summary of a run: means, paired intervals and probabilities in human units.
#include "outputs/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "engine/core/scenario.hpp"
#include "engine/decision.hpp"
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

// A difference: always signed.
std::string signed_amount(double x) {
  const std::string text = format_amount(x);
  return (x > 0 && std::isfinite(x)) ? "+" + text : text;
}

double mean_of_finite(std::span<const double> values) {
  double sum = 0;
  std::size_t n = 0;
  for (double x : values) {
    if (!std::isfinite(x)) continue;
    sum += x;
    ++n;
  }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

std::string range(double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi)) return "-";
  return signed_amount(lo) + ".." + signed_amount(hi);
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

std::string payback_median(std::span<const double> months) {
  const PaybackSummary p = payback_summary(months);
  if (std::isnan(p.median_month)) return "-";
  return std::isinf(p.median_month) ? "never" : fmt::format("{:.0f}", p.median_month);
}

// Display width of UTF-8 text (code points).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// An aligned table: the first `text_columns` columns (names) left, numbers right. When it would be
// wider than the summary, each row's name goes on a line of its own and its numbers on the next
// (wrapping by roadmap).
std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows,
                         std::size_t text_columns = 1) {
  auto widths_from = [&](std::size_t first) {
    std::vector<std::size_t> w(header.size(), 0);
    for (std::size_t c = first; c < header.size(); ++c) {
      w[c] = width(header[c]);
      for (const auto& row : rows) w[c] = std::max(w[c], width(row[c]));
    }
    return w;
  };
  std::vector<std::size_t> widths = widths_from(0);
  std::size_t total = 0;
  for (std::size_t c = 0; c < widths.size(); ++c) total += widths[c] + (c > 0 ? 2 : 0);
  const bool wrap = total > kSummaryWidth;
  if (wrap) widths = widths_from(1);

  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line = wrap ? "  " : "";
    for (std::size_t c = wrap ? 1 : 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - width(cells[c]), ' ');
      if (c > (wrap ? 1u : 0u)) line += "  ";
      line += c < text_columns ? cells[c] + pad : pad + cells[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (wrap) out += cells[0] + '\n';
    out += line + '\n';
  };
  emit(header);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < widths.size(); ++c) {
    rule.emplace_back(wrap && c == 0 ? width(header[0]) : widths[c], '-');
  }
  emit(rule);
  for (const auto& row : rows) emit(row);
  return out;
}

std::span<const double> column(const SummaryTable& t, int roadmap, SummaryMetric m) {
  return t.values[static_cast<std::size_t>(roadmap)][static_cast<std::size_t>(m)];
}

double mean(const SummaryTable& t, int roadmap, SummaryMetric m) {
  return summarize(column(t, roadmap, m)).mean;
}

bool has(const SummaryTable& t, SummaryMetric m) {
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    for (double x : t.values[i][static_cast<std::size_t>(m)]) {
      if (!std::isnan(x)) return true;
    }
  }
  return false;
}

std::string money_note(const SummaryTable& t) {
  return t.currency.empty() ? "money in the scenario's currency (it names none)"
                            : "money in " + t.currency;
}

std::string terminal_note(const std::string& choice) {
  if (choice == "customer_equity_net") {
    return "customer equity at the horizon less the sustaining cost of the initiatives still in "
           "force, carried over the same customers' remaining lifetimes";
  }
  if (choice == "customer_equity") {
    return "gross customer equity at the horizon (counts what initiatives buy after it, not what "
           "they cost)";
  }
  if (choice == "none") return "nothing after the horizon";
  return "gross customer equity (a format 1.0 file)";
}

// The roadmaps ordered by mean npv, highest first (NaN last).
std::vector<int> by_mean_npv(const SummaryTable& t) {
  std::vector<int> order(t.roadmaps.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::vector<double> m(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const double v = mean(t, static_cast<int>(i), SummaryMetric::npv);
    m[i] = std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return m[a] > m[b]; });
  return order;
}

std::string value_table(const SummaryTable& t) {
  const std::vector<std::string> header{"roadmap",  "delta NPV", "90%",     "cash",
                                        "terminal", "P(best)",   "P(beat)", "ROI"};
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < static_cast<int>(t.roadmaps.size()); ++i) {
    const bool is_baseline = i == t.baseline;
    std::string name = t.roadmaps[i];
    if (is_baseline && name != "baseline") name += " (baseline)";
    const std::string p_best = percent(mean(t, i, SummaryMetric::is_best));
    if (is_baseline) {
      rows.push_back({name, "-", "-", "-", "-", p_best, "-", "-"});
      continue;
    }
    const SummaryStatistics delta = summarize(column(t, i, SummaryMetric::delta_npv));
    rows.push_back({name, signed_amount(delta.mean), range(delta.p05, delta.p95),
                    signed_amount(mean(t, i, SummaryMetric::delta_npv_cash)),
                    signed_amount(mean(t, i, SummaryMetric::delta_npv_terminal)), p_best,
                    percent(mean(t, i, SummaryMetric::beats_baseline)),
                    ratio_percent(mean_of_finite(column(t, i, SummaryMetric::roi)))});
  }
  return render_table(header, rows);
}

std::string outcome_table(const SummaryTable& t) {
  const std::vector<std::string> header{"roadmap",    "NPV",     "paid back", "payback",
                                        "equity end", "NPS end", "avoidable", "cash part"};
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < static_cast<int>(t.roadmaps.size()); ++i) {
    const bool is_baseline = i == t.baseline;
    std::string name = t.roadmaps[i];
    if (is_baseline && name != "baseline") name += " (baseline)";
    const double nps = mean(t, i, SummaryMetric::nps_end);
    const auto payback = column(t, i, SummaryMetric::payback_month);
    rows.push_back(
        {name, format_amount(mean(t, i, SummaryMetric::npv)),
         is_baseline ? "-" : percent(payback_summary(payback).share_paid_back),
         is_baseline ? "-" : payback_median(payback),
         format_amount(mean(t, i, SummaryMetric::customer_equity_end)),
         std::isnan(nps) ? "-" : fmt::format("{:+.1f}", nps),
         format_amount(mean_of_finite(column(t, i, SummaryMetric::avoidable_cost_total))),
         format_amount(mean_of_finite(column(t, i, SummaryMetric::avoidable_cost_cash)))});
  }
  return render_table(header, rows);
}

std::string head_to_head(const SummaryTable& t, int a, int b, SummaryMetric m) {
  const PairedDifference d = paired_difference(column(t, a, m), column(t, b, m));
  return fmt::format(
      "{} - {}: {} on average (90% CI of the mean {}; 90% of replications {}); "
      "P({} > {}) = {}\n",
      t.roadmaps[a], t.roadmaps[b], signed_amount(d.mean), range(d.ci_lo, d.ci_hi),
      range(d.p05, d.p95), t.roadmaps[a], t.roadmaps[b], percent(d.p_greater));
}

std::string robustness_block(const SummaryTable& t) {
  std::vector<std::string> choices;
  for (const TerminalValue tv : kTerminalValues) choices.emplace_back(to_string(tv));
  const auto chosen_it = std::find(choices.begin(), choices.end(), t.terminal_value);
  if (chosen_it == choices.end()) return "";
  const TerminalRobustness r =
      terminal_robustness(t.values, kTerminalValues[chosen_it - choices.begin()]);
  if (!r.available) return "";
  const std::vector<std::string> header{"terminal value", "best roadmap", "ranking",
                                        "its delta NPV", "its P(best)"};
  std::vector<std::vector<std::string>> rows;
  for (int c = 0; c < 3; ++c) {
    const int best = r.best[c];
    std::string ranking = c == r.chosen        ? "(the run's choice)"
                          : r.reranked[c] == 0 ? "same order"
                                               : fmt::format("{} of {} roadmaps move",
                                                             r.reranked[c], t.roadmaps.size());
    rows.push_back({choices[c] + (c == r.chosen ? " *" : ""), t.roadmaps[best], ranking,
                    signed_amount(r.mean_delta_npv[c][best]), percent(r.p_best[c][best])});
  }
  std::string out =
      "Under each terminal value (the same simulated customers; * = the run's choice):\n" +
      render_table(header, rows, 3);
  const std::string& best = t.roadmaps[r.best[r.chosen]];
  if (r.best_stays_best()) {
    out += fmt::format("{} is best under every terminal-value choice.\n", best);
  } else {
    std::vector<std::string> others;
    for (int c = 0; c < 3; ++c) {
      if (r.best[c] != r.best[r.chosen]) {
        others.push_back(fmt::format("{} under {}", t.roadmaps[r.best[c]], choices[c]));
      }
    }
    out += fmt::format("{} is best under {}, but not under every choice: {}.\n", best,
                       choices[r.chosen], fmt::join(others, "; "));
  }
  return out;
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

std::string fit_to_width(const std::string& text, std::size_t limit) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (width(line) > limit) {
      // Break at the last space past the indentation; else cut (a very long name).
      const std::size_t indent = line.find_first_not_of(' ');
      const std::size_t space = line.rfind(' ', limit);
      const bool at_space = space != std::string::npos && space > indent;
      const std::size_t cut = at_space ? space : limit;
      out += line.substr(0, cut) + '\n';
      line = "    " + line.substr(at_space ? cut + 1 : cut);
    }
    out += line;
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

SummaryTable make_summary_table(const ResultsSummary& results) {
  SummaryTable t;
  t.roadmaps = results.roadmaps;
  t.baseline = results.baseline;
  t.replications_planned = results.replications;
  t.currency = results.currency;
  t.terminal_value = results.terminal_value;
  t.values.resize(results.roadmaps.size());
  const auto infos = summary_metric_infos();
  for (std::size_t i = 0; i < results.roadmaps.size(); ++i) {
    for (int m = 0; m < kSummaryMetrics; ++m) {
      const auto index = results.metric_index(infos[m].name);
      auto& values = t.values[i][m];
      for (std::int64_t r = 0; r < results.replications; ++r) {
        if (!results.done[static_cast<std::size_t>(r)]) continue;
        values.push_back(index ? results.values[*index][i * results.replications + r] : kNaN);
      }
    }
  }
  return t;
}

std::string format_summary_table(const SummaryTable& t) {
  std::size_t shown = 0;
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    shown = std::max(shown, t.values[i][static_cast<std::size_t>(SummaryMetric::npv)].size());
  }
  std::string out = fmt::format("{} replication{}", shown, shown == 1 ? "" : "s");
  if (t.replications_planned > static_cast<std::int64_t>(shown)) {
    out += fmt::format(" of {} (incomplete run)", t.replications_planned);
  }
  const std::string choice = t.terminal_value.empty() ? "customer_equity" : t.terminal_value;
  out += fmt::format("; {}; terminal value {}: {}.\n\n", money_note(t), choice,
                     terminal_note(t.terminal_value));

  out += "Against the baseline, paired in each replication (delta NPV = cash + terminal):\n";
  out += value_table(t);
  out +=
      "90% = 5th..95th percentile of the paired delta NPV; cash = over the horizon, terminal = "
      "after it; P(best) = share of replications where the roadmap has the highest NPV; "
      "P(beat) = share where delta NPV > 0; ROI = delta NPV / extra investment (sustaining cost "
      "included under customer_equity_net), mean over replications.\n\n";

  out += outcome_table(t);
  out +=
      "NPV = mean; paid back = share of replications whose cumulative discounted delta cash "
      "turns and stays >= 0 within the horizon; payback = median month, counting never as "
      "later than every month; avoidable = NPV(zero defects) - NPV, cash part = over the "
      "horizon (- when the zero-defect counterfactual was not run).\n";

  const std::vector<int> order = by_mean_npv(t);
  if (order.size() >= 2 && has(t, SummaryMetric::npv)) {
    out += "\nThe best roadmap against the runner-up (by mean NPV; paired, same replications):\n";
    out += head_to_head(t, order[0], order[1], SummaryMetric::npv);
  }
  const std::string robust = robustness_block(t);
  if (!robust.empty()) out += "\n" + robust;
  return fit_to_width(out, kSummaryWidth);
}

std::string format_comparison(const SummaryTable& t, int a, int b) {
  const std::string& A = t.roadmaps[static_cast<std::size_t>(a)];
  const std::string& B = t.roadmaps[static_cast<std::size_t>(b)];
  std::size_t shown = t.values.empty() ? 0 : column(t, a, SummaryMetric::npv).size();
  std::string out = fmt::format("{} - {}, paired over {} replication{}; {}.\n", A, B, shown,
                                shown == 1 ? "" : "s", money_note(t));
  const std::vector<std::string> header{"metric", "mean", "90% CI of mean", "90% of reps",
                                        "P(A > B)"};
  struct Row {
    const char* label;
    SummaryMetric metric;
  };
  std::vector<Row> metrics{{"NPV", SummaryMetric::npv},
                           {"  cash", SummaryMetric::npv_cash},
                           {"  terminal", SummaryMetric::npv_terminal},
                           {"NPV, customer_equity_net", SummaryMetric::npv_customer_equity_net},
                           {"NPV, customer_equity", SummaryMetric::npv_customer_equity},
                           {"NPV, none", SummaryMetric::npv_none},
                           {"investment PV", SummaryMetric::investment_pv}};
  std::vector<std::vector<std::string>> rows;
  for (const Row& r : metrics) {
    if (!has(t, r.metric)) continue;
    const PairedDifference d = paired_difference(column(t, a, r.metric), column(t, b, r.metric));
    rows.push_back({r.label, signed_amount(d.mean), range(d.ci_lo, d.ci_hi), range(d.p05, d.p95),
                    percent(d.p_greater)});
  }
  out += render_table(header, rows);
  out += fmt::format(
      "A = {}, B = {}; differences A - B in each replication (common random numbers); 90% CI "
      "of mean = Student t interval of the mean difference; 90% of reps = 5th..95th percentile "
      "of the differences; P(A > B) = share of replications where A is higher (ties count "
      "half).\n",
      A, B);
  return fit_to_width(out, kSummaryWidth);
}

}  // namespace cxsim
