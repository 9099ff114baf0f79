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
| `format`, `format_version` | `cxsim-results`, `1.1`; readers reject an unknown major version and read 1.0 files (which lack the 1.1 names) |
| `engine_version`, `git_commit` | the build that wrote the file |
| `created_utc`, `command_line`, `hostname` | provenance (these differ between otherwise identical runs) |
| `resumed_utc`, `resumed_command_line` | present when the run was finished with `--resume` |
| `seed`, `replications`, `horizon_months`, `agents`, `population`, `agent_weight` | the run's size |
| `scenario_name`, `scenario_sha256` | the scenario and the SHA-256 of `/scenario` |
| `currency` | the scenario's `currency` key (empty when not given): the unit of every `money` dataset |
| `baseline_roadmap` | the roadmap deltas and ROI are measured against |
| `terminal_value` | the scenario's choice (`customer_equity_net`, `customer_equity` or `none`): what `npv` counts after the horizon; absent in 1.0 files |
| `zero_defect_counterfactual` | 1 when `/zero_defect` is present |
| `avoidable_cost_by_touchpoint` | 1 when `/summary_by_touchpoint` and `/statistics_by_touchpoint` are present |
| `complete` | 1 once every replication is written; 0 while running or after an interrupt |

## Groups

| path | shape | content |
|---|---|---|
| `/scenario` | string | the fully resolved scenario (YAML, after `extends` and `--set`, defaults filled in) |
| `/coords/*` | 1-d | dimension scales `roadmap`, `replication`, `month` (1..T), `segment`, `touchpoint`, `statistic`, `terminal_value`, hard-linked into every group that uses them |
| `/timeseries/<metric>` | [roadmap, replication, month] | below |
| `/timeseries_by_segment/<metric>` | [roadmap, replication, month, segment] | below |
| `/timeseries_by_touchpoint/<metric>` | [roadmap, replication, month, touchpoint] | below |
| `/summary/<metric>` | [roadmap, replication] | below |
| `/statistics/<metric>` | [roadmap, statistic] | for every `/summary` metric: mean, sd (ddof 1), se, p05, p50, p95 (linear interpolation), n; NaN excluded |
| `/zero_defect/timeseries`, `/zero_defect/summary`, `/zero_defect/statistics` | as above | the zero-defect counterfactual (every failure rate 0, same random numbers), when enabled |
| `/summary_by_touchpoint/<metric>` | [roadmap, replication, touchpoint] | with `analysis.avoidable_cost_by_touchpoint`: each roadmap against its twin with only that touchpoint's failure rate 0 (same random numbers): below |
| `/statistics_by_touchpoint/<metric>` | [roadmap, touchpoint, statistic] | the same statistics as `/statistics`, of each `/summary_by_touchpoint` metric |
| `/robustness/<name>` | [terminal_value, roadmap] | the roadmaps under every terminal-value choice, from the same replications: below |
| `/parameters/<path>` | [replication] | the value drawn in each replication for each parameter given as a distribution, by scenario path |
| `/done` | [replication] | 1 for each replication written (what `--resume` reads) |

## /timeseries

)";
  out += metric_table(metric_infos());
  out += "\n## /timeseries_by_segment\n\n" + metric_table(segment_metric_infos());
  out += "\n## /timeseries_by_touchpoint\n\n" + metric_table(touchpoint_metric_infos());
  out += "\n## /summary\n\n" + metric_table(summary_metric_infos());
  out += R"(
## /summary_by_touchpoint

With `analysis.avoidable_cost_by_touchpoint: true`, every roadmap also runs once per touchpoint
with only that touchpoint's failure rate set to 0 after the roadmap's effects, on the same random
numbers (MODEL.md s.3, avoidable cost). Each twin is valued like the roadmap, with the roadmap's
sustaining cost over its own lifetimes, so the terminal part is net of it. With a single
touchpoint the twin is the zero-defect counterfactual, and `avoidable_cost` equals
`/summary/avoidable_cost_total` bit for bit. The per-touchpoint costs need not add up to the total:
failures at several touchpoints interact through satisfaction and churn. `/statistics_by_touchpoint`
holds their statistics over replications (as `/statistics`, with a touchpoint dimension).

)";
  out += metric_table(touchpoint_summary_metric_infos());
  out += R"(
## /robustness

Whether the answer depends on what is counted after the horizon (MODEL.md s.3). All three
terminal-value choices are functions of the same simulated customers, so one run ranks the
roadmaps under each; the summary table prints the same figures.

| dataset | units | meaning |
|---|---|---|
| `mean_delta_npv` | money | mean `delta_npv` under each choice (`delta_npv_customer_equity_net`, ...) |
| `p_best` | 1 | P(best): mean `is_best_<choice>` |
| `rank` | 1 | rank by mean NPV under the choice, 1 = best (ties share the better rank) |

Group attributes: `terminal_value` (the run's choice), `best_roadmap_index` (best by mean NPV
under it, an index into `/coords/roadmap`), `best_stays_best` (1 when that roadmap is best under
every choice) and `most_roadmaps_reranked` (the most roadmaps whose rank differs from the run's
ranking under any one choice).
)";
  return out;
}

}  // namespace cxsim
