// Pins MODEL.md s.3 on hand-made cash flows: NPV, ROI, payback, return on customer.
#include "engine/finance.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cxsim {
namespace {

RoadmapRun run_with_cash(const std::vector<double>& revenue, const std::vector<double>& spend,
                         double equity) {
  RoadmapRun r(static_cast<int>(revenue.size()), 1, 0);
  for (int t = 1; t <= r.months; ++t) {
    r.at(Metric::revenue, t) = revenue[t - 1];
    r.at(Metric::initiative_capex, t) = spend[t - 1];
    r.at(Metric::customer_equity, t) = equity;
  }
  return r;
}

TEST(Finance, NpvDiscountsCashAndTerminalEquity) {
  RoadmapRun r = run_with_cash({100, 100, 100}, {0, 0, 0}, 1000);
  const double d = 0.01;
  settle_finances(r, d, 1000, {TerminalValue::customer_equity, 0.0});
  const double expected = 100 / 1.01 + 100 / std::pow(1.01, 2) + 1100 / std::pow(1.01, 3);
  EXPECT_NEAR(r.at(SummaryMetric::npv), expected, 1e-9);
  RoadmapRun no_terminal = run_with_cash({100, 100, 100}, {0, 0, 0}, 1000);
  settle_finances(no_terminal, d, 1000, {TerminalValue::none, 0.0});
  EXPECT_NEAR(no_terminal.at(SummaryMetric::npv), expected - 1000 / std::pow(1.01, 3), 1e-9);
}

TEST(Finance, ReturnOnCustomerIsCashPlusEquityChange) {
  RoadmapRun r = run_with_cash({50, 50}, {0, 0}, 1000);
  r.at(Metric::customer_equity, 2) = 900;
  settle_finances(r, 0.0, 800, {});
  EXPECT_NEAR(r.at(Metric::return_on_customer, 1), (50 + 1000 - 800) / 800.0, 1e-12);
  EXPECT_NEAR(r.at(Metric::return_on_customer, 2), (50 + 900 - 1000) / 1000.0, 1e-12);
  RoadmapRun empty = run_with_cash({0}, {0}, 0);
  settle_finances(empty, 0.0, 0.0, {});
  EXPECT_TRUE(std::isnan(empty.at(Metric::return_on_customer, 1)));
}

TEST(Finance, DeltaRoiAndPaybackAgainstBaseline) {
  std::vector<RoadmapRun> runs;
  runs.push_back(run_with_cash({100, 100, 100, 100}, {0, 0, 0, 0}, 0));
  // Spends 150 in month 1, earns 60 more a month: cumulative delta -90, -30, +30, +90.
  runs.push_back(run_with_cash({160, 160, 160, 160}, {150, 0, 0, 0}, 0));
  // Never pays back.
  runs.push_back(run_with_cash({100, 100, 100, 100}, {10, 0, 0, 0}, 0));
  for (RoadmapRun& r : runs) settle_finances(r, 0.0, 0.0, {});
  compare_with_baseline(runs, 0, 0.0);
  EXPECT_EQ(runs[1].at(SummaryMetric::delta_npv), 90.0);
  EXPECT_EQ(runs[1].at(SummaryMetric::roi), 90.0 / 150.0);
  EXPECT_EQ(runs[1].at(SummaryMetric::payback_month), 3.0);
  EXPECT_EQ(runs[1].at(SummaryMetric::beats_baseline), 1.0);
  EXPECT_TRUE(std::isnan(runs[2].at(SummaryMetric::payback_month)));
  EXPECT_EQ(runs[2].at(SummaryMetric::beats_baseline), 0.0);
  EXPECT_TRUE(std::isnan(runs[0].at(SummaryMetric::roi)));
  EXPECT_TRUE(std::isnan(runs[0].at(SummaryMetric::payback_month)));
}

TEST(Finance, PaybackMustHoldToTheHorizon) {
  std::vector<RoadmapRun> runs;
  runs.push_back(run_with_cash({100, 100, 100, 100}, {0, 0, 0, 0}, 0));
  // +10, then -20, then +30, +30: cumulative 10, -10, 20, 50 -> pays back from month 3.
  runs.push_back(run_with_cash({110, 80, 130, 130}, {0, 0, 0, 0}, 0));
  for (RoadmapRun& r : runs) settle_finances(r, 0.0, 0.0, {});
  compare_with_baseline(runs, 0, 0.0);
  EXPECT_EQ(runs[1].at(SummaryMetric::payback_month), 3.0);
}

}  // namespace
}  // namespace cxsim
