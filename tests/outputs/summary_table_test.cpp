// The terminal summary: number formatting, the statistics in each cell, alignment.
#include "outputs/summary_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <sstream>

#include "fake_results.hpp"
#include "outputs/results_reader.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(FormatAmount, HumanFriendly) {
  EXPECT_EQ(format_amount(12'345'678), "12.3M");
  EXPECT_EQ(format_amount(450'000), "450k");
  EXPECT_EQ(format_amount(-1'204'000'000), "-1.20B");
  EXPECT_EQ(format_amount(3.2e12), "3.20T");
  EXPECT_EQ(format_amount(999.6), "1.00k");
  EXPECT_EQ(format_amount(999'960), "1.00M");
  EXPECT_EQ(format_amount(999.4), "999");
  EXPECT_EQ(format_amount(12.34), "12.3");
  EXPECT_EQ(format_amount(0.5), "0.5");
  EXPECT_EQ(format_amount(0), "0");
  EXPECT_EQ(format_amount(kNaN), "-");
  EXPECT_EQ(format_amount(std::numeric_limits<double>::infinity()), "inf");
}

SummaryTable table() {
  SummaryTable t;
  t.roadmaps = {"status_quo", "chatbot", "redesign"};
  t.baseline = 0;
  t.replications_planned = 4;
  t.currency = "EUR";
  t.terminal_value = "customer_equity_net";
  t.values.resize(3);
  auto set = [&](int i, SummaryMetric m, std::vector<double> v) {
    t.values[i][static_cast<std::size_t>(m)] = std::move(v);
  };
  for (int i = 0; i < 3; ++i) {
    for (auto& column : t.values[i]) column.assign(4, kNaN);
  }
  // Under customer_equity_net (and gross) chatbot is best; under none, redesign is.
  const std::vector<std::vector<double>> net{
      {10e6, 11e6, 12e6, 13e6}, {11e6, 12e6, 11.8e6, 15e6}, {9e6, 9e6, 9e6, 9e6}};
  const std::vector<std::vector<double>> none{
      {5e6, 5e6, 5e6, 5e6}, {4e6, 4e6, 4e6, 4e6}, {6e6, 6e6, 6e6, 6e6}};
  for (int i = 0; i < 3; ++i) {
    std::vector<double> delta(4), delta_none(4), cash(4), best(4), best_none(4);
    for (int r = 0; r < 4; ++r) {
      delta[r] = net[i][r] - net[0][r];
      delta_none[r] = none[i][r] - none[0][r];
      cash[r] = none[i][r] - none[0][r];
      double top = std::max({net[0][r], net[1][r], net[2][r]});
      best[r] = net[i][r] == top ? 1.0 : 0.0;
      best_none[r] = i == 2 ? 1.0 : 0.0;
    }
    set(i, SummaryMetric::npv, net[i]);
    set(i, SummaryMetric::npv_customer_equity_net, net[i]);
    set(i, SummaryMetric::npv_customer_equity, net[i]);
    set(i, SummaryMetric::npv_none, none[i]);
    set(i, SummaryMetric::delta_npv, delta);
    set(i, SummaryMetric::delta_npv_customer_equity_net, delta);
    set(i, SummaryMetric::delta_npv_customer_equity, delta);
    set(i, SummaryMetric::delta_npv_none, delta_none);
    set(i, SummaryMetric::delta_npv_cash, cash);
    std::vector<double> terminal(4);
    for (int r = 0; r < 4; ++r) terminal[r] = delta[r] - cash[r];
    set(i, SummaryMetric::delta_npv_terminal, terminal);
    set(i, SummaryMetric::is_best, best);
    set(i, SummaryMetric::is_best_customer_equity_net, best);
    set(i, SummaryMetric::is_best_customer_equity, best);
    set(i, SummaryMetric::is_best_none, best_none);
  }
  set(0, SummaryMetric::beats_baseline, {0, 0, 0, 0});
  set(0, SummaryMetric::customer_equity_end, {5e6, 5e6, 5e6, 5e6});
  set(0, SummaryMetric::nps_end, {10, 12, 14, 16});
  set(1, SummaryMetric::beats_baseline, {1, 1, 0, 1});
  set(1, SummaryMetric::roi, {0.5, kNaN, 1.5, 1.0});
  set(1, SummaryMetric::payback_month, {10, 14, kNaN, 12});
  set(1, SummaryMetric::customer_equity_end, {6e6, 6e6, 6e6, 6e6});
  set(1, SummaryMetric::nps_end, {-5, -5, -5, -5});
  set(1, SummaryMetric::avoidable_cost_total, {450e3, 450e3, 450e3, 450e3});
  set(1, SummaryMetric::avoidable_cost_cash, {150e3, 150e3, 150e3, 150e3});
  set(2, SummaryMetric::beats_baseline, {0, 0, 0, 0});
  // Pays back in one replication of four: the median counts "never" as later than any month.
  set(2, SummaryMetric::payback_month, {30, kNaN, kNaN, kNaN});
  set(2, SummaryMetric::customer_equity_end, {4e6, 4e6, 4e6, 4e6});
  set(2, SummaryMetric::nps_end, {20, 20, 20, 20});
  return t;
}

// The first line starting with `name` after the first line that contains `header`.
std::string row(const std::string& text, const std::string& header, const std::string& name) {
  const auto l = lines(text);
  bool in_table = false;
  for (const auto& line : l) {
    if (line.find(header) != std::string::npos) in_table = true;
    if (in_table && line.rfind(name, 0) == 0) return line;
  }
  ADD_FAILURE() << "no row " << name << " under " << header << " in\n" << text;
  return "";
}

TEST(SummaryTable, EveryLineFitsAndTheCurrencyIsNamed) {
  SummaryTable t = table();
  const std::string text = format_summary_table(t);
  for (const auto& line : lines(text)) EXPECT_LE(line.size(), kSummaryWidth) << line;
  EXPECT_NE(text.find("money in EUR"), std::string::npos) << text;
  EXPECT_NE(text.find("4 replications"), std::string::npos);
  // Long roadmap names wrap by roadmap: the name on its own line, its numbers below.
  t.roadmaps[1] = std::string(150, 'x');
  const std::string wrapped = format_summary_table(t);
  for (const auto& line : lines(wrapped)) EXPECT_LE(line.size(), kSummaryWidth) << line;
  t.currency = "";
  EXPECT_NE(format_summary_table(t).find("names none"), std::string::npos);
}

TEST(SummaryTable, ValueRowsHoldTheRightStatistics) {
  const std::string text = format_summary_table(table());
  const std::string baseline = row(text, "roadmap", "status_quo (baseline)");
  // P(best) of the baseline: replication 3, where its 12M beats chatbot's 11.8M.
  EXPECT_NE(baseline.find("25%"), std::string::npos) << baseline;
  const std::string chatbot = row(text, "roadmap", "chatbot");
  // delta mean (1 + 1 - 0.2 + 2) / 4 = 950k; cash part -1M, terminal +1.95M; P(best) 75%
  // P(beat) 75%; ROI mean of finite (0.5, 1.5, 1.0) 100%.
  EXPECT_NE(chatbot.find("+950k"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("-1.00M"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("+1.95M"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("75%"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("100%"), std::string::npos) << chatbot;
}

TEST(SummaryTable, PaybackCountsNever) {
  const std::string text = format_summary_table(table());
  // chatbot: 10, 12, 14, never -> 75% pay back, median (2nd of 4) 12.
  const std::string chatbot = row(text, "paid back", "chatbot");
  EXPECT_NE(chatbot.find("75%       12 "), std::string::npos) << chatbot;
  // redesign: 30, never x3 -> 25%, and the median is never although one replication pays back.
  const std::string redesign = row(text, "paid back", "redesign");
  EXPECT_NE(redesign.find("25%    never"), std::string::npos) << redesign;
  EXPECT_NE(chatbot.find("450k"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("150k"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("-5.0"), std::string::npos) << chatbot;
}

TEST(SummaryTable, BestAgainstRunnerUpAndRobustness) {
  const std::string text = format_summary_table(table());
  // By mean NPV: chatbot 12.45M, status_quo 11.5M: differences +1, +1, -0.2, +2 (M).
  EXPECT_NE(text.find("chatbot - status_quo: +950k on average"), std::string::npos) << text;
  EXPECT_NE(text.find("P(chatbot > status_quo) = 75%"), std::string::npos) << text;
  // Under none redesign is best: the table says the answer depends on the choice.
  EXPECT_NE(text.find("chatbot is best under customer_equity_net, but not under every choice: "
                      "redesign under none"),
            std::string::npos)
      << text;
  const std::string none = row(text, "terminal value", "none");
  EXPECT_NE(none.find("redesign"), std::string::npos) << none;
  EXPECT_NE(none.find("2 of 3 roadmaps move"), std::string::npos) << none;
}

TEST(SummaryTable, CompareTwoRoadmaps) {
  const std::string text = format_comparison(table(), 1, 0);
  for (const auto& line : lines(text)) EXPECT_LE(line.size(), kSummaryWidth) << line;
  EXPECT_EQ(text.rfind("chatbot - status_quo, paired over 4 replications; money in EUR", 0), 0u)
      << text;
  // NPV: +950k mean; differences +1M, +1M, -200k, +2M: P(A > B) 75%.
  const std::string npv = row(text, "metric", "NPV ");
  EXPECT_NE(npv.find("+950k"), std::string::npos) << npv;
  EXPECT_NE(npv.find("75%"), std::string::npos) << npv;
  const std::string none = row(text, "metric", "NPV, none");
  EXPECT_NE(none.find("-1.00M"), std::string::npos) << none;
  EXPECT_NE(none.find("0%"), std::string::npos) << none;
}

TEST(SummaryTable, FromAnIncompleteResultsFile) {
  const testing::TempDir dir("summary_table");
  const Scenario s = testing::fake_scenario();
  const auto out = dir / "run.h5";
  {
    auto w = ResultsWriter::create(out, s, {}, false);
    w->write(testing::fake_result(s, 2));
    w->write(testing::fake_result(s, 4));
  }
  const SummaryTable t = make_summary_table(read_results_summary(partial_path(out)));
  EXPECT_EQ(t.roadmaps, (std::vector<std::string>{"baseline", "chatbot", "redesign"}));
  EXPECT_EQ(t.baseline, 0);
  ASSERT_EQ(t.values.size(), 3u);
  const auto& npv = t.values[1][static_cast<std::size_t>(SummaryMetric::npv)];
  EXPECT_EQ(npv, (std::vector<double>{testing::fake_summary(SummaryMetric::npv, 1, 2),
                                      testing::fake_summary(SummaryMetric::npv, 1, 4)}));
  const std::string text = format_summary_table(t);
  EXPECT_NE(text.find("2 replications of 5 (incomplete run)"), std::string::npos) << text;
}

}  // namespace
}  // namespace cxsim
