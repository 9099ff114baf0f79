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
  {"npv", "money", "discounted cash flow over the horizon plus discounted terminal customer equity"},
  {"delta_npv", "money", "npv minus the baseline's npv in the same replication"},
  {"investment_pv", "money", "present value of the roadmap's initiative capex and opex"},
  {"roi", "1", "delta_npv / (investment_pv - baseline investment_pv); NaN when that is <= 0"},
  {"payback_month", "month", "first month from which cumulative discounted delta cash flow stays >= 0; NaN if never"},
  {"customer_equity_end", "money", "customer equity at the horizon (undiscounted)"},
  {"customers_end", "people", "customers at the horizon"},
  {"nps_end", "points (-100..100)", "net promoter score in the last month"},
  {"failure_cost_total", "money", "direct failure cost over the horizon (undiscounted)"},
  {"avoidable_cost_total", "money", "npv of the zero-defect counterfactual minus npv; NaN when it was not run"},
  {"churned_total", "people", "customers who left over the horizon"},
  {"beats_baseline", "1", "1 when delta_npv > 0, else 0"},
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

}  // namespace cxsim
