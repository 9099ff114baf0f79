// The terminal summary: number formatting, the statistics in each cell, alignment.
#include "outputs/summary_table.hpp"

#include <gtest/gtest.h>

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
  t.values.resize(3);
  auto set = [&](int i, SummaryMetric m, std::vector<double> v) {
    t.values[i][static_cast<std::size_t>(m)] = std::move(v);
  };
  for (int i = 0; i < 3; ++i) {
    for (auto& column : t.values[i]) column.assign(4, kNaN);
  }
  set(0, SummaryMetric::npv, {10e6, 11e6, 12e6, 13e6});
  set(0, SummaryMetric::delta_npv, {0, 0, 0, 0});
  set(0, SummaryMetric::beats_baseline, {0, 0, 0, 0});
  set(0, SummaryMetric::customer_equity_end, {5e6, 5e6, 5e6, 5e6});
  set(0, SummaryMetric::nps_end, {10, 12, 14, 16});
  set(1, SummaryMetric::npv, {11e6, 12e6, 13e6, 14e6});
  set(1, SummaryMetric::delta_npv, {1e6, 1e6, -2e5, 2e6});
  set(1, SummaryMetric::beats_baseline, {1, 1, 0, 1});
  set(1, SummaryMetric::roi, {0.5, kNaN, 1.5, 1.0});
  set(1, SummaryMetric::payback_month, {10, 14, kNaN, 12});
  set(1, SummaryMetric::customer_equity_end, {6e6, 6e6, 6e6, 6e6});
  set(1, SummaryMetric::nps_end, {-5, -5, -5, -5});
  set(1, SummaryMetric::avoidable_cost_total, {450e3, 450e3, 450e3, 450e3});
  set(2, SummaryMetric::npv, {9e6, 9e6, 9e6, 9e6});
  set(2, SummaryMetric::delta_npv, {-1e6, -2e6, -3e6, -2e6});
  set(2, SummaryMetric::beats_baseline, {0, 0, 0, 0});
  // roi, payback all NaN: never pays back.
  set(2, SummaryMetric::customer_equity_end, {4e6, 4e6, 4e6, 4e6});
  set(2, SummaryMetric::nps_end, {20, 20, 20, 20});
  return t;
}

TEST(SummaryTable, OneAlignedRowPerRoadmap) {
  const std::string text = format_summary_table(table());
  const auto l = lines(text);
  ASSERT_EQ(l.size(), 7u);  // header, rule, 3 rows, legend
  for (int i = 1; i < 5; ++i) EXPECT_EQ(l[i].size(), l[0].size()) << l[i];
  EXPECT_EQ(l[0].rfind("roadmap", 0), 0u);
  EXPECT_EQ(l[2].rfind("status_quo (baseline)", 0), 0u);
  EXPECT_EQ(l[3].rfind("chatbot", 0), 0u);
  EXPECT_EQ(l[4].rfind("redesign", 0), 0u);
  EXPECT_NE(l[5].find("4 replications"), std::string::npos);
}

TEST(SummaryTable, CellsHoldTheRightStatistics) {
  const auto l = lines(format_summary_table(table()));
  const std::string& baseline = l[2];
  // NPV mean 11.5M; 90% interval p05..p95 of 10..13M = 10.15M..12.85M (12.849.. in binary).
  EXPECT_NE(baseline.find("11.5M"), std::string::npos) << baseline;
  EXPECT_NE(baseline.find("10.2M..12.8M"), std::string::npos) << baseline;
  EXPECT_NE(baseline.find("+13.0"), std::string::npos) << baseline;
  const std::string& chatbot = l[3];
  // delta mean 0.95M, P(beat) 75%, ROI mean of finite (0.5, 1.5, 1.0) = 100%, payback median of
  // 10, 12, 14 = 12 with 3 of 4 replications paying back, avoidable cost 450k, NPS -5.0.
  EXPECT_NE(chatbot.find("950k"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("75%"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("100%"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("12 (75%)"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("450k"), std::string::npos) << chatbot;
  EXPECT_NE(chatbot.find("-5.0"), std::string::npos) << chatbot;
  const std::string& redesign = l[4];
  EXPECT_NE(redesign.find("never"), std::string::npos) << redesign;
  EXPECT_NE(redesign.find("0%"), std::string::npos) << redesign;
  EXPECT_NE(redesign.find("-2.00M"), std::string::npos) << redesign;
  EXPECT_EQ(redesign.back(), '-');  // avoidable cost not run
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
