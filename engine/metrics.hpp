// The metrics a run reports (RESULTS.md), with units and descriptions, and the in-memory result
// of one replication that the runner hands to the results writer.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cxsim {

struct MetricInfo {
  std::string_view name;
  std::string_view units;
  std::string_view description;
};

// /timeseries/<metric> [roadmap, replication, month]
enum class Metric : int {
  customers,
  prospects,
  lapsed,
  acquisitions,
  churned,
  winbacks,
  satisfaction_mean,
  nps,
  promoters,
  detractors,
  revenue,
  variable_cost,
  cost_to_serve,
  failure_cost,
  acquisition_cost,
  initiative_opex,
  initiative_capex,
  net_cash_flow,
  discounted_cash_flow,
  customer_equity,
  discounted_lifetime,
  return_on_customer,
  wom_positive,
  wom_negative,
  parameter_clamps,
  count
};

// /timeseries_by_segment/<metric> [roadmap, replication, month, segment]
enum class SegmentMetric : int {
  customers,
  churned,
  acquisitions,
  satisfaction_mean,
  nps,
  revenue,
  count
};

// /timeseries_by_touchpoint/<metric> [roadmap, replication, month, touchpoint]
enum class TouchpointMetric : int { contacts, failures, recovered, failure_cost, count };

// /summary/<metric> [roadmap, replication]
enum class SummaryMetric : int {
  npv,
  delta_npv,
  investment_pv,
  roi,
  payback_month,
  customer_equity_end,
  customers_end,
  nps_end,
  failure_cost_total,
  avoidable_cost_total,
  churned_total,
  beats_baseline,
  // Format 1.1 (MODEL.md s.3): where the value comes from, and how it depends on terminal_value.
  npv_cash,
  npv_terminal,
  delta_npv_cash,
  delta_npv_terminal,
  terminal_sustaining_cost,
  npv_customer_equity_net,
  npv_customer_equity,
  npv_none,
  is_best,
  paid_back,
  avoidable_cost_cash,
  avoidable_cost_terminal,
  // The comparison under every terminal choice, from the same simulated customers.
  delta_npv_customer_equity_net,
  delta_npv_customer_equity,
  delta_npv_none,
  is_best_customer_equity_net,
  is_best_customer_equity,
  is_best_none,
  count
};

// /summary_by_touchpoint/<metric> [roadmap, replication, touchpoint]: with
// analysis.avoidable_cost_by_touchpoint, against the roadmap's twin with only that touchpoint's
// failures removed.
enum class TouchpointSummaryMetric : int {
  avoidable_cost,
  avoidable_cost_cash,
  avoidable_cost_terminal,
  cost_per_failure,
  count
};

// The NPV, delta NPV and is_best metrics of one terminal-value choice.
struct TerminalChoiceMetrics {
  SummaryMetric npv, delta_npv, is_best;
};
inline constexpr TerminalChoiceMetrics kTerminalChoiceMetrics[] = {
    {SummaryMetric::npv_customer_equity_net, SummaryMetric::delta_npv_customer_equity_net,
     SummaryMetric::is_best_customer_equity_net},
    {SummaryMetric::npv_customer_equity, SummaryMetric::delta_npv_customer_equity,
     SummaryMetric::is_best_customer_equity},
    {SummaryMetric::npv_none, SummaryMetric::delta_npv_none, SummaryMetric::is_best_none},
};  // in the order of kTerminalValues

std::span<const MetricInfo> metric_infos();
std::span<const MetricInfo> segment_metric_infos();
std::span<const MetricInfo> touchpoint_metric_infos();
std::span<const MetricInfo> summary_metric_infos();
std::span<const MetricInfo> touchpoint_summary_metric_infos();

inline constexpr int kMetrics = static_cast<int>(Metric::count);
inline constexpr int kSegmentMetrics = static_cast<int>(SegmentMetric::count);
inline constexpr int kTouchpointMetrics = static_cast<int>(TouchpointMetric::count);
inline constexpr int kSummaryMetrics = static_cast<int>(SummaryMetric::count);
inline constexpr int kTouchpointSummaryMetrics = static_cast<int>(TouchpointSummaryMetric::count);

// Summary metrics of several roadmaps: [roadmap][SummaryMetric] -> one value per replication,
// in replication order.
using SummaryColumns = std::vector<std::array<std::vector<double>, kSummaryMetrics>>;

// One roadmap (or its zero-defect counterfactual) in one replication.
struct RoadmapRun {
  int months = 0;
  int segments = 0;
  int touchpoints = 0;
  std::vector<double> timeseries;     // [metric][month]
  std::vector<double> by_segment;     // [metric][month][segment]
  std::vector<double> by_touchpoint;  // [metric][month][touchpoint]
  std::array<double, kSummaryMetrics> summary{};

  RoadmapRun() = default;
  RoadmapRun(int months_, int segments_, int touchpoints_)
      : months(months_),
        segments(segments_),
        touchpoints(touchpoints_),
        timeseries(static_cast<std::size_t>(kMetrics) * months_, 0.0),
        by_segment(static_cast<std::size_t>(kSegmentMetrics) * months_ * segments_, 0.0),
        by_touchpoint(static_cast<std::size_t>(kTouchpointMetrics) * months_ * touchpoints_, 0.0) {}

  // month is 1-based, as in the model.
  double& at(Metric m, int month) {
    return timeseries[static_cast<std::size_t>(m) * months + (month - 1)];
  }
  double at(Metric m, int month) const {
    return timeseries[static_cast<std::size_t>(m) * months + (month - 1)];
  }
  double& at(SegmentMetric m, int month, int s) {
    return by_segment[(static_cast<std::size_t>(m) * months + (month - 1)) * segments + s];
  }
  double at(SegmentMetric m, int month, int s) const {
    return by_segment[(static_cast<std::size_t>(m) * months + (month - 1)) * segments + s];
  }
  double& at(TouchpointMetric m, int month, int k) {
    return by_touchpoint[(static_cast<std::size_t>(m) * months + (month - 1)) * touchpoints + k];
  }
  double at(TouchpointMetric m, int month, int k) const {
    return by_touchpoint[(static_cast<std::size_t>(m) * months + (month - 1)) * touchpoints + k];
  }
  double& at(SummaryMetric m) { return summary[static_cast<std::size_t>(m)]; }
  double at(SummaryMetric m) const { return summary[static_cast<std::size_t>(m)]; }
};

// Everything one replication produced, for every roadmap.
struct ReplicationResult {
  std::int64_t replication = 0;
  std::vector<RoadmapRun> roadmaps;     // by roadmap index
  std::vector<RoadmapRun> zero_defect;  // by roadmap index; empty unless the counterfactual runs
  // [touchpoint][roadmap]: the roadmap with only that touchpoint's failure rate 0, compared with
  // the baseline's twin of the same touchpoint; empty unless analysis.avoidable_cost_by_touchpoint.
  std::vector<std::vector<RoadmapRun>> touchpoint_twins;
  std::vector<double> parameters;  // drawn value of each uncertain slot (uncertain_slots order)
};

}  // namespace cxsim
