// The results-file reference (docs/results.md) from the metric tables.
#include "outputs/results_doc.hpp"

#include <fmt/format.h>

#include "engine/metrics.hpp"

namespace cxsim {

namespace {

std::string metric_table(std::span<const MetricInfo> metrics) {
  std::string out = "| dataset | units | meaning |\n|---|---|---|\n";
  for (const MetricInfo& m : metrics) {
    out += fmt::format("| `{}` | {} | {} |\n", m.name, m.units, m.description);
  }
  return out;
}

}  // namespace

std::string results_markdown() {
  std::string out = R"(# Results files

<!-- Generated from engine/metrics.cpp by `cxsim results-doc`; a test keeps it current. -->

`cxsim run` writes one HDF5 file per run, laid out as `../shared/RESULTS.md` specifies. Every
dataset has `units` and `description` attributes and dimension scales, so xarray opens any
group in one line:

```python
import xarray as xr
ts = xr.open_dataset("run.h5", engine="h5netcdf", group="timeseries")
summary = xr.open_dataset("run.h5", engine="h5netcdf", group="summary")
summary.npv.sel(roadmap="phased").quantile([0.05, 0.5, 0.95])
```

Money is in the scenario's currency; people and messages are real-world counts (agents times
`agent_weight`); NPS is in points (-100..100); satisfaction is on 0..10. Stocks (`customers`,
`prospects`, `lapsed`, `customer_equity`) are at the end of the month; flows during it;
`satisfaction_mean`, `nps`, `promoters` and `detractors` are over the customers active during
the month. NaN marks a value that does not exist (no customers, payback never reached, ROI of
the baseline).

## Root attributes

| attribute | meaning |
|---|---|
| `format`, `format_version` | `cxsim-results`, `1.0`; readers reject an unknown major version |
| `engine_version`, `git_commit` | the build that wrote the file |
| `created_utc`, `command_line`, `hostname` | provenance (these differ between otherwise identical runs) |
| `resumed_utc`, `resumed_command_line` | present when the run was finished with `--resume` |
| `seed`, `replications`, `horizon_months`, `agents`, `population`, `agent_weight` | the run's size |
| `scenario_name`, `scenario_sha256` | the scenario and the SHA-256 of `/scenario` |
| `currency` | the scenario's `currency` key (empty when not given): the unit of every `money` dataset |
| `baseline_roadmap` | the roadmap deltas and ROI are measured against |
| `zero_defect_counterfactual` | 1 when `/zero_defect` is present |
| `complete` | 1 once every replication is written; 0 while running or after an interrupt |

## Groups

| path | shape | content |
|---|---|---|
| `/scenario` | string | the fully resolved scenario (YAML, after `extends` and `--set`, defaults filled in) |
| `/coords/*` | 1-d | dimension scales `roadmap`, `replication`, `month` (1..T), `segment`, `touchpoint`, `statistic`, hard-linked into every group that uses them |
| `/timeseries/<metric>` | [roadmap, replication, month] | below |
| `/timeseries_by_segment/<metric>` | [roadmap, replication, month, segment] | below |
| `/timeseries_by_touchpoint/<metric>` | [roadmap, replication, month, touchpoint] | below |
| `/summary/<metric>` | [roadmap, replication] | below |
| `/statistics/<metric>` | [roadmap, statistic] | for every `/summary` metric: mean, sd (ddof 1), se, p05, p50, p95 (linear interpolation), n; NaN excluded |
| `/zero_defect/timeseries`, `/zero_defect/summary`, `/zero_defect/statistics` | as above | the zero-defect counterfactual (every failure rate 0, same random numbers), when enabled |
| `/parameters/<path>` | [replication] | the value drawn in each replication for each parameter given as a distribution, by scenario path |
| `/done` | [replication] | 1 for each replication written (what `--resume` reads) |

## /timeseries

)";
  out += metric_table(metric_infos());
  out += "\n## /timeseries_by_segment\n\n" + metric_table(segment_metric_infos());
  out += "\n## /timeseries_by_touchpoint\n\n" + metric_table(touchpoint_metric_infos());
  out += "\n## /summary\n\n" + metric_table(summary_metric_infos());
  return out;
}

}  // namespace cxsim
