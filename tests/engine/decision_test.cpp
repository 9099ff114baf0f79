// Paired differences, payback counting "never", P(best) shares and the ranking under each
// terminal-value choice, on numbers worked out by hand.
#include "engine/decision.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/finance.hpp"

namespace cxsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Decision, PairedDifferenceIsPerReplication) {
  // A - B = 1, 2, 3, 4, tie, and a NaN pair that is left out.
  const std::vector<double> a{11, 12, 13, 14, 5, kNaN};
  const std::vector<double> b{10, 10, 10, 10, 5, 1};
  const PairedDifference d = paired_difference(a, b);
  EXPECT_EQ(d.n, 5);
  EXPECT_DOUBLE_EQ(d.mean, 2.0);
  // sd of 1, 2, 3, 4, 0 is sqrt(2.5); se = sqrt(2.5 / 5); t(4, 0.95) = 2.131847.
  EXPECT_NEAR(d.se, std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(d.ci_lo, 2.0 - 2.131847 * std::sqrt(0.5), 1e-5);
  EXPECT_NEAR(d.ci_hi, 2.0 + 2.131847 * std::sqrt(0.5), 1e-5);
  EXPECT_DOUBLE_EQ(d.p_greater, 4.5 / 5);  // the tie counts half
  EXPECT_TRUE(std::isnan(paired_difference(std::vector<double>{1}, std::vector<double>{0}).ci_lo));
}

TEST(Decision, PaybackMedianCountsNever) {
  // 10, 12, never, never: ceil(4/2) = 2nd smallest = 12; half pay back.
  PaybackSummary p = payback_summary(std::vector<double>{12, kNaN, 10, kNaN});
  EXPECT_DOUBLE_EQ(p.share_paid_back, 0.5);
  EXPECT_DOUBLE_EQ(p.median_month, 12);
  // 10, never, never: the 2nd smallest is never, though a third pays back.
  p = payback_summary(std::vector<double>{kNaN, 10, kNaN});
  EXPECT_NEAR(p.share_paid_back, 1.0 / 3, 1e-15);
  EXPECT_TRUE(std::isinf(p.median_month));
  EXPECT_TRUE(std::isnan(payback_summary(std::vector<double>{}).median_month));
}

TEST(Decision, BestSharesSplitTiesAndSkipNaN) {
  const std::vector<double> shares = best_shares({3, 5, kNaN, 5});
  EXPECT_EQ(shares[0], 0.0);
  EXPECT_EQ(shares[1], 0.5);
  EXPECT_TRUE(std::isnan(shares[2]));
  EXPECT_EQ(shares[3], 0.5);
}

TEST(Decision, RobustnessSaysWhetherTheBestStaysBest) {
  // Two roadmaps, two replications. Under net and gross roadmap 1 is best; under none, 0.
  SummaryColumns v(2);
  for (auto& roadmap : v) {
    for (auto& column : roadmap) column.assign(2, 0.0);
  }
  auto set = [&](int r, SummaryMetric m, std::vector<double> x) {
    v[r][static_cast<std::size_t>(m)] = std::move(x);
  };
  set(0, SummaryMetric::npv_customer_equity_net, {10, 10});
  set(1, SummaryMetric::npv_customer_equity_net, {12, 11});
  set(0, SummaryMetric::npv_customer_equity, {10, 10});
  set(1, SummaryMetric::npv_customer_equity, {15, 14});
  set(0, SummaryMetric::npv_none, {5, 5});
  set(1, SummaryMetric::npv_none, {4, 4});
  set(1, SummaryMetric::delta_npv_customer_equity_net, {2, 1});
  set(1, SummaryMetric::is_best_customer_equity_net, {1, 1});
  const TerminalRobustness r = terminal_robustness(v, TerminalValue::customer_equity_net);
  ASSERT_TRUE(r.available);
  EXPECT_EQ(r.chosen, 0);
  EXPECT_EQ(r.best[0], 1);
  EXPECT_EQ(r.best[1], 1);
  EXPECT_EQ(r.best[2], 0);
  EXPECT_EQ(r.rank[2][0], 1.0);
  EXPECT_EQ(r.reranked[1], 0);
  EXPECT_EQ(r.reranked[2], 2);
  EXPECT_DOUBLE_EQ(r.mean_delta_npv[0][1], 1.5);
  EXPECT_DOUBLE_EQ(r.p_best[0][1], 1.0);
  EXPECT_FALSE(r.best_stays_best());
  // Negative control: make roadmap 1 best under none too, and the answer is robust.
  set(1, SummaryMetric::npv_none, {6, 6});
  EXPECT_TRUE(terminal_robustness(v, TerminalValue::customer_equity_net).best_stays_best());
}

}  // namespace
}  // namespace cxsim
