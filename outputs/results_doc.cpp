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

`cxsim sweep` and `cxsim sensitivity` write experiment files: the same metrics with a leading
`point` dimension, described in `docs/experiments.md`; `cxsim attribute` writes the Shapley
shares of a roadmap's initiatives and the metrics of its sub-roadmaps (`docs/experiments.md`,
"Attribution"); `cxsim optimize` writes them one row per observation of a candidate roadmap
(`docs/experiments.md`, "Optimisation").

## Root attributes

| attribute | meaning |
|---|---|
| `format`, `format_version` | `cxsim-results`, `1.1`; readers reject an unknown major version and read 1.0 files (which lack the 1.1 names) |
| `engine_version`, `git_commit` | the build that wrote the file |
| `created_utc`, `command_line`, `hostname` | provenance (these differ between otherwise identical runs) |
| `resumed_utc`, `resumed_command_line` | present when the run was finished or extended with `--resume` |
| `seed`, `replications`, `horizon_months`, `agents`, `population`, `agent_weight` | the run's size |
| `scenario_name`, `scenario_sha256` | the scenario and the SHA-256 of `/scenario` |
| `currency` | the scenario's `currency` key (empty when not given): the unit of every `money` dataset |
| `baseline_roadmap` | the roadmap deltas and ROI are measured against |
| `terminal_value` | the scenario's choice (`customer_equity_net`, `customer_equity` or `none`): what `npv` counts after the horizon; absent in 1.0 files |
| `zero_defect_counterfactual` | 1 when `/zero_defect` is present |
| `avoidable_cost_by_touchpoint` | 1 when `/summary_by_touchpoint` and `/statistics_by_touchpoint` are present |
| `random_numbers` | `common` (the default: every roadmap sees the same random numbers) or `independent` (`--independent-streams`); a resume must use the same |
| `posterior_source`, `posterior_sha256` | present when the scenario has a `posterior` (a calibration's overlay, docs/scenario.md): its `source` and `sha256` as the overlay wrote them (the results file the particles came from, relative to the overlay, and its SHA-256), recorded, not checked against that file |
| `complete` | 1 once every replication is written and the file has read back whole; 0 while running or after an interrupt |

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
| `/parameters/<path>` | [replication] | the value drawn in each replication for each parameter given as a distribution, by scenario path: a key's YAML path (`segments.consumer.revenue.price`), an effect's value `initiatives.<initiative>.effects.<target>` (the target as written, `#2` for a repeated target), a roadmap's override `roadmaps.<roadmap>.<initiative>.<key>` (docs/parameters.md, "Names of uncertain numbers"); with a `posterior`, also each number it sets (the replication's particle's value, under the name the posterior lists, `<path>.<kind>.<index>` included), and a slot whose distribution's parameter it sets holds that replication's draw |
| `/done` | [replication] | 1 for each replication written and on the disk (what `--resume` reads) |
| `/run/replication_sha256` | [replication] | run bookkeeping (comparisons of results skip `/run/`): the SHA-256, 64 hex characters, of each written replication's values in the datasets its `datasets` attribute lists, in that order, as native float64 in C order; empty until written |
| `/run` attribute `layout_sha256` | | SHA-256 of what the file holds from its creation on: root attributes (but `complete` and `resumed_*`), every dataset's name, type, shape and attributes, and `/scenario` and `/coords` |

## Writing, interrupting, resuming

- A run writes `<out>.partial` and renames it to `<out>` only once it is complete and has read
  back whole: reopened read-only, every dataset is read, the layout digest and every
  replication's digest are checked. `<out>` is never overwritten without `--force`.
- Files use the HDF5 1.10 format (superblock version 3: the superblock, object headers and
  chunk indexes carry checksums) with Fletcher-32 on every chunked dataset, so damage is an
  error when read, never data. Links and attributes stay in their (checksummed) object headers.
- Each replication's values are written with their digest and flushed to the disk (fdatasync)
  before `/done` marks it; then `/done` is flushed too. Every write, flush and close is checked: a
  full disk or an I/O error stops the run with a message (`cannot write the results: ...`),
  leaves no file under `<out>`, and leaves `<out>.partial` as it was on the disk at that moment.
- `--resume` first checks `<out>.partial` whole (every dataset readable, both digests) and
  refuses a damaged file (`is damaged (...); it cannot be resumed: start over with --force`), as
  it refuses one written for another scenario, seed, replication count or `random_numbers`
  mode. A file it accepts finishes to the same datasets as an uninterrupted run.
- `--resume` on a complete `<out>` (no `<out>.partial`) with `--replications` larger than it
  holds extends it. Under the same lock it checks `<out>` whole, writes `<out>.partial` for the
  new count with the first replications copied bit for bit with their digests (each block marked
  in `/done` once it is on the disk), runs the rest, computes `/statistics`, `/robustness` and the
  other statistics again over every replication, reads the file back whole and renames it over
  `<out>`. `<out>` stays as it was until that rename, so an interrupted or failed extension leaves
  both the complete file and a `.partial` that `--resume` with the same count finishes. The result
  has the datasets of a fresh run of the new count; `created_utc`, `command_line` and `hostname`
  are the first run's, `resumed_*` the extension's. Without a larger `--replications`, or when
  the seed, the random-number mode, the scenario or a `--set` differs (the message names the first
  difference), it is refused with exit code 2 and nothing is touched.
- One run at a time writes `<out>.partial`: it holds a lock on `<out>.partial.lock` (`flock`, so
  the kernel releases it when the run dies; the file holds the run's pid and is removed when
  the run ends). A second run, with `--force` or `--resume` or neither, is refused:
  `another cxsim run is writing it (pid N)`.
- `-o` must name a regular file or nothing yet, in an existing writable folder, and never an
  input (the scenario or a file its `extends` chain reads, however it is named); an empty `-o`,
  a folder, a device or a pipe is refused before anything runs (exit code 2).
- `cxsim summary` checks a file the same way before printing it and refuses one that does not
  read back whole, and a `.partial` that a running cxsim is writing. A `.partial` left by a
  killed run opens like any other file (cxsim takes no HDF5 file lock, so HDF5 never marks it
  as being written); `--resume` checks it whole before finishing it.
- The read back runs in a child process within a time limit: 120 s plus 1 s per 4 MiB of the
  file (the environment variable `CXSIM_READ_BACK_SECONDS` sets another, in whole seconds). A
  read back still going at the limit is ended and the file called damaged (`HDF5 did not finish
  reading it back within N s`): some damage makes HDF5 loop rather than fail.

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
