"""Shared helpers for the cxsim notebooks: run the executable, open results files, summarise and plot."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import h5py
import numpy as np
import xarray as xr
import yaml

# The groups of a results file (RESULTS.md) under the short names the notebooks use.
GROUPS = {
    "timeseries": "timeseries",
    "by_segment": "timeseries_by_segment",
    "by_touchpoint": "timeseries_by_touchpoint",
    "summary": "summary",
    "statistics": "statistics",
    "parameters": "parameters",
    "zd_timeseries": "zero_defect/timeseries",
    "zd_summary": "zero_defect/summary",
    "zd_statistics": "zero_defect/statistics",
}

# Lines of the avoidable-cost breakdown, in the order they are drawn. Each is a part of
# NPV(zero defect) - NPV(roadmap); together they add up to /summary/avoidable_cost_total.
BREAKDOWN_LABELS = {
    "failure_handling": "failure handling (direct cost of failures)",
    "lost_margin": "lost margin from churn (revenue - variable cost)",
    "cost_to_serve": "cost to serve (more customers, more contacts)",
    "replacement_acquisition": "replacement acquisition",
    "lost_equity": "customer equity lost at the horizon",
    "initiatives": "initiative spend",
}


# The same lines, short enough for tick labels.
BREAKDOWN_SHORT = {
    "failure_handling": "failure handling\n(direct)",
    "lost_margin": "lost margin\nfrom churn",
    "cost_to_serve": "cost to serve",
    "replacement_acquisition": "replacement\nacquisition",
    "lost_equity": "customer equity\nlost at horizon",
    "initiatives": "initiative\nspend",
}


def repo_root() -> Path:
    """The cxsim checkout this file belongs to (notebooks/ is one level below it); for the
    installed copy, P/share/cxsim, which holds the bundled scenarios/ the same way."""
    return Path(__file__).resolve().parent.parent


def find_cxsim() -> Path:
    """The cxsim executable, looked for in this order:

    1. ``$CXSIM``, when set: it must name an executable file (a wrong ``$CXSIM`` is an error,
       never silently replaced by another cxsim);
    2. ``cxsim`` on ``PATH`` (``shutil.which``), e.g. after
       ``cmake --install build --prefix ~/.local`` with ``~/.local/bin`` on ``PATH``;
    3. ``build/cli/cxsim`` in the checkout this file belongs to;
    4. when this file is the installed copy (``P/share/cxsim/python/``), ``P/bin/cxsim``.

    Raises FileNotFoundError listing every place tried."""
    env = os.environ.get("CXSIM")
    if env:
        path = Path(env)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise FileNotFoundError(
            f"cxsim executable not found: $CXSIM={env} is not an executable file; "
            "set CXSIM to the path of cxsim, or unset it to search PATH and the build")
    tried = ["$CXSIM (not set)"]
    on_path = shutil.which("cxsim")
    if on_path:
        return Path(on_path)
    tried.append("cxsim on PATH")
    candidates = [repo_root() / "build" / "cli" / "cxsim"]
    here = Path(__file__).resolve().parent
    if here.name == "python" and here.parent.name == "cxsim" and here.parent.parent.name == "share":
        candidates.append(here.parent.parent.parent / "bin" / "cxsim")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
        tried.append(str(path))
    raise FileNotFoundError(
        "cxsim executable not found; tried " + ", ".join(tried) + ". Build it with "
        "`cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target cxsim`, "
        "install it with `cmake --install build --prefix PREFIX` and put PREFIX/bin on PATH, "
        "or set CXSIM to its path")


def scenario_path(name: str) -> Path:
    """A bundled scenario by name ('telecom') or a path to any scenario file."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    return repo_root() / "scenarios" / f"{name}.yaml"


def work_dir() -> Path:
    """Where notebooks write results files: $CXSIM_WORK_DIR, else a fresh temporary folder.

    A temporary folder keeps generated .h5 files out of the checkout."""
    env = os.environ.get("CXSIM_WORK_DIR")
    if env:
        Path(env).mkdir(parents=True, exist_ok=True)
        return Path(env)
    return Path(tempfile.mkdtemp(prefix="cxsim-"))


def _set_args(sets: Mapping[str, object] | Iterable[str] | None) -> list[str]:
    if not sets:
        return []
    items = [f"{k}={v}" for k, v in sets.items()] if isinstance(sets, Mapping) else list(sets)
    args: list[str] = []
    for item in items:
        args += ["--set", item]
    return args


def run(scenario: str | Path, out: str | Path, *, replications: int | None = None,
        agents: int | None = None, seed: int | None = None, threads: int | None = None,
        sets: Mapping[str, object] | Iterable[str] | None = None, force: bool = True,
        extra: Sequence[str] = ()) -> Path:
    """Runs `cxsim run` and returns the results file; raises RuntimeError with cxsim's message on failure."""
    cmd = [str(find_cxsim()), "run", str(scenario_path(str(scenario))), "-o", str(out), "--quiet"]
    if replications is not None:
        cmd += ["--replications", str(replications)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    if force:
        cmd.append("--force")
    if agents is not None:
        cmd += ["--set", f"agents={agents}"]
    cmd += _set_args(sets)
    cmd += list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cxsim failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    return Path(out)


def sweep(scenario: str | Path, path: str, values: Iterable[object], out_dir: str | Path, *,
          sets: Mapping[str, object] | None = None, **run_kwargs) -> list[tuple[object, Path]]:
    """Runs the scenario once per value of one `--set` path; returns (value, results file) pairs.

    Every run keeps the same seed, so runs share their random numbers and differences between
    them come from the parameter, not from noise."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for i, value in enumerate(values):
        overrides = dict(sets or {})
        overrides[path] = value
        safe = "".join(c if c.isalnum() else "_" for c in path)
        out = out_dir / f"{safe}_{i}.h5"
        results.append((value, run(scenario, out, sets=overrides, **run_kwargs)))
    return results


@dataclass
class Results:
    """One results file, loaded into memory as one xarray Dataset per group."""

    path: Path
    attrs: dict
    scenario: dict
    groups: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> xr.Dataset:
        groups = self.__dict__.get("groups", {})
        if name in groups:
            return groups[name]
        if name in GROUPS:
            raise AttributeError(f"{self.path}: has no /{GROUPS[name]} group")
        raise AttributeError(name)

    @property
    def roadmaps(self) -> list[str]:
        return [str(r) for r in self.summary.roadmap.values]

    @property
    def baseline(self) -> str:
        # Root attribute baseline_roadmap; files without it compare against the first roadmap.
        return str(self.attrs.get("baseline_roadmap") or self.roadmaps[0])

    @property
    def alternatives(self) -> list[str]:
        return [r for r in self.roadmaps if r != self.baseline]

    @property
    def has_zero_defect(self) -> bool:
        return "zd_timeseries" in self.groups

    @property
    def monthly_discount_rate(self) -> float:
        annual = float(self.scenario.get("discount_rate_annual", 0.10))
        return (1.0 + annual) ** (1.0 / 12.0) - 1.0

    @property
    def discount_factor(self) -> xr.DataArray:
        """1 / (1 + d)^t per month (MODEL.md section 3)."""
        month = self.timeseries.month
        return (1.0 + self.monthly_discount_rate) ** (-month.astype(float))

    @property
    def terminal_value(self) -> bool:
        return self.scenario.get("terminal_value", "customer_equity") != "none"


def open_results(path: str | Path) -> Results:
    """Opens a results file: every group present as an xarray Dataset (loaded), root attributes, scenario."""
    path = Path(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("format") != "cxsim-results":
            raise ValueError(f"{path}: not a cxsim results file")
        if str(attrs.get("format_version", "")).split(".")[0] != "1":
            raise ValueError(f"{path}: format_version {attrs.get('format_version')} is not 1.x")
        text = f["scenario"][()]
        text = text.decode() if isinstance(text, bytes) else str(text)
        present = {short: name for short, name in GROUPS.items() if name in f}
    groups = {}
    for short, name in present.items():
        with xr.open_dataset(path, engine="h5netcdf", group=name) as ds:
            groups[short] = ds.load()
    return Results(path=path, attrs=attrs, scenario=yaml.safe_load(text) or {}, groups=groups)


def paired_delta(da: xr.DataArray, baseline: str) -> xr.DataArray:
    """Value minus the baseline's value in the same replication (common random numbers pair them)."""
    return da - da.sel(roadmap=baseline, drop=True)


def interval(da: xr.DataArray, dim: str = "replication", level: float = 0.90) -> xr.Dataset:
    """Median and central percentile interval over dim (linear interpolation, NaN ignored), plus the mean."""
    lo, hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
    q = da.quantile([lo, 0.5, hi], dim=dim, skipna=True)
    return xr.Dataset({
        "low": q.sel(quantile=lo, drop=True),
        "median": q.sel(quantile=0.5, drop=True),
        "high": q.sel(quantile=hi, drop=True),
        "mean": da.mean(dim, skipna=True),
    })


def probability(flags: xr.DataArray, dim: str = "replication") -> xr.Dataset:
    """Share of replications where flags is true, with a 95% Wilson score interval."""
    valid = flags.notnull()
    n = valid.sum(dim)
    k = (flags.where(valid, 0) > 0).sum(dim)
    p = k / n.where(n > 0)
    z = 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return xr.Dataset({"p": p, "low": (centre - half).clip(0, 1), "high": (centre + half).clip(0, 1),
                       "n": n})


def cumulative_discounted_delta(res: Results) -> xr.DataArray:
    """Cumulative discounted cash flow minus the baseline's, by roadmap, replication and month.

    This is the curve payback is read from (terminal value excluded)."""
    dcf = res.timeseries.discounted_cash_flow
    return paired_delta(dcf, res.baseline).cumsum("month")


def npv_from_timeseries(res: Results) -> xr.DataArray:
    """NPV rebuilt from the monthly cash flows and the terminal customer equity (checks /summary/npv)."""
    ts, disc = res.timeseries, res.discount_factor
    npv = (ts.net_cash_flow * disc).sum("month")
    if res.terminal_value:
        npv = npv + ts.customer_equity.isel(month=-1, drop=True) * disc.isel(month=-1, drop=True)
    return npv


def avoidable_breakdown(res: Results) -> xr.Dataset:
    """The zero-defect counterfactual's cash-flow statement minus the roadmap's, line by line, discounted.

    Each variable is [roadmap, replication] in money; their sum is /summary/avoidable_cost_total
    (NPV(zero defect) - NPV(roadmap)). Positive = money the failures cost."""
    if not res.has_zero_defect:
        raise ValueError(f"{res.path}: no zero-defect counterfactual (run with --avoidable-cost or "
                         "analysis.zero_defect_counterfactual: true)")
    diff = res.zd_timeseries - res.timeseries
    disc = res.discount_factor

    def pv(x):
        return (x * disc).sum("month")

    parts = {
        "failure_handling": pv(-diff.failure_cost),
        "lost_margin": pv(diff.revenue - diff.variable_cost),
        "cost_to_serve": pv(-diff.cost_to_serve),
        "replacement_acquisition": pv(-diff.acquisition_cost),
        "lost_equity": (diff.customer_equity.isel(month=-1, drop=True)
                        * disc.isel(month=-1, drop=True)) if res.terminal_value
        else xr.zeros_like(pv(diff.revenue)),
        "initiatives": pv(-(diff.initiative_opex + diff.initiative_capex)),
    }
    return xr.Dataset(parts)


def ranked_table(res: Results, level: float = 0.90):
    """One row per roadmap, best mean NPV gain first: what a strategy reader compares (pandas DataFrame)."""
    import pandas as pd

    s = res.summary
    delta = s.delta_npv
    best = prob_best(res)
    beats = probability(s.beats_baseline.where(s.roadmap != res.baseline))
    iv = interval(delta, level=level)
    pays = probability(s.payback_month.notnull().where(s.roadmap != res.baseline))
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    rows = []
    for r in res.roadmaps:
        rows.append({
            "roadmap": r,
            "NPV mean": float(s.npv.sel(roadmap=r).mean()),
            "vs baseline mean": float(iv["mean"].sel(roadmap=r)),
            f"vs baseline p{lo:02d}": float(iv["low"].sel(roadmap=r)),
            f"vs baseline p{hi:02d}": float(iv["high"].sel(roadmap=r)),
            "P(beats baseline)": float(beats.p.sel(roadmap=r)),
            "P(best)": float(best.sel(roadmap=r)),
            "ROI median": float(s.roi.sel(roadmap=r).median(skipna=True)),
            "payback median (month)": float(s.payback_month.sel(roadmap=r).median(skipna=True)),
            "P(pays back)": float(pays.p.sel(roadmap=r)),
            "customers end": float(s.customers_end.sel(roadmap=r).mean()),
            "NPS end": float(s.nps_end.sel(roadmap=r).mean()),
        })
    df = pd.DataFrame(rows).set_index("roadmap")
    return df.sort_values("vs baseline mean", ascending=False)


def prob_best(res: Results) -> xr.DataArray:
    """Share of replications in which each roadmap has the highest NPV (ties split)."""
    npv = res.summary.npv
    top = npv.max("roadmap")
    is_top = (npv == top).astype(float)
    return (is_top / is_top.sum("roadmap")).mean("replication")


def recommendation(res: Results, currency: str = "", level: float = 0.90) -> str:
    """A markdown paragraph that names the roadmap to choose and how sure the data allow one to be."""
    s = res.summary
    table = ranked_table(res, level)
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    n = int(s.sizes["replication"])
    first = table.index[0]
    beats = probability(s.beats_baseline.where(s.roadmap != res.baseline))
    if first == res.baseline:
        return (f"**Keep the baseline.** No roadmap raises NPV on average over {n} replications; "
                f"the best alternative, **{table.index[1]}**, beats the baseline in "
                f"{table.iloc[1]['P(beats baseline)']:.0%} of them."
                if len(table) > 1 else "**Only the baseline was simulated.**")
    row = table.iloc[0]
    text = (f"**Choose {first}.** Over {n} replications it adds "
            f"{format_money(row['vs baseline mean'], currency)} of NPV against the baseline on average "
            f"({lo}-{hi}% range {format_money(row[f'vs baseline p{lo:02d}'], currency)} to "
            f"{format_money(row[f'vs baseline p{hi:02d}'], currency)}), beats the baseline in "
            f"{row['P(beats baseline)']:.0%} of replications (95% interval "
            f"{float(beats.low.sel(roadmap=first)):.0%}-{float(beats.high.sel(roadmap=first)):.0%}) and has the highest NPV of all roadmaps "
            f"in {row['P(best)']:.0%}.")
    if not math.isnan(row["payback median (month)"]):
        text += (f" It pays back (cumulative discounted gain stays positive) by month "
                 f"{row['payback median (month)']:.0f} in the median replication, and pays back within "
                 f"the horizon in {row['P(pays back)']:.0%} of them.")
    others = [r for r in table.index[1:] if r != res.baseline]
    if others:
        second = others[0]
        gap = s.npv.sel(roadmap=first) - s.npv.sel(roadmap=second)
        gap_iv = interval(gap, level=level)
        p_gap = probability(gap > 0)
        text += (f"\n\nThe runner-up is **{second}**: {first} does better in "
                 f"{float(p_gap.p):.0%} of paired replications (95% interval "
                 f"{float(p_gap.low):.0%}-{float(p_gap.high):.0%}), by "
                 f"{format_money(float(gap_iv['mean']), currency)} on average "
                 f"({lo}-{hi}% range {format_money(float(gap_iv['low']), currency)} to "
                 f"{format_money(float(gap_iv['high']), currency)}). ")
        share = float(gap_iv["mean"]) / row["vs baseline mean"] if row["vs baseline mean"] else math.nan
        if float(p_gap.low) > 0.5:
            text += (f"So {first} is more likely than not the better of the two (the 95% interval of "
                     f"that share stays above 50%); the margin is {share:.0%} of its gain over the "
                     "baseline.")
        elif float(p_gap.high) < 0.5:
            text += "Odd: the runner-up wins more often although it gains less on average; look at the tails."
        else:
            text += ("The top two are close: the data do not separate them with confidence; run more "
                     "replications or decide between them on criteria outside the model (risk, "
                     "capacity, NPS).")
    return text


def format_money(x: float, currency: str = "", digits: int = 3) -> str:
    """Money with a k/M/B/T suffix and `digits` significant figures, e.g. 'USD 97.6M'; 'n/a' for NaN."""
    if x is None or not np.isfinite(x):
        return "n/a"
    x = float(x)
    a = abs(x)
    units = [(1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T")]
    idx = max((i for i, (scale, _) in enumerate(units) if a >= scale), default=0)
    while True:
        scale, suffix = units[idx]
        v = a / scale
        rounded = float(f"{v:.{digits}g}")
        decimals = max(0, digits - 1 - int(math.floor(math.log10(rounded)))) if rounded > 0 else 0
        body = f"{v:.{decimals}f}"
        # Rounding can carry into the next unit (999.96k is 1.00M, not 1000k).
        if float(body) >= 1000 and idx < len(units) - 1:
            idx += 1
            continue
        break
    sign = "-" if x < 0 and float(body) != 0 else ""
    return f"{sign}{currency} {body}{suffix}" if currency else f"{sign}{body}{suffix}"


def money_formatter(currency: str = ""):
    """A matplotlib tick formatter writing money axes as 50M, 1.2B."""
    from matplotlib.ticker import FuncFormatter
    def tick(v, _pos):
        text = format_money(v, "", digits=3)
        # Ticks read better as 5M than 5.00M.
        if "." in text:
            number, suffix = text.rstrip("kMBT"), text[len(text.rstrip("kMBT")):]
            text = number.rstrip("0").rstrip(".") + suffix
        return text
    return FuncFormatter(tick)


def roadmap_colors(res: Results) -> dict:
    """One colour per roadmap, the same in every chart (baseline first)."""
    return {r: f"C{i}" for i, r in enumerate(res.roadmaps)}


def money_label(what: str, currency: str = "") -> str:
    return f"{what} ({currency})" if currency else f"{what} (money)"


# Plots shared by the notebooks and scripts/make-figures.

def plot_fan(ax, res: Results, currency: str = "", level: float = 0.90, roadmaps=None):
    """Fan chart: median and central band of the cumulative discounted cash flow gained over the baseline."""
    cum = cumulative_discounted_delta(res)
    iv = interval(cum, level=level)
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    month = cum.month.values
    colors = roadmap_colors(res)
    for r in roadmaps or res.alternatives:
        color = colors[r]
        ax.fill_between(month, iv["low"].sel(roadmap=r), iv["high"].sel(roadmap=r), color=color,
                        alpha=0.18, linewidth=0)
        ax.plot(month, iv["median"].sel(roadmap=r), color=color, linewidth=2,
                label=f"{r} (median, {lo}-{hi}% band)")
    ax.axhline(0, color="black", linewidth=0.8, linestyle="--", label=f"break-even vs {res.baseline}")
    ax.set_title(f"Cumulative discounted cash flow gained over '{res.baseline}'"
                 f" ({lo}-{hi}% bands over {cum.sizes['replication']} replications)")
    ax.set_xlabel("month")
    ax.set_ylabel(money_label("cumulative discounted delta cash flow", currency))
    ax.yaxis.set_major_formatter(money_formatter(currency))
    ax.set_xlim(month[0], month[-1])
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_avoidable_breakdown(ax, res: Results, currency: str = "", level: float = 0.90,
                             roadmaps=None):
    """Grouped bars: each line of the avoidable cost (zero defect minus actual, discounted) with its interval."""
    parts = avoidable_breakdown(res)
    names = [k for k in BREAKDOWN_LABELS
             if not (k == "initiatives" and float(abs(parts[k]).max()) < 1e-6)]
    roadmaps = roadmaps or res.roadmaps
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    width = 0.8 / len(roadmaps)
    x = np.arange(len(names) + 1)
    total = res.summary.avoidable_cost_total
    colors = roadmap_colors(res)
    for i, r in enumerate(roadmaps):
        series = [parts[k].sel(roadmap=r) for k in names] + [total.sel(roadmap=r)]
        ivs = [interval(v) for v in series]
        mean = np.array([float(v["mean"]) for v in ivs])
        err = np.array([[float(v["mean"] - v["low"]) for v in ivs],
                        [float(v["high"] - v["mean"]) for v in ivs]]).clip(min=0)
        ax.bar(x - 0.4 + width * (i + 0.5), mean, width, yerr=err, capsize=2, color=colors[r],
               label=r, error_kw={"elinewidth": 0.8})
    ax.set_xticks(x)
    ax.set_xticklabels([BREAKDOWN_SHORT[k] for k in names] + ["TOTAL\navoidable cost"],
                       fontsize="small")
    ax.set_xlabel("line of the cash-flow statement (zero defect minus actual; positive = cost of failures)")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title(f"Avoidable cost of failures by line, present value "
                 f"(mean, {lo}-{hi}% bars over {total.sizes['replication']} replications)")
    ax.set_ylabel(money_label("present value", currency))
    ax.yaxis.set_major_formatter(money_formatter(currency))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="roadmap", fontsize="small")
    return ax


def roadmap_plan(res: Results) -> dict:
    """Each roadmap's initiatives as (name, start month), overrides applied, from the resolved scenario."""
    library = {i["name"]: i for i in res.scenario.get("initiatives", []) or []}
    plan = {}
    for roadmap in res.scenario.get("roadmaps", []) or []:
        steps = []
        for item in roadmap.get("initiatives", []) or []:
            # An item is a library name, or {use: name, ...overrides}.
            name = item.get("use", item.get("name")) if isinstance(item, dict) else str(item)
            start = item.get("start_month") if isinstance(item, dict) else None
            if start is None:
                start = library.get(name, {}).get("start_month", 1)
            steps.append((name, int(start)))
        plan[roadmap["name"]] = steps
    return plan
