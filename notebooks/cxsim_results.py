"""Shared helpers for the cxsim notebooks: run the executable (runs and experiments), open results
and experiment files, summarise and plot."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
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
    "robustness": "robustness",
}

# The terminal-value choices (MODEL.md section 3), in the order of /coords/terminal_value: what
# NPV counts after the horizon. Every results file of format 1.1 has the NPV under each of them.
TERMINAL_CHOICES = {
    "customer_equity_net": "customer equity at the horizon net of the sustaining cost of the "
                           "initiatives still in force",
    "customer_equity": "customer equity at the horizon, gross (counts what initiatives buy after "
                       "the horizon, not what they cost)",
    "none": "nothing after the horizon (cash only)",
}

# Lines of the avoidable-cost breakdown, in the order they are drawn. Each is a part of
# NPV(zero defect) - NPV(roadmap); together they add up to /summary/avoidable_cost_total. The cash
# lines (over the horizon) add up to /summary/avoidable_cost_cash; the terminal line (after it) is
# /summary/avoidable_cost_terminal, the difference of the two npv_terminal.
BREAKDOWN_LABELS = {
    "failure_handling": "failure handling (direct cost of failures)",
    "lost_margin": "lost margin from churn (revenue - variable cost)",
    "cost_to_serve": "cost to serve (more customers, more contacts)",
    "replacement_acquisition": "replacement acquisition",
    "initiatives": "initiative spend",
    "lost_equity": "customer equity lost at the horizon (terminal value)",
}

# The lines that are cash over the horizon (the rest is the terminal value after it).
CASH_LINES = ("failure_handling", "lost_margin", "cost_to_serve", "replacement_acquisition",
              "initiatives")
TERMINAL_LINES = ("lost_equity",)


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


def experiment_path(name: str) -> Path:
    """A bundled experiment file by name ('telecom_sobol': scenarios/experiments/telecom_sobol.yaml)
    or a path to any experiment file."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    return repo_root() / "scenarios" / "experiments" / f"{name}.yaml"


def _resolve_scenario(value: str, base_dir: Path) -> str:
    """An experiment's `scenario:` as an absolute path: relative to base_dir, or a bundled name."""
    p = Path(str(value))
    if p.is_absolute():
        return str(p)
    if (base_dir / p).exists():
        return str((base_dir / p).resolve())
    bundled = scenario_path(str(value))
    if bundled.exists():
        return str(bundled.resolve())
    return str((base_dir / p).resolve())   # missing: cxsim says so, with the path


def load_experiment(path: str | Path) -> dict:
    """An experiment file (a path or a bundled name) as a dict, its `scenario:` made absolute, so
    that it can be changed (e.g. a smaller `base_samples`) and given to run_experiment from any
    folder."""
    path = experiment_path(str(path))
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: an experiment file is a mapping")
    if "scenario" in data:
        data["scenario"] = _resolve_scenario(data["scenario"], path.resolve().parent)
    return data


def run_experiment(command: str, experiment: str | Path | Mapping, out: str | Path, *,
                   replications: int | None = None, agents: int | None = None,
                   seed: int | None = None, threads: int | None = None,
                   sets: Mapping[str, object] | Iterable[str] | None = None, force: bool = True,
                   resume: bool = False, extra: Sequence[str] = (),
                   base_dir: str | Path | None = None) -> Path:
    """Runs `cxsim COMMAND EXPERIMENT -o OUT` (command: sweep, sensitivity, or any other experiment
    command) and returns the results file; raises RuntimeError with cxsim's message on failure.

    experiment is the path of an experiment file (used where it is, so its `scenario:` is
    relative to it), a bundled experiment's name, YAML text, or a dict (as load_experiment
    gives). Text and dicts are written beside the results file as `<out stem>.experiment.yaml`
    (the work folder, never the checkout); a relative `scenario:` in them is relative to base_dir
    (default: the current folder) or names a bundled scenario ('telecom'). The options are those
    of run(): agents is `--set agents=N`, sets more `--set` overrides of the base scenario (after
    the file's `set:`), replications and seed override the file's; resume finishes an interrupted
    experiment (`--resume`) instead of overwriting it (`--force`)."""
    out = Path(out)
    if isinstance(experiment, Mapping):
        data = dict(experiment)
    elif isinstance(experiment, str) and "\n" in experiment:
        data = yaml.safe_load(experiment)
        if not isinstance(data, dict):
            raise ValueError("experiment text is not a YAML mapping")
    else:
        data = None
        file = experiment_path(str(experiment))
        if not file.exists():
            raise FileNotFoundError(f"experiment file not found: {experiment} (tried {file})")
    if data is not None:
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        if "scenario" in data:
            data["scenario"] = _resolve_scenario(data["scenario"], base)
        out.parent.mkdir(parents=True, exist_ok=True)
        file = out.parent / f"{out.stem}.experiment.yaml"
        file.write_text(yaml.safe_dump(data, sort_keys=False))
    cmd = [str(find_cxsim()), command, str(file), "-o", str(out), "--quiet"]
    if replications is not None:
        cmd += ["--replications", str(replications)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    if resume:
        cmd.append("--resume")
    elif force:
        cmd.append("--force")
    if agents is not None:
        cmd += ["--set", f"agents={agents}"]
    cmd += _set_args(sets)
    cmd += list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cxsim failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    return out


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
    def terminal_value(self) -> str:
        """What NPV counts after the horizon: customer_equity_net, customer_equity or none.

        The root attribute of format 1.1; 1.0 files (no attribute) counted the gross equity."""
        return str(self.attrs.get("terminal_value")
                   or self.scenario.get("terminal_value", "customer_equity"))

    @property
    def currency(self) -> str:
        """The unit of every money dataset: the root attribute `currency` (the scenario's), '' if unset."""
        return str(self.attrs.get("currency") or self.scenario.get("currency") or "")

    def money(self, x: float, digits: int = 3) -> str:
        """format_money in this file's currency."""
        return format_money(x, self.currency, digits)


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


# The groups of an experiment file (docs/experiments.md) under the short names the notebooks use;
# /sensitivity/<output> goes to Experiment.sensitivity[output].
EXPERIMENT_GROUPS = {
    "design": "design",
    "summary": "summary",
    "statistics": "statistics",
    "timeseries_mean": "timeseries_mean",
    "parameters": "parameters",
    "base_summary": "base/summary",
    "paired_difference": "paired_difference",
}


@dataclass
class Experiment:
    """One experiment file (cxsim sweep / sensitivity / ...), loaded into memory: one xarray
    Dataset per group (EXPERIMENT_GROUPS), the sensitivity indices per output, root attributes,
    the resolved experiment file (`experiment_text` as stored in /experiment; `experiment` parsed,
    or {} where the text is not YAML that PyYAML reads) and the resolved scenario."""

    path: Path
    attrs: dict
    experiment: dict
    scenario: dict
    groups: dict = field(default_factory=dict)
    sensitivity: dict = field(default_factory=dict)
    experiment_text: str = ""

    def __getattr__(self, name: str) -> xr.Dataset:
        groups = self.__dict__.get("groups", {})
        if name in groups:
            return groups[name]
        if name in EXPERIMENT_GROUPS:
            raise AttributeError(f"{self.path}: has no /{EXPERIMENT_GROUPS[name]} group")
        raise AttributeError(name)

    @property
    def kind(self) -> str:
        """sweep, sensitivity, optimize, attribute or calibrate (root attribute `experiment`)."""
        return str(self.attrs.get("experiment", ""))

    @property
    def method(self) -> str:
        """The sensitivity method (sobol, morris, tornado) or the sweep design (grid, lhs, ...)."""
        block = self.experiment.get(self.kind) or {}
        return str(self.attrs.get("method") or block.get("method") or block.get("design") or "")

    @property
    def factors(self) -> list[str]:
        """The factor names of /coords/factor, in design column order."""
        return [str(f) for f in self.design.factor.values]

    @property
    def values(self) -> xr.DataArray:
        """/design/values: the factor values of each point, [point, factor]."""
        return self.design["values"]

    @property
    def outputs(self) -> list[str]:
        raw = self.attrs.get("outputs", self.experiment.get("outputs", ["delta_npv"]))
        if isinstance(raw, (str, bytes)):
            raw = [raw]
        return [v.decode() if isinstance(v, bytes) else str(v) for v in raw]

    @property
    def roadmaps(self) -> list[str]:
        return [str(r) for r in self.summary.roadmap.values]

    @property
    def baseline(self) -> str:
        return str(self.attrs.get("baseline_roadmap") or self.roadmaps[0])

    @property
    def alternatives(self) -> list[str]:
        return [r for r in self.roadmaps if r != self.baseline]

    @property
    def currency(self) -> str:
        return str(self.attrs.get("currency") or self.scenario.get("currency") or "")

    def money(self, x: float, digits: int = 3) -> str:
        return format_money(x, self.currency, digits)

    def point_mean(self, metric: str) -> xr.DataArray:
        """A point's output: the mean of the metric over its replications (NaN excluded),
        [point, roadmap]; the same numbers as /statistics/<metric> at `mean`."""
        return self.summary[metric].mean("replication", skipna=True)


def _text(value) -> str:
    value = value[()] if hasattr(value, "shape") else value
    return value.decode() if isinstance(value, bytes) else str(value)


def open_experiment(path: str | Path) -> Experiment:
    """Opens an experiment file: every group present as an xarray Dataset (loaded), each
    /sensitivity/<output> as a Dataset [roadmap, factor], root attributes, the resolved experiment
    file and scenario. Raises ValueError for a plain run's file or another kind of file."""
    path = Path(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("format") != "cxsim-results":
            raise ValueError(f"{path}: not a cxsim results file")
        if "experiment" not in f or not attrs.get("experiment"):
            raise ValueError(f"{path}: a run's results file, not an experiment's (use open_results)")
        experiment_text = _text(f["experiment"])
        try:
            experiment = yaml.safe_load(experiment_text) or {}
        except yaml.YAMLError:
            experiment = {}   # kept as text: Experiment.experiment_text
        scenario = (yaml.safe_load(_text(f["scenario"])) or {}) if "scenario" in f else {}
        present = {short: name for short, name in EXPERIMENT_GROUPS.items()
                   if name in f and isinstance(f[name], h5py.Group)}
        outputs = list(f["sensitivity"].keys()) if "sensitivity" in f else []
    groups = {}
    for short, name in present.items():
        with xr.open_dataset(path, engine="h5netcdf", group=name) as ds:
            groups[short] = ds.load()
    sensitivity = {}
    for output in outputs:
        with xr.open_dataset(path, engine="h5netcdf", group=f"sensitivity/{output}") as ds:
            sensitivity[output] = ds.load()
    return Experiment(path=path, attrs=attrs, experiment=experiment, scenario=scenario,
                      groups=groups, sensitivity=sensitivity, experiment_text=experiment_text)


def paired_differences(exp: Experiment, metric: str) -> xr.DataArray:
    """Each point's metric minus the base scenario's in the same replication, [point, roadmap,
    replication] (a sweep's /summary minus /base/summary): what /paired_difference summarises."""
    if "base_summary" not in exp.groups:
        raise ValueError(f"{exp.path}: no /base/summary (only sweeps run the base scenario)")
    return exp.summary[metric] - exp.base_summary[metric]


def t_quantile(p: float, df: int) -> float:
    """The p quantile of Student's t with an integer number of degrees of freedom (df >= 1).

    From the exact finite series of P(|T| <= t) for integer df (Abramowitz and Stegun 26.7.3-4),
    inverted by bisection; NaN for df < 1."""
    if df is None or not np.isfinite(df) or int(df) < 1:
        return math.nan
    df = int(df)
    if not 0.0 < p < 1.0:
        raise ValueError(f"t_quantile: p = {p} is not in (0, 1)")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    target = 2.0 * p - 1.0           # P(|T| <= t)

    def central(t: float) -> float:
        theta = math.atan(t / math.sqrt(df))
        c2 = math.cos(theta) ** 2
        if df % 2 == 1:
            term, total = math.cos(theta), 0.0
            if df > 1:
                total = term
                for j in range(1, (df - 3) // 2 + 1):
                    term *= c2 * (2 * j) / (2 * j + 1)
                    total += term
            return 2.0 / math.pi * (theta + math.sin(theta) * total)
        term, total = 1.0, 1.0
        for j in range(1, (df - 2) // 2 + 1):
            term *= c2 * (2 * j - 1) / (2 * j)
            total += term
        return math.sin(theta) * total

    lo, hi = 0.0, 1.0
    while central(hi) < target:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if central(mid) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def mean_interval(stats: xr.DataArray, level: float = 0.95) -> xr.Dataset:
    """The mean and its Student-t interval from a statistics DataArray with a `statistic`
    dimension holding mean, se and n (/statistics/<metric>, /paired_difference/<metric>):
    mean +- t(level, n - 1) se. NaN where n < 2."""
    mean = stats.sel(statistic="mean", drop=True)
    se = stats.sel(statistic="se", drop=True)
    n = stats.sel(statistic="n", drop=True)
    q = 0.5 + level / 2.0
    t = xr.apply_ufunc(np.vectorize(lambda k: t_quantile(q, int(k) - 1) if np.isfinite(k) and k >= 2
                                    else math.nan, otypes=[float]), n)
    return xr.Dataset({"mean": mean, "low": mean - t * se, "high": mean + t * se, "n": n})


def mean_interval_over(da: xr.DataArray, dim: str = "replication", level: float = 0.95) -> xr.Dataset:
    """The mean over dim and its Student-t interval, mean +- t(level, n - 1) sd / sqrt(n), NaN
    skipped (n counts the rest); for differences computed here, as mean_interval for the file's."""
    n = da.notnull().sum(dim)
    se = da.std(dim, ddof=1, skipna=True) / np.sqrt(n.where(n > 0))
    stats = xr.concat([da.mean(dim, skipna=True), se, n.astype(float)], dim="statistic")
    return mean_interval(stats.assign_coords(statistic=["mean", "se", "n"]), level)


def scenario_value(scenario: Mapping, path: str):
    """The value a dotted scenario path names in a resolved scenario (Results.scenario,
    Experiment.scenario): a number, or a distribution as written ({triangular: [...]}); list
    items are found by name (`touchpoints.billing.failure_rate`). KeyError if the path names
    nothing (for example an effect's value, which has no key of its own)."""
    node = scenario
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list):
            match = [item for item in node if isinstance(item, Mapping) and item.get("name") == part]
            if not match:
                raise KeyError(f"{path}: no item named {part!r}")
            node = match[0]
        else:
            raise KeyError(f"{path}: no key {part!r}")
    return node


def format_value(value) -> str:
    """A scenario value for a label: 0.4, or 'triangular(0.3, 0.45, 0.6)' for a distribution."""
    if isinstance(value, Mapping) and len(value) == 1:
        (kind, args), = value.items()
        if isinstance(args, (list, tuple)):
            return f"{kind}({', '.join(f'{a:g}' if isinstance(a, (int, float)) else str(a) for a in args)})"
        if isinstance(args, Mapping):
            return f"{kind}({', '.join(f'{k}={v}' for k, v in args.items())})"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sobol_columns(y: np.ndarray, N: int, k: int, rows: np.ndarray | None = None):
    """S1 and ST [k, M] of the columns of y [N (k + 2), M] (saltelli order), on base rows `rows`."""
    A, B = y[:N], y[N:2 * N]
    AB = y[2 * N:(2 + k) * N].reshape(k, N, -1)
    if rows is not None:
        A, B, AB = A[rows], B[rows], AB[:, rows]
    both = np.concatenate([A, B])
    constant = np.all(both == both[:1], axis=0)
    bad = constant | ~np.all(np.isfinite(both), axis=0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        V = both.var(axis=0)                               # divisor 2N
        m = both.mean(axis=0)                              # yB centred, as cxsim does
        S1 = np.mean((B - m)[None] * (AB - A[None]), axis=1) / V
        ST = np.mean((A[None] - AB) ** 2, axis=1) / (2.0 * V)
    bad_i = bad[None] | ~np.all(np.isfinite(AB), axis=1)
    S1[bad_i] = np.nan
    ST[bad_i] = np.nan
    return S1, ST, constant


def sobol_indices(y: xr.DataArray, factors: Sequence[str], *, bootstrap: int = 0,
                  level: float = 0.95, seed: int = 0) -> xr.Dataset:
    """Sobol indices of an output given at every point of a Saltelli design, as cxsim computes them.

    y has a `point` dimension in the file's order (A = points [0, N), B = [N, 2N), AB_i = A with
    factor i from B = [(2 + i) N, (3 + i) N)) and any others (roadmap, ...); factors names the k
    design columns (Experiment.factors). With V the variance (divisor 2N) of all yA and yB:
    S1_i = mean((yB - m) (yAB_i - yA)) / V (Saltelli et al. 2010, yB centred on m, the mean of yA
    and yB), ST_i = mean((yA - yAB_i)^2) / (2V)
    (Jansen 1999). NaN where the output does not vary or is not finite (docs/experiments.md).

    bootstrap > 0 adds S1_low/S1_high and ST_low/ST_high: the central `level` percentile
    interval over that many resamples of the N base rows (the same rows for V and every factor),
    drawn by NumPy from `seed`; resamples whose output does not vary are left out. The point
    estimates equal the file's; the intervals are of the same kind but not the same draws."""
    k = len(factors)
    if "point" not in y.dims:
        raise ValueError("sobol_indices: y has no `point` dimension")
    P = y.sizes["point"]
    if k < 1 or P % (k + 2):
        raise ValueError(f"sobol_indices: {P} points are not N (k + 2) for k = {k} factors")
    N = P // (k + 2)
    others = [d for d in y.dims if d != "point"]
    data = y.transpose("point", *others).values.astype(float)
    shape = data.shape[1:]
    flat = data.reshape(P, -1)
    S1, ST, _ = _sobol_columns(flat, N, k)
    out = {"S1": S1, "ST": ST}
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        s1s = np.full((bootstrap,) + S1.shape, np.nan)
        sts = np.full((bootstrap,) + ST.shape, np.nan)
        for b in range(bootstrap):
            rows = rng.integers(0, N, size=N)
            s1, st, constant = _sobol_columns(flat, N, k, rows)
            s1[:, constant] = np.nan
            st[:, constant] = np.nan
            s1s[b], sts[b] = s1, st
        lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
        with np.errstate(invalid="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN columns stay NaN
                for name, draws in (("S1", s1s), ("ST", sts)):
                    out[f"{name}_low"] = np.nanpercentile(draws, lo, axis=0)
                    out[f"{name}_high"] = np.nanpercentile(draws, hi, axis=0)
                    out[f"{name}_low"][np.isnan(out[name])] = np.nan
                    out[f"{name}_high"][np.isnan(out[name])] = np.nan
    coords = {d: y[d].values for d in others if d in y.coords}
    coords["factor"] = list(factors)
    dims = (*others, "factor")
    return xr.Dataset({name: (dims, np.moveaxis(v.reshape((k,) + shape), 0, -1))
                       for name, v in out.items()}, coords=coords)


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
    """Share of replications where flags is true, with a 95% Wilson score interval.

    Flags are 1 or 0 (NaN skipped); a fraction counts as that share of a replication, as
    /summary/is_best's 1/k for a k-way tie, so probability(is_best).p is P(best)."""
    valid = flags.notnull()
    n = valid.sum(dim)
    k = flags.where(valid, 0).astype(float).clip(0, 1).sum(dim)
    p = k / n.where(n > 0)
    z = 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return xr.Dataset({"p": p, "low": (centre - half).clip(0, 1), "high": (centre + half).clip(0, 1),
                       "n": n})


def cumulative_discounted_delta(res: Results) -> xr.DataArray:
    """Cumulative discounted cash flow minus the baseline's, by roadmap, replication and month.

    This is the curve payback is read from (terminal value excluded); at the horizon it is
    /summary/delta_npv_cash."""
    dcf = res.timeseries.discounted_cash_flow
    return paired_delta(dcf, res.baseline).cumsum("month")


def npv_cash_from_timeseries(res: Results, zero_defect: bool = False) -> xr.DataArray:
    """Discounted net cash flow over the horizon, rebuilt from the months (checks /summary/npv_cash)."""
    ts = res.zd_timeseries if zero_defect else res.timeseries
    return (ts.net_cash_flow * res.discount_factor).sum("month")


def terminal_from_timeseries(res: Results, choice: str | None = None,
                             zero_defect: bool = False) -> xr.DataArray:
    """The discounted terminal value (npv_terminal) rebuilt from the customer equity at the horizon.

    Under customer_equity_net (MODEL.md section 3) it is CE_T / (1 + d)^T less
    /summary/terminal_sustaining_cost (O_T L_T / (1 + d)^T: the running cost of the initiatives
    still in force, carried over the customers' remaining lifetimes); under customer_equity the
    gross CE_T / (1 + d)^T; under none 0. choice defaults to the run's; zero_defect rebuilds the
    zero-defect twin's from /zero_defect."""
    choice = choice or res.terminal_value
    ts = res.zd_timeseries if zero_defect else res.timeseries
    summary = res.zd_summary if zero_defect else res.summary
    equity = ts.customer_equity.isel(month=-1, drop=True) * res.discount_factor.isel(month=-1, drop=True)
    if choice == "none":
        return xr.zeros_like(equity)
    if choice == "customer_equity":
        return equity
    if choice == "customer_equity_net":
        if "terminal_sustaining_cost" not in summary:
            raise ValueError(f"{res.path}: no terminal_sustaining_cost (a format 1.0 file): "
                             "customer_equity_net cannot be rebuilt")
        return equity - summary.terminal_sustaining_cost
    raise ValueError(f"unknown terminal value choice {choice!r} (one of {', '.join(TERMINAL_CHOICES)})")


def npv_from_timeseries(res: Results, choice: str | None = None,
                        zero_defect: bool = False) -> xr.DataArray:
    """NPV rebuilt as cash over the horizon plus the terminal value (checks /summary/npv and npv_<choice>)."""
    return (npv_cash_from_timeseries(res, zero_defect)
            + terminal_from_timeseries(res, choice, zero_defect))


def value_split(res: Results) -> xr.Dataset:
    """Where each roadmap's NPV gain comes from, per replication: delta_npv = cash + terminal.

    `cash` is the discounted cash gained over the baseline within the horizon (the fan chart's
    curve at its last month), `terminal` the gain in terminal value after it."""
    s = res.summary
    if "delta_npv_cash" in s:
        cash, terminal = s.delta_npv_cash, s.delta_npv_terminal
    else:  # format 1.0
        cash = cumulative_discounted_delta(res).isel(month=-1, drop=True)
        terminal = s.delta_npv - cash
    return xr.Dataset({"delta_npv": s.delta_npv, "cash": cash, "terminal": terminal})


def avoidable_breakdown(res: Results) -> xr.Dataset:
    """The zero-defect counterfactual's cash-flow statement minus the roadmap's, line by line, discounted.

    Each variable is [roadmap, replication] in money; their sum is /summary/avoidable_cost_total
    (NPV(zero defect) - NPV(roadmap)). Positive = money the failures cost. The CASH_LINES add up to
    avoidable_cost_cash; `lost_equity` is the terminal part, the zero-defect twin's npv_terminal
    minus the roadmap's (avoidable_cost_terminal): under customer_equity_net it is net of the
    larger sustaining cost the twin's longer customer lifetimes carry."""
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
        "initiatives": pv(-(diff.initiative_opex + diff.initiative_capex)),
        "lost_equity": (terminal_from_timeseries(res, zero_defect=True)
                        - terminal_from_timeseries(res)),
    }
    return xr.Dataset(parts)


def avoidable_split(res: Results) -> xr.Dataset:
    """The avoidable cost in its two parts, [roadmap, replication]: cash (over the horizon),
    terminal (after it) and total = cash + terminal, from /summary (rebuilt for 1.0 files)."""
    s = res.summary
    if "avoidable_cost_cash" in s:
        cash, terminal = s.avoidable_cost_cash, s.avoidable_cost_terminal
    else:
        parts = avoidable_breakdown(res)
        cash = sum(parts[k] for k in CASH_LINES)
        terminal = sum(parts[k] for k in TERMINAL_LINES)
    return xr.Dataset({"cash": cash, "terminal": terminal, "total": s.avoidable_cost_total})


def payback_median(months) -> float:
    """Median payback month where "never" (NaN) is later than every month: the ceil(n/2)-th smallest.

    inf (never) when fewer than half of the replications pay back; NaN when there are none."""
    v = np.sort(np.where(np.isnan(np.asarray(months, dtype=float)), np.inf,
                         np.asarray(months, dtype=float)))
    if v.size == 0:
        return math.nan
    return float(v[(v.size + 1) // 2 - 1])


def format_payback(month: float, prefix: str = "") -> str:
    """'never' for inf, '-' for NaN (the baseline), else the month (after prefix, e.g. 'month ')."""
    if month is None or math.isnan(month):
        return "-"
    return "never" if math.isinf(month) else f"{prefix}{month:.0f}"


def payback_summary(res: Results) -> xr.Dataset:
    """Per roadmap: `share` of replications that pay back within the horizon (/summary/paid_back)
    and the `median` payback month counting never as later than every month (inf = never).
    NaN for the baseline, which has nothing to pay back."""
    s = res.summary
    pay = s.payback_month
    if "paid_back" in s:
        paid = s.paid_back
    else:  # format 1.0
        paid = pay.notnull().astype(float).where(s.roadmap != res.baseline)
    medians = []
    for r in res.roadmaps:
        counted = paid.sel(roadmap=r).notnull().values
        medians.append(payback_median(pay.sel(roadmap=r).values[counted])
                       if r != res.baseline and counted.any() else math.nan)
    median = xr.DataArray(medians, dims="roadmap", coords={"roadmap": s.roadmap.values})
    return xr.Dataset({"share": paid.mean("replication", skipna=True), "median": median})


def prob_best(res: Results, choice: str | None = None) -> xr.DataArray:
    """P(best): share of replications in which each roadmap has the highest NPV (ties split).

    The mean of /summary/is_best (is_best_<choice> for another terminal-value choice); files
    without it are ranked from npv."""
    s = res.summary
    name = "is_best" if choice is None else f"is_best_{choice}"
    if name in s:
        return s[name].mean("replication", skipna=True)
    npv = s.npv if choice is None else s[f"npv_{choice}"]
    top = npv.max("roadmap")
    is_top = (npv == top).astype(float)
    return (is_top / is_top.sum("roadmap")).mean("replication")


def _rank(mean_npv: xr.DataArray) -> xr.DataArray:
    """1 = best; ties share the better rank."""
    values = mean_npv.values
    ranks = [1 + int(np.sum(values > v)) for v in values]
    return xr.DataArray(np.asarray(ranks, dtype=float), dims="roadmap",
                        coords={"roadmap": mean_npv.roadmap.values})


def robustness_from_summary(res: Results) -> xr.Dataset:
    """The roadmaps under every terminal-value choice, [terminal_value, roadmap], from /summary's
    npv_<choice>, delta_npv_<choice> and is_best_<choice>: what /robustness holds."""
    s = res.summary
    missing = [f"npv_{c}" for c in TERMINAL_CHOICES if f"npv_{c}" not in s]
    if missing:
        raise ValueError(f"{res.path}: no {missing[0]} (a format 1.0 file): one terminal value only")
    choices = list(TERMINAL_CHOICES)
    stack = lambda arrays: xr.concat(arrays, dim="terminal_value").assign_coords(terminal_value=choices)
    return xr.Dataset({
        "mean_delta_npv": stack([s[f"delta_npv_{c}"].mean("replication") for c in choices]),
        "p_best": stack([prob_best(res, c) for c in choices]),
        "rank": stack([_rank(s[f"npv_{c}"].mean("replication")) for c in choices]),
    })


def robustness(res: Results) -> xr.Dataset:
    """/robustness ([terminal_value, roadmap]: mean_delta_npv, p_best, rank), else rebuilt from /summary."""
    if "robustness" in res.groups:
        return res.robustness
    return robustness_from_summary(res)


def ranked_table(res: Results, level: float = 0.90):
    """One row per roadmap, best mean NPV gain first: what a strategy reader compares (pandas DataFrame).

    `payback median (month)` is inf where the median replication never pays back (format_payback)."""
    import pandas as pd

    s = res.summary
    split = value_split(res)
    best = prob_best(res)
    beats = probability(s.beats_baseline.where(s.roadmap != res.baseline))
    iv = interval(split.delta_npv, level=level)
    pays = payback_summary(res)
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    rows = []
    for r in res.roadmaps:
        rows.append({
            "roadmap": r,
            "NPV mean": float(s.npv.sel(roadmap=r).mean()),
            "vs baseline mean": float(iv["mean"].sel(roadmap=r)),
            f"vs baseline p{lo:02d}": float(iv["low"].sel(roadmap=r)),
            f"vs baseline p{hi:02d}": float(iv["high"].sel(roadmap=r)),
            "vs baseline: cash mean": float(split.cash.sel(roadmap=r).mean()),
            "vs baseline: terminal mean": float(split.terminal.sel(roadmap=r).mean()),
            "P(beats baseline)": float(beats.p.sel(roadmap=r)),
            "P(best)": float(best.sel(roadmap=r)),
            "ROI median": float(s.roi.sel(roadmap=r).median(skipna=True)),
            "P(pays back)": float(pays.share.sel(roadmap=r)),
            "payback median (month)": float(pays["median"].sel(roadmap=r)),
            "customers end": float(s.customers_end.sel(roadmap=r).mean()),
            "NPS end": float(s.nps_end.sel(roadmap=r).mean()),
        })
    df = pd.DataFrame(rows).set_index("roadmap")
    return df.sort_values("vs baseline mean", ascending=False)


def value_split_text(res: Results, roadmap: str, currency: str | None = None) -> str:
    """One sentence: how much of a roadmap's mean NPV gain is cash within the horizon and how much
    is terminal value after it."""
    cur = res.currency if currency is None else currency
    split = value_split(res).sel(roadmap=roadmap).mean("replication")
    delta, cash, terminal = (float(split[k]) for k in ("delta_npv", "cash", "terminal"))
    T = int(res.attrs.get("horizon_months", res.timeseries.sizes["month"]))
    after = {"customer_equity_net": f"the customers still there at month {T}, valued net of what "
                                    "keeps the initiatives running after it",
             "customer_equity": f"the customers still there at month {T}, valued gross",
             "none": "nothing: the run counts no value after the horizon"}.get(res.terminal_value,
                                                                              "the terminal value")
    money = lambda x: format_money(x, cur)
    if cash >= 0 and terminal >= 0 and delta > 0:
        return (f"Of the {money(delta)} of NPV that **{roadmap}** gains on average, {money(cash)} "
                f"({cash / delta:.0%}) is cash within the {T}-month horizon and {money(terminal)} "
                f"({terminal / delta:.0%}) is terminal value ({after}).")
    if cash < 0 <= terminal:
        return (f"**{roadmap}** does not earn its cost back in cash within the {T}-month horizon: "
                f"its discounted cash is {money(cash)} against the baseline on average; the "
                f"terminal value ({after}) adds {money(terminal)}, so its NPV gain of "
                f"{money(delta)} comes entirely from after the horizon.")
    return (f"**{roadmap}**'s mean NPV gain of {money(delta)} is {money(cash)} of cash within the "
            f"{T}-month horizon and {money(terminal)} of terminal value ({after}).")


def terminal_choice_text(res: Results, currency: str | None = None) -> str:
    """Markdown bullets: the best roadmap under each terminal-value choice (from /robustness) and
    whether the decision depends on what is counted after the horizon."""
    cur = res.currency if currency is None else currency
    rob = robustness(res)
    chosen = res.terminal_value
    T = int(res.attrs.get("horizon_months", res.timeseries.sizes["month"]))
    best = {}
    lines = []
    run_order = None
    for c in rob.terminal_value.values:
        c = str(c)
        r = rob.sel(terminal_value=c)
        # Best by mean NPV (rank 1); ties go to the first listed.
        b = str(r.roadmap.values[int(np.argmin(r["rank"].values))])
        best[c] = b
        order = [str(x) for x in r.roadmap.values[np.argsort(r["rank"].values, kind="stable")]]
        if c == chosen:
            run_order = order
        tag = " (the run's choice)" if c == chosen else ""
        line = f"- Under **{c}**{tag}, counting {TERMINAL_CHOICES.get(c, c)}: **{b}** is best"
        if b == res.baseline:
            alts = [x for x in order if x != res.baseline]
            if alts:
                a = alts[0]
                line += (f": no roadmap beats the baseline on average (the closest, {a}, "
                         f"{format_money(float(r.mean_delta_npv.sel(roadmap=a)), cur)})")
        else:
            line += f", {format_money(float(r.mean_delta_npv.sel(roadmap=b)), cur)} over the baseline on average"
        line += f"; best in {float(r.p_best.sel(roadmap=b)):.0%} of replications"
        lines.append((c, line, order))
    out = []
    for c, line, order in lines:
        if c != chosen and run_order is not None:
            moved = sum(1 for a, b in zip(order, run_order) if a != b)
            line += "; same ranking as the run's" if moved == 0 else f"; {moved} of {len(order)} roadmaps change place"
        out.append(line + ".")
    text = "\n".join(out)
    run_best = best.get(chosen)
    others = sorted({b for c, b in best.items() if b != run_best})
    if not others:
        text += (f"\n\n**{run_best}** is best whatever is counted after the horizon: the decision "
                 "does not hang on the terminal value.")
    else:
        differ = "; ".join(f"{best[c]} under {c}" for c in best if best[c] != run_best)
        text += (f"\n\nThe decision depends on what is counted after month {T}: **{run_best}** under "
                 f"{chosen}, but {differ}.")
        if best.get("none") == res.baseline:
            text += (" Counting cash within the horizon only, no roadmap pays for itself: the case "
                     "for investing rests on the customers kept after the horizon, so check the "
                     "assumptions behind their value (retention, margin, sustaining cost).")
    return text


def recommendation(res: Results, currency: str | None = None, level: float = 0.90) -> str:
    """A markdown paragraph that names the roadmap to choose and how sure the data allow one to be."""
    currency = res.currency if currency is None else currency
    s = res.summary
    table = ranked_table(res, level)
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    n = int(s.sizes["replication"])
    T = int(res.attrs.get("horizon_months", res.timeseries.sizes["month"]))
    first = table.index[0]
    beats = probability(s.beats_baseline.where(s.roadmap != res.baseline))
    if first == res.baseline:
        return (f"**Keep the baseline.** No roadmap raises NPV on average over {n} replications; "
                f"the best alternative, **{table.index[1]}**, beats the baseline in "
                f"{table.iloc[1]['P(beats baseline)']:.0%} of them."
                if len(table) > 1 else "**Only the baseline was simulated.**")
    row = table.iloc[0]
    best_iv = probability(s.is_best if "is_best" in s else
                          (s.npv == s.npv.max("roadmap")).astype(float))
    text = (f"**Choose {first}.** Over {n} replications it adds "
            f"{format_money(row['vs baseline mean'], currency)} of NPV against the baseline on average "
            f"({lo}-{hi}% range {format_money(row[f'vs baseline p{lo:02d}'], currency)} to "
            f"{format_money(row[f'vs baseline p{hi:02d}'], currency)}), beats the baseline in "
            f"{row['P(beats baseline)']:.0%} of replications (95% interval "
            f"{float(beats.low.sel(roadmap=first)):.0%}-{float(beats.high.sel(roadmap=first)):.0%}) and has the highest NPV of all roadmaps "
            f"(P(best)) in {row['P(best)']:.0%} (95% interval "
            f"{float(best_iv.low.sel(roadmap=first)):.0%}-{float(best_iv.high.sel(roadmap=first)):.0%}).")
    text += " " + value_split_text(res, first, currency)
    share, median = row["P(pays back)"], row["payback median (month)"]
    if math.isinf(median):
        text += (f" Its cumulative discounted cash gain over the baseline turns and stays positive "
                 f"within the {T}-month horizon in {share:.0%} of replications, fewer than half: in "
                 f"the median replication it does not pay back within the horizon.")
    elif not math.isnan(median):
        text += (f" Its cumulative discounted cash gain over the baseline turns and stays positive "
                 f"within the horizon in {share:.0%} of replications; counting those that never do "
                 f"as later than every month, the median payback is month {median:.0f}.")
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
    try:
        text += "\n\nWhat each terminal value concludes:\n\n" + terminal_choice_text(res, currency)
    except ValueError:
        pass  # a format 1.0 file: one terminal value only
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


# Plots shared by the notebooks and scripts/make-figures. currency=None: the file's own.

def plot_fan(ax, res: Results, currency: str | None = None, level: float = 0.90, roadmaps=None):
    """Fan chart: median and central band of the cumulative discounted cash flow gained over the baseline.

    The curves are cash only; each legend entry gives the roadmap's mean NPV gain split into the
    cash at the horizon (the curve's end, mean) and the terminal value after it."""
    currency = res.currency if currency is None else currency
    cum = cumulative_discounted_delta(res)
    iv = interval(cum, level=level)
    split = value_split(res).mean("replication")
    pays = payback_summary(res)
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    month = cum.month.values
    colors = roadmap_colors(res)
    money = lambda x: format_money(x, "")
    for r in roadmaps or res.alternatives:
        color = colors[r]
        ax.fill_between(month, iv["low"].sel(roadmap=r), iv["high"].sel(roadmap=r), color=color,
                        alpha=0.18, linewidth=0)
        ax.plot(month, iv["median"].sel(roadmap=r), color=color, linewidth=2,
                label=(f"{r}: NPV gain {money(float(split.delta_npv.sel(roadmap=r)))} = cash "
                       f"{money(float(split.cash.sel(roadmap=r)))} + terminal "
                       f"{money(float(split.terminal.sel(roadmap=r)))}; pays back in "
                       f"{float(pays.share.sel(roadmap=r)):.0%}"))
    ax.axhline(0, color="black", linewidth=0.8, linestyle="--", label=f"break-even vs {res.baseline}")
    ax.set_title(f"Cumulative discounted cash flow gained over '{res.baseline}'"
                 f" (median, {lo}-{hi}% bands over {cum.sizes['replication']} replications)")
    ax.set_xlabel("month")
    ax.set_ylabel(money_label("cumulative discounted delta cash flow", currency))
    ax.yaxis.set_major_formatter(money_formatter(currency))
    ax.set_xlim(month[0], month[-1])
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize="small", ncol=1,
              title=f"roadmap: mean NPV gain ({res.terminal_value}) = cash to month "
                    f"{month[-1]} + terminal value after it; share of replications that pay back",
              title_fontsize="small")
    return ax


def plot_value_split(ax, res: Results, currency: str | None = None, level: float = 0.90,
                     roadmaps=None):
    """Where the NPV gain comes from: per roadmap, the mean cash gained within the horizon (solid)
    and the terminal value gained after it (hatched), gains stacked right of zero and losses left
    of it, so that they net to the mean NPV gain (diamond, with the central interval of the NPV
    gain)."""
    currency = res.currency if currency is None else currency
    split = value_split(res)
    means = split.mean("replication")
    iv = interval(split.delta_npv, level=level)
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    colors = roadmap_colors(res)
    names = roadmaps or sorted(res.alternatives, key=lambda r: float(means.delta_npv.sel(roadmap=r)))
    y = np.arange(len(names))
    for i, r in enumerate(names):
        right = left = 0.0
        for part, style in (("cash", {}), ("terminal", {"alpha": 0.45, "hatch": "//"})):
            v = float(means[part].sel(roadmap=r))
            start = right if v >= 0 else left
            ax.barh(i, v, 0.6, left=start, color=colors[r], edgecolor="black", linewidth=0.5, **style)
            if v >= 0:
                right += v
            else:
                left += v
        d = float(means.delta_npv.sel(roadmap=r))
        err = np.array([[d - float(iv["low"].sel(roadmap=r))], [float(iv["high"].sel(roadmap=r)) - d]])
        ax.errorbar(d, i, xerr=err.clip(min=0), fmt="D", color="black", markerfacecolor="white",
                    capsize=3, zorder=3)
    from matplotlib.patches import Patch
    from matplotlib.lines import Line2D
    T = int(res.timeseries.month.values[-1])
    ax.legend(handles=[Patch(facecolor="lightgrey", edgecolor="black", label=f"cash within the horizon (months 1-{T})"),
                       Patch(facecolor="lightgrey", edgecolor="black", hatch="//", alpha=0.6,
                             label=f"terminal value after month {T} ({res.terminal_value})"),
                       Line2D([], [], marker="D", color="black", markerfacecolor="white", linestyle="",
                              label=f"NPV gain (net): mean, {lo}-{hi}% interval")],
              fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.set_ylabel("roadmap")
    ax.set_xlabel(money_label(f"NPV gained over '{res.baseline}' (mean)", currency))
    ax.xaxis.set_major_formatter(money_formatter(currency))
    ax.set_title(f"Where the NPV gain comes from: cash over the horizon and terminal value after it "
                 f"({split.sizes['replication']} replications)")
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_avoidable_breakdown(ax, res: Results, currency: str | None = None, level: float = 0.90,
                             roadmaps=None):
    """Grouped bars: each line of the avoidable cost (zero defect minus actual, discounted) with its
    interval; the cash lines and their subtotal (avoidable_cost_cash) first, then the terminal part
    (avoidable_cost_terminal, hatched) apart from them, then the total."""
    currency = res.currency if currency is None else currency
    parts = avoidable_breakdown(res)
    split = avoidable_split(res)
    cash_names = [k for k in CASH_LINES
                  if not (k == "initiatives" and float(abs(parts[k]).max()) < 1e-6)]
    roadmaps = roadmaps or res.roadmaps
    lo, hi = int(round(100 * (1 - level) / 2)), int(round(100 * (1 + level) / 2))
    width = 0.8 / len(roadmaps)
    k = len(cash_names)
    # Cash lines, their subtotal, a gap, the terminal part, a gap, the total.
    x = np.array(list(range(k + 1)) + [k + 1.6, k + 3.0])
    groups = ([parts[n] for n in cash_names] + [split.cash, split.terminal, split.total])
    labels = ([BREAKDOWN_SHORT[n] for n in cash_names]
              + ["CASH\nover the horizon", "TERMINAL VALUE\nafter the horizon",
                 "TOTAL avoidable cost\n(cash + terminal)"])
    hatches = [""] * k + ["", "//", ""]
    edges = [0.3] * k + [1.2, 1.2, 1.2]
    colors = roadmap_colors(res)
    for i, r in enumerate(roadmaps):
        ivs = [interval(v.sel(roadmap=r)) for v in groups]
        mean = np.array([float(v["mean"]) for v in ivs])
        err = np.array([[float(v["mean"] - v["low"]) for v in ivs],
                        [float(v["high"] - v["mean"]) for v in ivs]]).clip(min=0)
        pos = x - 0.4 + width * (i + 0.5)
        # Every bar but the total's; the total is drawn as its cash part with the terminal part on top.
        ax.bar(pos[:-1], mean[:-1], width, yerr=err[:, :-1], capsize=2, color=colors[r],
               label=r, error_kw={"elinewidth": 0.8}, hatch=hatches[:-1], edgecolor="black",
               linewidth=edges[:-1])
        cash, terminal = mean[k], mean[k + 1]
        ax.bar(pos[-1], cash, width, color=colors[r], edgecolor="black", linewidth=edges[-1])
        ax.bar(pos[-1], terminal, width, bottom=cash, color=colors[r], hatch="//",
               edgecolor="black", linewidth=edges[-1], yerr=err[:, -1:], capsize=2,
               error_kw={"elinewidth": 0.8})
    T = int(res.timeseries.month.values[-1])
    ax.axvspan(-0.5, k + 0.5, color="tab:blue", alpha=0.05, linewidth=0)
    ax.axvspan(k + 1.1, k + 2.1, color="tab:orange", alpha=0.08, linewidth=0)
    ax.axvline(k + 2.3, color="grey", linewidth=0.8, linestyle=":")
    base = res.baseline if res.baseline in roadmaps else roadmaps[0]
    mean_of = lambda v: format_money(float(v.sel(roadmap=base).mean()), currency)
    ax.text((k - 0.5) / 2 + 0.0, 0.98, f"cash, months 1-{T}\n({base}: {mean_of(split.cash)})",
            transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize="small")
    ax.text(k + 1.6, 0.98, f"terminal value after month {T}\n({res.terminal_value};\n"
                           f"{base}: {mean_of(split.terminal)})",
            transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize="small")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize="small")
    ax.set_xlim(-0.6, x[-1] + 0.6)
    ax.set_xlabel("line of the cash-flow statement (zero defect minus actual; positive = cost of failures)")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title(f"Avoidable cost of failures by line, present value "
                 f"(mean, {lo}-{hi}% bars over {split.sizes['replication']} replications)")
    ax.set_ylabel(money_label("present value", currency))
    ax.yaxis.set_major_formatter(money_formatter(currency))
    top = max(float(interval(split.total.sel(roadmap=r))["high"]) for r in roadmaps)
    ax.set_ylim(top=1.18 * top)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="roadmap", fontsize="small", loc="upper left", bbox_to_anchor=(0.0, 0.88))
    return ax


def _order_by(values: np.ndarray) -> np.ndarray:
    """Indices sorting values from largest to smallest, NaN last."""
    key = np.where(np.isnan(values), -np.inf, values)
    return np.argsort(-key, kind="stable")


def plot_sobol_indices(ax, indices: xr.Dataset, title: str = "", top: int | None = None,
                       level: float = 0.95):
    """Horizontal bars of S1 (first order) and ST (total) per factor, largest ST on top, with the
    intervals where indices holds S1_low/S1_high and ST_low/ST_high (sobol_indices, or one
    roadmap of Experiment.sensitivity[output]). indices is [factor]; top keeps the first ones."""
    st = indices.ST.values
    order = _order_by(st)[:top]
    names = [str(f) for f in indices.factor.values[order]]
    y = np.arange(len(order))
    for name, offset, color, label in (("S1", -0.2, "C0", "S1: alone"),
                                       ("ST", 0.2, "C3", "ST: with its interactions")):
        v = indices[name].values[order]
        err = None
        if f"{name}_low" in indices and f"{name}_high" in indices:
            lo, hi = indices[f"{name}_low"].values[order], indices[f"{name}_high"].values[order]
            err = np.array([v - lo, hi - v]).clip(min=0)
            err = np.where(np.isnan(err), 0, err)
        ax.barh(y + offset, np.nan_to_num(v), 0.38, xerr=err, color=color, alpha=0.85,
                error_kw={"elinewidth": 0.8, "capsize": 2}, label=label)
    ax.set_yticks(y, names, fontsize="small")
    ax.set_ylim(len(order) - 0.5, -0.5)                 # largest on top
    ax.axvline(0, color="black", linewidth=0.8)
    # The axis spans the estimates and [0, 1]; a wider interval (few base samples) is cut at it.
    est = np.concatenate([indices.S1.values[order], indices.ST.values[order]])
    est = est[np.isfinite(est)]
    lo = min(0.0, float(est.min()) if est.size else 0.0) - 0.05
    hi = max(1.0, float(est.max()) if est.size else 1.0) + 0.05
    ax.set_xlim(lo, hi)
    ax.set_xlabel(f"Sobol index: share of the output's variance (lines: {level:.0%} intervals, "
                  "cut at the axis)")
    ax.set_ylabel("factor")
    ax.set_title(title or "Sobol indices")
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_tornado(ax, tornado: xr.Dataset, currency: str = "", title: str = "", what: str = "",
                 top: int | None = None, low_label: str = "factor at its p05",
                 high_label: str = "factor at its p95"):
    """Tornado chart of one output ([factor] with low, high and base, as /sensitivity/<output>
    of a tornado study): a bar from base to each end, the largest swing |high - low| on top."""
    low, high = tornado["low"].values, tornado["high"].values
    base = float(np.nanmean(tornado["base"].values))
    order = _order_by(np.abs(high - low))[:top]
    names = [str(f) for f in tornado.factor.values[order]]
    y = np.arange(len(order))
    ax.barh(y, low[order] - base, 0.6, left=base, color="C0", alpha=0.85, label=low_label)
    ax.barh(y, high[order] - base, 0.6, left=base, color="C3", alpha=0.85, label=high_label)
    ax.axvline(base, color="black", linewidth=1,
               label=f"every factor at its median: {format_money(base, currency)}")
    ax.set_yticks(y, names, fontsize="small")
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_ylabel("factor")
    ax.set_xlabel(money_label(what or "output (mean over replications)", currency))
    ax.xaxis.set_major_formatter(money_formatter(currency))
    ax.set_title(title or "Tornado")
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(axis="x", alpha=0.3)
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


# --- Plans: the optimiser's frontier, Shapley shares, and a roadmap's capex --------------------

def _strings(values) -> list[str]:
    return [_text(v) for v in values]


def open_optimize(path: str | Path) -> dict:
    """An optimize file (`cxsim optimize`) as plain Python: the candidates (parsed YAML plans with
    mean, se, n, eliminated_at, capex_total), the chosen plan (`best`, a mapping that pastes into
    the scenario's roadmaps), P(correct selection) with its kind (guaranteed or estimated) and
    what stopped the procedure, the replications spent against equal allocation's, the zone and
    confidence, and the frontier (one row per capex_total budget) when the file has one."""
    path = Path(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("experiment") != "optimize":
            raise ValueError(f"{path}: not an optimize file (experiment = {attrs.get('experiment')!r})")
        g = f["optimize"]
        plans = [yaml.safe_load(t) for t in _strings(g["candidates"][()])]
        candidates = [dict(plan=p, mean=float(m), se=float(s), n=int(n), eliminated_at=float(e),
                           capex_total=float(c))
                      for p, m, s, n, e, c in zip(plans, g["mean"][()], g["se"][()], g["n"][()],
                                                  g["eliminated_at"][()], g["capex_total"][()])]
        p_correct = g["p_correct"]
        out = dict(
            path=path, attrs=attrs, candidates=candidates,
            best=yaml.safe_load(_text(g["best"][()])), best_candidate=int(g["best_candidate"][()]),
            p_correct=float(p_correct[()]), kind=_text(p_correct.attrs.get("kind", "")),
            stopped_by=_text(p_correct.attrs.get("stopped_by", "")),
            replications=int(g["replications"][()]),
            equal_allocation=float(g["equal_allocation_replications"][()]),
            zone=float(attrs["indifference_zone"]), confidence=float(attrs["confidence"]),
            currency=str(attrs.get("currency", "")), frontier=None)
        if "frontier" in g:
            fr = g["frontier"]
            out["frontier"] = [
                dict(budget=float(b), mean=float(m), se=float(s), p_correct=float(p),
                     replications=int(r), best=yaml.safe_load(t))
                for b, m, s, p, r, t in zip(fr["budget"][()], fr["mean"][()], fr["se"][()],
                                            fr["p_correct"][()], fr["replications"][()],
                                            _strings(fr["best"][()]))]
    return out


def plan_label(plan: Mapping) -> str:
    """A plan as 'billing_fix@1 + digital_app@13' ('no initiative' when empty)."""
    steps = [f"{s['use']}@{s.get('start_month', 1)}" for s in plan.get("initiatives", []) or []]
    return " + ".join(steps) if steps else "no initiative"


def open_attribution(path: str | Path) -> dict:
    """An attribution file (`cxsim attribute`): the Shapley shares per initiative and replication
    (`shapley`, a DataArray [initiative, replication]), the value shared out per replication
    (`total`), the metric of each sub-roadmap evaluated (`value` [coalition, replication], the
    coalition written as '[billing_fix, digital_app]'), the roadmap and metric, and the method."""
    path = Path(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("experiment") != "attribute":
            raise ValueError(f"{path}: not an attribution file (experiment = {attrs.get('experiment')!r})")
        g = f["attribute"]
        names = _strings(g["initiative"][()])
        shapley = np.asarray(g["shapley"][()], dtype=float)
        total = np.asarray(g["total"][()], dtype=float)
        coalitions = _strings(g["coalitions"][()])
        value = np.asarray(g["value"][()], dtype=float)
    reps = np.arange(shapley.shape[1])
    return dict(
        path=path, attrs=attrs, roadmap=str(attrs["roadmap"]), metric=str(attrs["metric"]),
        method=str(attrs["method"]), currency=str(attrs.get("currency", "")),
        shapley=xr.DataArray(shapley, dims=("initiative", "replication"),
                             coords={"initiative": names, "replication": reps}),
        total=xr.DataArray(total, dims=("replication",), coords={"replication": reps}),
        value=xr.DataArray(value, dims=("coalition", "replication"),
                           coords={"coalition": coalitions, "replication": reps}))


def _written_mean(value) -> float:
    """A number as the optimiser's constraints count it: a constant, or a distribution's mean."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping) and len(value) == 1:
        kind, p = next(iter(value.items()))
        if kind == "normal":
            return float(p[0])
        if kind == "uniform":
            return (float(p[0]) + float(p[1])) / 2
        if kind == "triangular":
            return (float(p[0]) + float(p[1]) + float(p[2])) / 3
    raise ValueError(f"capex value {value!r}: a number, or a normal, uniform or triangular distribution")


def roadmap_capex(scenario: Mapping, roadmap: str) -> dict:
    """A roadmap's capex as `cxsim optimize` counts it against its constraints: each initiative's
    capex as written (a distribution's mean), spent in its start month, or evenly over `months`
    from its start for `capex: {total, months}`, up to the horizon. Returns the total and the
    spend in each plan year (months 1-12, 13-24, ...)."""
    horizon = int(scenario["horizon_months"])
    library = {i["name"]: i for i in scenario.get("initiatives", []) or []}
    by_month = np.zeros(horizon)
    entries = next((r.get("initiatives", []) or [] for r in scenario.get("roadmaps", [])
                    if r["name"] == roadmap), None)
    if entries is None:
        raise KeyError(f"no roadmap {roadmap!r} in the scenario")
    for item in entries:
        name = item.get("use") if isinstance(item, Mapping) else str(item)
        spec = dict(library[name])
        if isinstance(item, Mapping):
            spec.update({k: v for k, v in item.items() if k != "use"})
        capex = spec.get("capex", 0)
        start = int(spec.get("start_month", 1))
        if isinstance(capex, Mapping) and "total" in capex:
            months = int(capex.get("months", 1))
            total = _written_mean(capex["total"])
        else:
            months, total = 1, _written_mean(capex)
        for m in range(start, min(start + months, horizon + 1)):
            by_month[m - 1] += total / months
    years = [float(by_month[y:y + 12].sum()) for y in range(0, horizon, 12)]
    return dict(total=float(by_month.sum()), per_year=years)


def scenario_with_roadmap(scenario: str | Path, roadmap: Mapping, out: str | Path) -> Path:
    """Writes a scenario file at `out` that extends `scenario` (a bundled name or a path) with one
    more roadmap (a mapping such as open_optimize's `best`); returns its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    base = scenario_path(str(scenario)).resolve()
    out.write_text(yaml.safe_dump({"extends": str(base), "roadmaps": [dict(roadmap)]},
                                  sort_keys=False))
    return out


def plot_frontier(ax, opt: Mapping, currency: str | None = None, level: float = 0.95):
    """The efficient frontier of an optimize file: the best plan's mean objective per capex
    budget with its `level` interval (normal, from the se), each point labelled with its plan."""
    frontier = opt["frontier"] or []
    if not frontier:
        raise ValueError("the optimize file has no frontier (capex_total was a single number)")
    currency = opt["currency"] if currency is None else currency
    z = NormalDist().inv_cdf((1 + level) / 2)
    x = np.array([r["budget"] for r in frontier])
    y = np.array([r["mean"] for r in frontier])
    e = np.array([z * r["se"] for r in frontier])
    # Steps, not lines: between two budgets the best plan is the lower budget's until the next
    # budget admits a better one (the frontier is known at the budgets studied only).
    ax.step(x, y, where="post", color="#1f5fa8", lw=1, ls="--", alpha=0.6)
    ax.errorbar(x, y, yerr=e, fmt="o", color="#1f5fa8", capsize=4)
    for r, xi, yi in zip(frontier, x, y):
        ax.annotate(plan_label(r["best"]).replace(" + ", "\n+ "), (xi, yi), xytext=(6, -4),
                    textcoords="offset points", fontsize=8, va="top")
    ax.xaxis.set_major_formatter(money_formatter(currency))
    ax.yaxis.set_major_formatter(money_formatter(currency))
    metric = opt["attrs"].get("objective_metric", "objective")
    ax.set_xlabel(f"capex budget over the horizon ({currency})" if currency else "capex budget")
    ax.set_ylabel(f"best plan's mean {metric}")
    ax.set_title(f"Efficient frontier: the best plan per budget ({level:.0%} intervals)\n"
                 f"each chosen with P(correct selection) ≥ {opt['confidence']:.0%} within "
                 f"{format_money(opt['zone'], currency)}")
    ax.grid(alpha=0.3)


def plot_shares(ax, attr: Mapping, currency: str | None = None, level: float = 0.95):
    """Shapley shares of an attribution file: each initiative's mean share with its Student-t
    `level` interval over replications, largest first, and the total they add up to."""
    currency = attr["currency"] if currency is None else currency
    stats = mean_interval_over(attr["shapley"], "replication", level)
    order = np.argsort(stats["mean"].values)
    names = [str(n) for n in stats["initiative"].values[order]]
    mean = stats["mean"].values[order]
    low, high = stats["low"].values[order], stats["high"].values[order]
    ax.barh(names, mean, color="#1f5fa8", alpha=0.8)
    ax.errorbar(mean, names, xerr=[mean - low, high - mean], fmt="none", ecolor="black", capsize=4)
    ax.axvline(0, color="grey", lw=0.8)
    ax.xaxis.set_major_formatter(money_formatter(currency))
    total = float(attr["total"].mean())
    ax.set_title(f"What each initiative of {attr['roadmap']} earns: Shapley shares of "
                 f"{attr['metric']}\n(they add up to {format_money(total, currency)}; "
                 f"{level:.0%} intervals over replications)")
    ax.set_xlabel(f"share of {attr['metric']} ({currency})" if currency else f"share of {attr['metric']}")
    ax.grid(alpha=0.3, axis="x")


# --- Calibration: the posterior, its trace and the posterior predictive check -----------------

def open_calibration(path: str | Path) -> dict:
    """A calibration file (`cxsim calibrate`): the posterior particles (`particles`, a DataArray
    [particle, parameter]) and their `weights`, the per-generation trace (`trace`: a Dataset of
    epsilon, ess, and where present acceptance_rate and simulations, over generation), the
    posterior predictive statistics per observed series (`predictive`: series -> DataArray
    [statistic, month]), the observed history (`observed`: series -> DataArray [month]), the
    prior's quantiles and support (`prior`, [parameter, bound]) when the file has them, the
    overlay path (`overlay`: <file>.yaml, which `cxsim run` takes as a scenario) and the
    attributes."""
    path = Path(path)
    with h5py.File(path, "r") as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("experiment") != "calibrate":
            raise ValueError(f"{path}: not a calibration file (experiment = {attrs.get('experiment')!r})")
        g = f["calibrate"]
        calibrate_attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        names = _strings(f["coords/parameter"][()])
        particles = np.asarray(g["particles"][()], dtype=float)
        weights = np.asarray(g["weights"][()], dtype=float)
        generations = np.arange(len(g["epsilon"]))
        trace = {"epsilon": ("generation", np.asarray(g["epsilon"][()], dtype=float)),
                 "ess": ("generation", np.asarray(g["ess"][()], dtype=float))}
        for extra in ("acceptance_rate", "simulations", "proposals"):
            if extra in g and g[extra].shape == (len(generations),):
                trace[extra] = ("generation", np.asarray(g[extra][()], dtype=float))
        stats = _strings(f["coords/statistic"][()]) if "coords/statistic" in f else ["p05", "p50", "p95", "mean"]
        months = np.asarray(f["coords/month"][()]) if "coords/month" in f else None
        predictive, observed = {}, {}
        # Each group holds its series and its dimension scales (month, statistic): series only.
        for series, ds in (g["posterior_predictive"].items() if "posterior_predictive" in g else []):
            if ds.ndim != 2:
                continue
            data = np.asarray(ds[()], dtype=float)
            m = months if months is not None and len(months) == data.shape[1] else np.arange(1, data.shape[1] + 1)
            predictive[series] = xr.DataArray(data, dims=("statistic", "month"),
                                              coords={"statistic": stats[:data.shape[0]], "month": m})
        for series, ds in (g["observed"].items() if "observed" in g else []):
            if series == "month" or ds.ndim != 1:
                continue
            data = np.asarray(ds[()], dtype=float)
            m = months if months is not None and len(months) == len(data) else np.arange(1, len(data) + 1)
            observed[series] = xr.DataArray(data, dims=("month",), coords={"month": m})
        prior = None
        if "prior" in g and "coords/bound" in f:
            prior = xr.DataArray(np.asarray(g["prior"][()], dtype=float), dims=("parameter", "bound"),
                                 coords={"parameter": names, "bound": _strings(f["coords/bound"][()])})
        priors = _strings(g["priors"][()]) if "priors" in g else []
    return dict(
        path=path, attrs=attrs, calibrate_attrs=calibrate_attrs, parameters=names,
        particles=xr.DataArray(particles, dims=("particle", "parameter"),
                               coords={"particle": np.arange(particles.shape[0]), "parameter": names}),
        weights=xr.DataArray(weights / weights.sum(), dims=("particle",),
                             coords={"particle": np.arange(len(weights))}),
        trace=xr.Dataset(trace, coords={"generation": generations}),
        predictive=predictive, observed=observed, prior=prior, priors=priors,
        overlay=Path(str(path) + ".yaml"))


def weighted_quantile(values, weights, q):
    """Quantiles q (0..1) of weighted values: the inverse of the weighted empirical CDF, with
    each value at the middle of its weight (so equal weights give the usual midpoint rule)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)


def posterior_table(cal: Mapping):
    """Per parameter: the weighted posterior mean and 90% interval, the prior's 90% interval
    (from the file's /calibrate/prior, when present) and the ratio of the widths."""
    import pandas as pd
    rows = {}
    w = cal["weights"].values
    for name in cal["parameters"]:
        x = cal["particles"].sel(parameter=name).values
        lo, hi = weighted_quantile(x, w, [0.05, 0.95])
        row = {"posterior mean": float(np.sum(w * x)), "posterior 5%": float(lo), "posterior 95%": float(hi)}
        if cal["prior"] is not None:
            p = cal["prior"].sel(parameter=name)
            row["prior 5%"] = float(p.sel(bound="p05"))
            row["prior 95%"] = float(p.sel(bound="p95"))
            row["width ratio"] = (hi - lo) / (row["prior 95%"] - row["prior 5%"])
        rows[name] = row
    return pd.DataFrame(rows).T


def plot_posterior(ax, cal: Mapping, parameter: str, truth: float | None = None, bins: int = 30):
    """The weighted posterior of one parameter as a histogram, against its prior's 5-95% range
    and support (shaded), and a known true value when given."""
    x = cal["particles"].sel(parameter=parameter).values
    w = cal["weights"].values
    lo = hi = None
    if cal["prior"] is not None:
        p = cal["prior"].sel(parameter=parameter)
        lo, hi = float(p.sel(bound="lo")), float(p.sel(bound="hi"))
        p05, p95 = float(p.sel(bound="p05")), float(p.sel(bound="p95"))
        ax.axvspan(p05, p95, color="grey", alpha=0.15, label="prior 5-95%")
    span = (min(x.min(), lo) if lo is not None and np.isfinite(lo) else x.min(),
            max(x.max(), hi) if hi is not None and np.isfinite(hi) else x.max())
    ax.hist(x, bins=bins, range=span, weights=w, density=True, color="#1f5fa8", alpha=0.8,
            label="posterior (weighted particles)")
    if truth is not None:
        ax.axvline(truth, color="#c55a11", lw=2, label="true value")
    ax.set_title(parameter, fontsize=9)
    ax.set_yticks([])
    ax.legend(fontsize=7, frameon=False)


def plot_predictive(ax, cal: Mapping, series: str):
    """The posterior predictive check of one series: the 5-95% band and median of simulations at
    the posterior, with the observed months as points (those outside the band in orange)."""
    pred = cal["predictive"][series]
    months = pred["month"].values
    ax.fill_between(months, pred.sel(statistic="p05"), pred.sel(statistic="p95"), color="#1f5fa8",
                    alpha=0.25, label="posterior predictive 5-95%")
    ax.plot(months, pred.sel(statistic="p50"), color="#1f5fa8", lw=1.5, label="median")
    if series in cal["observed"]:
        obs = cal["observed"][series]
        m, y = obs["month"].values, obs.values
        inside = (y >= pred.sel(statistic="p05").values) & (y <= pred.sel(statistic="p95").values)
        ok = np.isfinite(y)
        ax.plot(m[ok & inside], y[ok & inside], "o", ms=3.5, color="black", label="observed")
        ax.plot(m[ok & ~inside], y[ok & ~inside], "o", ms=4.5, color="#c55a11", label="observed, outside")
    ax.set_title(series, fontsize=9)
    ax.set_xlabel("month")
    ax.legend(fontsize=7, frameon=False)
