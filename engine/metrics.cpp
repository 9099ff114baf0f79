// Names, units and descriptions of every reported metric (the contract of RESULTS.md).
#include "engine/metrics.hpp"

namespace cxsim {

namespace {

// clang-format off
constexpr std::array<MetricInfo, kMetrics> kTimeseries{{
  {"customers", "people", "active customers at the end of the month"},
  {"prospects", "people", "people who have never been customers, at the end of the month"},
  {"lapsed", "people", "former customers at the end of the month"},
  {"acquisitions", "people", "new customers this month, won-back ones included"},
  {"churned", "people", "customers who left this month"},
  {"winbacks", "people", "former customers won back this month"},
  {"satisfaction_mean", "points (0-10)", "mean satisfaction of customers active during the month"},
  {"nps", "points (-100..100)", "net promoter score of customers active during the month"},
  {"promoters", "people", "promoters among customers active during the month"},
  {"detractors", "people", "detractors among customers active during the month"},
  {"revenue", "money", "revenue this month"},
  {"variable_cost", "money", "variable cost this month"},
  {"cost_to_serve", "money", "touchpoint contact cost this month"},
  {"failure_cost", "money", "direct cost of touchpoint failures this month (avoidable)"},
  {"acquisition_cost", "money", "cost of this month's acquisitions and win-backs"},
  {"initiative_opex", "money", "operating spend on the roadmap's initiatives this month"},
  {"initiative_capex", "money", "capital spend on the roadmap's initiatives this month"},
  {"net_cash_flow", "money", "revenue less every cost this month"},
  {"discounted_cash_flow", "money", "net cash flow discounted to month 0"},
  {"customer_equity", "money", "sum of customer lifetime values of customers at the end of the month (undiscounted to month 0)"},
  {"discounted_lifetime", "months", "average discounted remaining lifetime of customers at the end of the month: sum of 1 / (1 + d - r_i) over them / customers (L_t, MODEL.md s.3); 0 without customers"},
  {"return_on_customer", "1/month", "(cash flow + change in customer equity) / previous customer equity; NaN when that is <= 0"},
  {"wom_positive", "messages", "positive word-of-mouth messages received this month"},
  {"wom_negative", "messages", "negative word-of-mouth messages received this month, broadcast included"},
  {"parameter_clamps", "count", "parameter values clamped to their bounds after draws and initiative effects this month"},
}};

constexpr std::array<MetricInfo, kSegmentMetrics> kBySegment{{
  {"customers", "people", "active customers at the end of the month, by segment"},
  {"churned", "people", "customers who left this month, by segment"},
  {"acquisitions", "people", "new customers this month, by segment"},
  {"satisfaction_mean", "points (0-10)", "mean satisfaction of customers active during the month, by segment"},
  {"nps", "points (-100..100)", "net promoter score of customers active during the month, by segment"},
  {"revenue", "money", "revenue this month, by segment"},
}};

constexpr std::array<MetricInfo, kTouchpointMetrics> kByTouchpoint{{
  {"contacts", "contacts", "customer contacts at the touchpoint this month"},
  {"failures", "failures", "failed contacts this month"},
  {"recovered", "failures", "failures resolved at first contact this month"},
  {"failure_cost", "money", "direct cost of the touchpoint's failures this month"},
}};

constexpr std::array<MetricInfo, kSummaryMetrics> kSummary{{
  {"npv", "money", "npv_cash + npv_terminal under the scenario's terminal_value"},
  {"delta_npv", "money", "npv minus the baseline's npv in the same replication"},
  {"investment_pv", "money", "present value of the roadmap's initiative capex and opex, plus terminal_sustaining_cost under customer_equity_net"},
  {"roi", "1", "delta_npv / (investment_pv - baseline investment_pv); NaN when that is <= 0"},
  {"payback_month", "month", "first month from which cumulative discounted delta cash flow stays >= 0; NaN if never"},
  {"customer_equity_end", "money", "customer equity at the horizon (undiscounted)"},
  {"customers_end", "people", "customers at the horizon"},
  {"nps_end", "points (-100..100)", "net promoter score in the last month"},
  {"failure_cost_total", "money", "direct failure cost over the horizon (undiscounted)"},
  {"avoidable_cost_total", "money", "npv of the zero-defect counterfactual minus npv (avoidable_cost_cash + avoidable_cost_terminal); NaN when it was not run"},
  {"churned_total", "people", "customers who left over the horizon"},
  {"beats_baseline", "1", "1 when delta_npv > 0, else 0"},
  {"npv_cash", "money", "discounted net cash flow over the horizon"},
  {"npv_terminal", "money", "discounted terminal value under the scenario's terminal_value (0 under none)"},
  {"delta_npv_cash", "money", "npv_cash minus the baseline's in the same replication"},
  {"delta_npv_terminal", "money", "npv_terminal minus the baseline's in the same replication"},
  {"terminal_sustaining_cost", "money", "discounted run-rate cost of the initiatives in force at the horizon over the customers' remaining lifetimes, O_T L_T / (1 + d)^T"},
  {"npv_customer_equity_net", "money", "npv under terminal_value customer_equity_net"},
  {"npv_customer_equity", "money", "npv under terminal_value customer_equity (gross)"},
  {"npv_none", "money", "npv under terminal_value none (= npv_cash)"},
  {"is_best", "1", "1/k when the roadmap is one of k tied at the highest npv in the replication, else 0; NaN where npv is NaN (mean: P(best))"},
  {"paid_back", "1", "1 when payback_month is a month, 0 when it never comes; NaN for the baseline"},
  {"avoidable_cost_cash", "money", "npv_cash of the zero-defect counterfactual minus npv_cash; NaN when it was not run"},
  {"avoidable_cost_terminal", "money", "npv_terminal of the zero-defect counterfactual minus npv_terminal; NaN when it was not run"},
  {"delta_npv_customer_equity_net", "money", "npv_customer_equity_net minus the baseline's"},
  {"delta_npv_customer_equity", "money", "npv_customer_equity minus the baseline's"},
  {"delta_npv_none", "money", "npv_none minus the baseline's"},
  {"is_best_customer_equity_net", "1", "is_best by npv_customer_equity_net"},
  {"is_best_customer_equity", "1", "is_best by npv_customer_equity"},
  {"is_best_none", "1", "is_best by npv_none"},
}};

constexpr std::array<MetricInfo, kTouchpointSummaryMetrics> kTouchpointSummary{{
  {"avoidable_cost", "money", "npv of the roadmap's twin with only this touchpoint's failure rate 0 (same random numbers) minus npv: what this touchpoint's failures cost, churn, WOM and replacement acquisition included (avoidable_cost_cash + avoidable_cost_terminal)"},
  {"avoidable_cost_cash", "money", "npv_cash of the touchpoint's zero-defect twin minus npv_cash"},
  {"avoidable_cost_terminal", "money", "npv_terminal of the touchpoint's zero-defect twin minus npv_terminal (net of the roadmap's sustaining cost over the twin's lifetimes)"},
  {"cost_per_failure", "money per failure", "avoidable_cost / the touchpoint's failures over the horizon in the roadmap (timeseries_by_touchpoint/failures summed); NaN without failures"},
}};
// clang-format on

}  // namespace

std::span<const MetricInfo> metric_infos() {
  return kTimeseries;
}
std::span<const MetricInfo> segment_metric_infos() {
  return kBySegment;
}
std::span<const MetricInfo> touchpoint_metric_infos() {
  return kByTouchpoint;
}
std::span<const MetricInfo> summary_metric_infos() {
  return kSummary;
}
std::span<const MetricInfo> touchpoint_summary_metric_infos() {
  return kTouchpointSummary;
}

}  // namespace cxsim
