// Cash-flow statement, NPV with its terminal value, customer-equity returns and baseline
// comparisons.
#include "engine/finance.hpp"

#include <cmath>
#include <limits>

namespace cxsim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A ratio over a denominator of about 1e-300 (an investment drawn that small) does not exist
// as a number: NaN, as where the denominator is 0, never infinity.
double finite_or_nan(double ratio) {
  return std::isfinite(ratio) ? ratio : kNaN;
}
}  // namespace

void settle_finances(RoadmapRun& run, double d, double initial_equity,
                     const TerminalInputs& terminal) {
  const int T = run.months;
  double npv_cash = 0.0;
  double spend_pv = 0.0;
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
    npv_cash += cash / discount;
    spend_pv += spend / discount;
    const double equity = run.at(Metric::customer_equity, t);
    run.at(Metric::return_on_customer, t) =
        previous_equity > 0.0 ? finite_or_nan((cash + equity - previous_equity) / previous_equity)
                              : kNaN;
    previous_equity = equity;
    failure_total += run.at(Metric::failure_cost, t);
    churned_total += run.at(Metric::churned, t);
  }

  // Terminal value at T (MODEL.md s.3): gross equity CE_T, and the run-rate cost O_T of the
  // initiatives still in force carried over the same customers' lifetimes L_T.
  const double horizon_discount = T > 0 ? std::pow(1.0 + d, T) : 1.0;
  const double equity_end = T > 0 ? run.at(Metric::customer_equity, T) : 0.0;
  const double customers_end = T > 0 ? run.at(Metric::customers, T) : 0.0;
  const double lifetime = customers_end > 0.0 ? run.at(Metric::discounted_lifetime, T) : 0.0;
  const double sustaining = terminal.sustaining_opex_per_month * lifetime;
  // With no customers at T, CE_T and L_T are 0, and so is the terminal value.
  const double tv_gross = equity_end;
  const double tv_net = equity_end - sustaining;

  double tv = 0.0;
  switch (terminal.choice) {
    case TerminalValue::customer_equity_net:
      tv = tv_net;
      break;
    case TerminalValue::customer_equity:
      tv = tv_gross;
      break;
    case TerminalValue::none:
      tv = 0.0;
      break;
  }
  const double sustaining_pv = sustaining / horizon_discount;
  run.at(SummaryMetric::npv_cash) = npv_cash;
  run.at(SummaryMetric::npv_terminal) = tv / horizon_discount;
  run.at(SummaryMetric::npv) = npv_cash + tv / horizon_discount;
  run.at(SummaryMetric::npv_customer_equity_net) = npv_cash + tv_net / horizon_discount;
  run.at(SummaryMetric::npv_customer_equity) = npv_cash + tv_gross / horizon_discount;
  run.at(SummaryMetric::npv_none) = npv_cash;
  run.at(SummaryMetric::terminal_sustaining_cost) = sustaining_pv;
  run.at(SummaryMetric::investment_pv) =
      spend_pv + (terminal.choice == TerminalValue::customer_equity_net ? sustaining_pv : 0.0);
  run.at(SummaryMetric::customer_equity_end) = T > 0 ? equity_end : kNaN;
  run.at(SummaryMetric::customers_end) = T > 0 ? customers_end : kNaN;
  run.at(SummaryMetric::nps_end) = T > 0 ? run.at(Metric::nps, T) : kNaN;
  run.at(SummaryMetric::failure_cost_total) = failure_total;
  run.at(SummaryMetric::churned_total) = churned_total;
  run.at(SummaryMetric::avoidable_cost_total) = kNaN;
  run.at(SummaryMetric::avoidable_cost_cash) = kNaN;
  run.at(SummaryMetric::avoidable_cost_terminal) = kNaN;
}

std::vector<double> best_shares(const std::vector<double>& npv) {
  double best = -std::numeric_limits<double>::infinity();
  bool any = false;
  for (double v : npv) {
    if (std::isnan(v)) continue;
    if (!any || v > best) best = v;
    any = true;
  }
  int tied = 0;
  for (double v : npv) tied += (any && v == best) ? 1 : 0;
  std::vector<double> shares(npv.size());
  for (std::size_t i = 0; i < npv.size(); ++i) {
    shares[i] = std::isnan(npv[i]) ? kNaN : (npv[i] == best ? 1.0 / tied : 0.0);
  }
  return shares;
}

void compare_with_baseline(std::vector<RoadmapRun>& runs, int baseline, double d) {
  const RoadmapRun& base = runs[baseline];
  const double base_investment = base.at(SummaryMetric::investment_pv);
  const int n = static_cast<int>(runs.size());
  auto paired = [&](RoadmapRun& run, SummaryMetric value, SummaryMetric delta) {
    run.at(delta) = run.at(value) - base.at(value);
  };
  for (int r = 0; r < n; ++r) {
    RoadmapRun& run = runs[r];
    paired(run, SummaryMetric::npv, SummaryMetric::delta_npv);
    paired(run, SummaryMetric::npv_cash, SummaryMetric::delta_npv_cash);
    paired(run, SummaryMetric::npv_terminal, SummaryMetric::delta_npv_terminal);
    for (const TerminalChoiceMetrics& c : kTerminalChoiceMetrics) paired(run, c.npv, c.delta_npv);
    const double delta = run.at(SummaryMetric::delta_npv);
    run.at(SummaryMetric::beats_baseline) = delta > 0.0 ? 1.0 : 0.0;
    const double extra = run.at(SummaryMetric::investment_pv) - base_investment;
    run.at(SummaryMetric::roi) =
        (r != baseline && extra > 0.0) ? finite_or_nan(delta / extra) : kNaN;

    // Payback: first month from which cumulative discounted delta cash flow stays >= 0.
    double payback = kNaN;
    if (r != baseline) {
      double cumulative = 0.0;
      int candidate = 0;  // 0: not currently in a non-negative stretch
      for (int t = 1; t <= run.months; ++t) {
        cumulative += (run.at(Metric::net_cash_flow, t) - base.at(Metric::net_cash_flow, t)) /
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
    run.at(SummaryMetric::paid_back) = r == baseline ? kNaN : (std::isnan(payback) ? 0.0 : 1.0);
  }

  auto rank = [&](SummaryMetric value, SummaryMetric is_best) {
    std::vector<double> values(runs.size());
    for (int r = 0; r < n; ++r) values[r] = runs[r].at(value);
    const std::vector<double> shares = best_shares(values);
    for (int r = 0; r < n; ++r) runs[r].at(is_best) = shares[r];
  };
  rank(SummaryMetric::npv, SummaryMetric::is_best);
  for (const TerminalChoiceMetrics& c : kTerminalChoiceMetrics) rank(c.npv, c.is_best);
}

void set_avoidable_costs(std::vector<RoadmapRun>& runs,
                         const std::vector<RoadmapRun>& zero_defect) {
  for (std::size_t r = 0; r < runs.size(); ++r) {
    RoadmapRun& run = runs[r];
    if (r >= zero_defect.size()) continue;  // NaN, as settle_finances left them
    const RoadmapRun& zd = zero_defect[r];
    const double cash = zd.at(SummaryMetric::npv_cash) - run.at(SummaryMetric::npv_cash);
    const double terminal =
        zd.at(SummaryMetric::npv_terminal) - run.at(SummaryMetric::npv_terminal);
    run.at(SummaryMetric::avoidable_cost_cash) = cash;
    run.at(SummaryMetric::avoidable_cost_terminal) = terminal;
    run.at(SummaryMetric::avoidable_cost_total) = cash + terminal;
  }
}

std::vector<double> touchpoint_summary_values(const ReplicationResult& result) {
  const std::size_t K = result.touchpoint_twins.size();
  const std::size_t M = result.roadmaps.size();
  if (K == 0) return {};
  std::vector<double> values(static_cast<std::size_t>(kTouchpointSummaryMetrics) * M * K, kNaN);
  auto at = [&](TouchpointSummaryMetric m, std::size_t r, std::size_t k) -> double& {
    return values[(static_cast<std::size_t>(m) * M + r) * K + k];
  };
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t r = 0; r < M && r < result.touchpoint_twins[k].size(); ++r) {
      const RoadmapRun& run = result.roadmaps[r];
      const RoadmapRun& twin = result.touchpoint_twins[k][r];
      const double cash = twin.at(SummaryMetric::npv_cash) - run.at(SummaryMetric::npv_cash);
      const double terminal =
          twin.at(SummaryMetric::npv_terminal) - run.at(SummaryMetric::npv_terminal);
      double failures = 0.0;
      for (int t = 1; t <= run.months; ++t) {
        failures += run.at(TouchpointMetric::failures, t, static_cast<int>(k));
      }
      const double total = cash + terminal;
      at(TouchpointSummaryMetric::avoidable_cost, r, k) = total;
      at(TouchpointSummaryMetric::avoidable_cost_cash, r, k) = cash;
      at(TouchpointSummaryMetric::avoidable_cost_terminal, r, k) = terminal;
      at(TouchpointSummaryMetric::cost_per_failure, r, k) =
          failures > 0.0 ? total / failures : kNaN;
    }
  }
  return values;
}

}  // namespace cxsim
