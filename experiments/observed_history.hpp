// The observed monthly history of `cxsim calibrate` (EXPERIMENTS.md `calibrate.observed`): a CSV
// file whose header is `month`, then RESULTS.md timeseries names, with an optional `segment`
// column (rows of one segment hold its /timeseries_by_segment values; rows without one, the
// totals). Empty cells are missing data; lines starting with '#' are comments. Values are in
// RESULTS.md units (real-world counts, money, NPS points), as the simulated series are.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/core/scenario.hpp"
#include "experiments/abc_smc.hpp"

namespace cxsim {

// One observed series: a metric in total or for one segment, month by month.
struct ObservedSeries {
  std::string metric;          // a timeseries name (RESULTS.md)
  std::string segment;         // "" for the total
  int metric_index = 0;        // Metric, or SegmentMetric when segment is not ""
  int segment_index = -1;      // in the scenario's segments
  std::vector<double> values;  // [month 1..horizon]; NaN where not observed

  // "customers" or "customers[consumer]".
  std::string label() const { return segment.empty() ? metric : metric + "[" + segment + "]"; }
};

struct ObservedHistory {
  std::string file;
  int horizon = 0;
  std::vector<ObservedSeries> series;  // columns in file order, totals first then segments
  int observed_cells() const;
};

// Reads the history against the base scenario (its horizon and segments), appending a
// diagnostic (file:line:col) per problem: a file that is not CSV text, a header without
// `month` first, unknown or repeated columns (did-you-mean), rows of another width, months not
// whole or outside 1..horizon, repeated months (per segment), cells that are not numbers,
// negative counts, NPS or satisfaction outside their scales, unknown segments, segment rows with
// a metric that has no by-segment series, and no observed value at all.
ObservedHistory read_observed_history(const std::string& path, const std::string& display,
                                      const Scenario& base, std::vector<Diagnostic>& diagnostics);

// The observed cells of a history, series by series and month by month (the layout of the
// simulated summaries, `series x horizon` values).
AbcObserved observed_cells(const ObservedHistory& history);

// `summary: total`: one cell per series, the sum of its observed months.
AbcObserved observed_totals(const ObservedHistory& history);
// The same sums of simulated monthly summaries (observed_cells' layout), over the months the
// history observes.
std::vector<double> series_totals(const ObservedHistory& history, std::span<const double> monthly);

// The same from text (tests).
ObservedHistory parse_observed_history(const std::string& text, const std::string& display,
                                       const Scenario& base, std::vector<Diagnostic>& diagnostics);

}  // namespace cxsim
