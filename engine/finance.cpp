// Cash-flow statement, NPV, customer-equity returns and baseline comparisons.
#include "engine/finance.hpp"

#include <cmath>
#include <limits>

namespace cxsim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

void settle_finances(RoadmapRun& run, double d, double initial_equity, bool terminal_value) {
  const int T = run.months;
  double npv = 0.0;
  double investment_pv = 0.0;
  double previous_equity = initial_equity;
  double failure_total = 0.0;
  double churned_total = 0.0;
  for (int t = 1; t <= T; ++t) {
    const double spend = run.at(Metric::initiative_opex, t) + run.at(Metric::initiative_capex, t);
    const double cash = run.at(Metric::revenue, t) - run.at(Metric::variable_cost, t) -
                        run.at(Metric::cost_to_serve, t) - run.at(Metric::failure_cost, t) -
                        run.at(Metric::acquisition_cost, t) - spend;
    const double discount = std::pow(1.0 + d, t);
    run.at(Metric::net_cash_flow, t) = cash;
    run.at(Metric::discounted_cash_flow, t) = cash / discount;
    npv += cash / discount;
    investment_pv += spend / discount;
    const double equity = run.at(Metric::customer_equity, t);
    run.at(Metric::return_on_customer, t) =
        previous_equity > 0.0 ? (cash + equity - previous_equity) / previous_equity : kNaN;
    previous_equity = equity;
    failure_total += run.at(Metric::failure_cost, t);
    churned_total += run.at(Metric::churned, t);
  }
  if (terminal_value && T > 0) npv += run.at(Metric::customer_equity, T) / std::pow(1.0 + d, T);
  run.at(SummaryMetric::npv) = npv;
  run.at(SummaryMetric::investment_pv) = investment_pv;
  run.at(SummaryMetric::customer_equity_end) = T > 0 ? run.at(Metric::customer_equity, T) : kNaN;
  run.at(SummaryMetric::customers_end) = T > 0 ? run.at(Metric::customers, T) : kNaN;
  run.at(SummaryMetric::nps_end) = T > 0 ? run.at(Metric::nps, T) : kNaN;
  run.at(SummaryMetric::failure_cost_total) = failure_total;
  run.at(SummaryMetric::churned_total) = churned_total;
  run.at(SummaryMetric::avoidable_cost_total) = kNaN;
}

void compare_with_baseline(std::vector<RoadmapRun>& runs, int baseline, double d) {
  const RoadmapRun& base = runs[baseline];
  const double base_npv = base.at(SummaryMetric::npv);
  const double base_investment = base.at(SummaryMetric::investment_pv);
  for (int r = 0; r < static_cast<int>(runs.size()); ++r) {
    RoadmapRun& run = runs[r];
    const double delta = run.at(SummaryMetric::npv) - base_npv;
    run.at(SummaryMetric::delta_npv) = delta;
    run.at(SummaryMetric::beats_baseline) = delta > 0.0 ? 1.0 : 0.0;
    const double extra = run.at(SummaryMetric::investment_pv) - base_investment;
    run.at(SummaryMetric::roi) = (r != baseline && extra > 0.0) ? delta / extra : kNaN;

    // Payback: first month from which cumulative discounted delta cash flow stays >= 0.
    double payback = kNaN;
    if (r != baseline) {
      double cumulative = 0.0;
      int candidate = 0;  // 0: not currently in a non-negative stretch
      for (int t = 1; t <= run.months; ++t) {
        cumulative +=
            (run.at(Metric::net_cash_flow, t) - runs[baseline].at(Metric::net_cash_flow, t)) /
            std::pow(1.0 + d, t);
        if (cumulative >= 0.0) {
          if (candidate == 0) candidate = t;
        } else {
          candidate = 0;
        }
      }
      if (candidate > 0) payback = candidate;
    }
    run.at(SummaryMetric::payback_month) = payback;
  }
}

void set_avoidable_costs(std::vector<RoadmapRun>& runs,
                         const std::vector<RoadmapRun>& zero_defect) {
  for (std::size_t r = 0; r < runs.size(); ++r) {
    runs[r].at(SummaryMetric::avoidable_cost_total) =
        r < zero_defect.size()
            ? zero_defect[r].at(SummaryMetric::npv) - runs[r].at(SummaryMetric::npv)
            : kNaN;
  }
}

}  // namespace cxsim
