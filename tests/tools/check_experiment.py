#!/usr/bin/python3
"""Checks what `cxsim export` wrote of an experiment file (sweep or sensitivity) against the file
read with h5py: the workbook read back with openpyxl, the tidy CSV files with the csv module.
Numbers copied from a dataset (design values, statistics, paired differences, indices) must be
equal to it exactly; the 95% intervals of the paired differences (computed by the export) agree
with scipy's Student t to 1e-9 relative (scipy 1.10's t.ppf is itself 2e-11 off at one degree of
freedom: 12.7062047364321 for tan(0.475 pi) = 12.7062047361747), and the paired means with the replications' own
differences (/summary - /base/summary) to 1e-9 relative. Every table must name datasets that
exist, and hold every value of its datasets.
Usage: check_experiment.py EXPERIMENT.h5 [--xlsx WORKBOOK.xlsx] [--csv DIR]
(exit 0 when every check passes)."""
import csv
import hashlib
import math
import os
import sys

import h5py
import numpy as np

problems = []
compared = 0

STATS = ["mean", "se", "p05", "p95"]
INDICES = {"sobol": ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"],
           "morris": ["mu_star", "mu_star_low", "mu_star_high", "mu", "sigma"],
           "tornado": ["low", "high", "base"]}


def check(ok, what):
    if not ok:
        problems.append(what)


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def exact(cell, want):
    """A workbook cell (None when empty) or a CSV field ("" when empty) against a double."""
    global compared
    compared += 1
    want = float(want)
    if math.isnan(want):
        return cell is None or cell == ""
    return cell is not None and cell != "" and float(cell) == want


def close(cell, want, rel):
    global compared
    compared += 1
    if want is None or math.isnan(want):
        return cell is None or cell == ""
    return cell is not None and cell != "" and abs(float(cell) - want) <= rel * max(1.0, abs(want))


class Experiment:
    def __init__(self, path):
        self.path = path
        self.f = f = h5py.File(path, "r")
        self.kind = text(f.attrs["experiment"])
        self.method = text(f.attrs["design" if self.kind == "sweep" else "method"])
        self.outputs = [text(x) for x in f.attrs["outputs"]]
        self.roadmaps = [text(x) for x in f["coords/roadmap"][()]]
        self.factors = [text(x) for x in f["coords/factor"][()]]
        self.stats = [text(x) for x in f["coords/statistic"][()]]
        self.points = [int(x) for x in f["coords/point"][()]]
        self.design = f["design/values"][()]
        self.currency = text(f.attrs["currency"])
        self.baseline = text(f.attrs["baseline_roadmap"])

    def header(self, label, output):
        money = text(self.f[f"statistics/{output}"].attrs.get("units", "")) == "money"
        return f"{label} ({self.currency})" if money and self.currency else label

    def t95(self, n):
        from scipy.stats import t
        return t.ppf(0.975, n - 1)

    def interval(self, output, p, i):
        d = self.f[f"paired_difference/{output}"][p, i]
        mean, se, n = d[self.stats.index("mean")], d[self.stats.index("se")], d[self.stats.index("n")]
        if not (n >= 2 and math.isfinite(mean) and math.isfinite(se)):
            return math.nan, math.nan
        half = self.t95(n) * se
        return mean - half, mean + half

    def paired_mean(self, output, p, i):
        diff = self.f[f"summary/{output}"][p, i] - self.f[f"base/summary/{output}"][i]
        diff = diff[~np.isnan(diff)]
        return float(diff.mean()) if len(diff) else math.nan

    def tables(self):
        t = ["design", "points"]
        if "paired_difference" in self.f:
            t.append("paired_difference")
        if "sensitivity" in self.f:
            t.append("sensitivity")
        return t + ["provenance", "experiment", "scenario"]


def table(ws, first_row=4):
    """The first table of a sheet: header row 4, data below until the first empty first cell."""
    header = [c.value for c in ws[first_row]]
    while header and header[-1] is None:
        header.pop()
    rows = []
    r = first_row + 1
    while ws.cell(r, 1).value is not None:
        rows.append([ws.cell(r, c + 1).value for c in range(len(header))])
        r += 1
    return header, rows


def stacked(ws, title):
    """A table further down a sheet, found by its title."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == title:
            return table(ws, r + 3)
    return [], []


def check_workbook(e, path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    f = e.f
    sheets = {"design": "Design", "points": "Points", "paired_difference": "Paired difference",
              "sensitivity": "Sensitivity", "provenance": "Provenance"}
    want = [sheets[t] for t in e.tables() if t in sheets]
    if "Sensitivity" in want:  # a study's answer comes first
        want = ["Sensitivity"] + [s for s in want if s != "Sensitivity"]
    check(wb.sheetnames == want, f"workbook sheets {wb.sheetnames}, expected {want}")

    ws = wb["Design"]
    check(ws.freeze_panes == "B5", f"Design: frozen at {ws.freeze_panes}")
    header, rows = table(ws)
    check(header == ["point"] + e.factors, f"Design header {header}")
    check([r[0] for r in rows] == e.points, "Design: one row per point, in order")
    for p, row in enumerate(rows):
        for k in range(len(e.factors)):
            check(exact(row[1 + k], e.design[p, k]), f"Design point {p} {e.factors[k]}: {row[1 + k]}")

    ws = wb["Points"]
    check(ws.freeze_panes == "C5", f"Points: frozen at {ws.freeze_panes}")
    header, rows = table(ws)
    check(len(rows) == len(e.points) * len(e.roadmaps), "Points: one row per point and roadmap")
    for o in e.outputs:
        data = f[f"statistics/{o}"][()]
        for s in STATS:
            h = e.header(f"{o} {s}", o)
            if h not in header:
                check(False, f"Points: no column {h}")
                continue
            c = header.index(h)
            for row in rows:
                p, i = e.points.index(int(row[0])), e.roadmaps.index(row[1])
                check(exact(row[c], data[p, i, e.stats.index(s)]), f"Points {h} {row[0]} {row[1]}: {row[c]}")
        if f[f"statistics/{o}"].attrs.get("units", b"") in (b"money", "money") and rows:
            fmt = ws.cell(5, header.index(e.header(f"{o} mean", o)) + 1).number_format
            check(e.currency in fmt, f"Points: {o} format {fmt!r} lacks {e.currency}")

    if "paired_difference" in f:
        ws = wb["Paired difference"]
        header, rows = table(ws)
        check(len(rows) == len(e.points) * len(e.roadmaps), "Paired difference: rows")
        for o in e.outputs:
            data = f[f"paired_difference/{o}"][()]
            col = {k: header.index(e.header(f"{o}: point - base, {label}", o))
                   for k, label in (("mean", "mean"), ("se", "se"), ("low", "95% interval low"),
                                    ("high", "95% interval high"))}
            for row in rows:
                p, i = e.points.index(int(row[0])), e.roadmaps.index(row[1])
                check(exact(row[col["mean"]], data[p, i, e.stats.index("mean")]), f"Paired mean {o} {p} {row[1]}")
                check(exact(row[col["se"]], data[p, i, e.stats.index("se")]), f"Paired se {o} {p} {row[1]}")
                check(close(row[col["mean"]], e.paired_mean(o, p, i), 1e-9), f"Paired mean {o} {p} vs summaries")
                lo, hi = e.interval(o, p, i)
                check(close(row[col["low"]], lo, 1e-9), f"Paired low {o} {p} {row[1]}: {row[col['low']]} vs {lo}")
                check(close(row[col["high"]], hi, 1e-9), f"Paired high {o} {p} {row[1]}")

    if "sensitivity" in f:
        ws = wb["Sensitivity"]
        check(ws.freeze_panes == "D5", f"Sensitivity: frozen at {ws.freeze_panes}")
        check(len(ws._charts) == 1, f"Sensitivity: {len(ws._charts)} charts, expected 1")
        header, rows = table(ws)
        names = INDICES[e.method]
        check(header == ["output", "roadmap", "factor"] + names, f"Sensitivity header {header}")
        order = [(o, m, k) for o in e.outputs for m in e.roadmaps for k in e.factors]
        check([tuple(r[:3]) for r in rows] == order, "Sensitivity: rows in file order")
        for row in rows:
            i, k = e.roadmaps.index(row[1]), e.factors.index(row[2])
            for n, name in enumerate(names):
                want = f[f"sensitivity/{row[0]}/{name}"][i, k]
                check(exact(row[3 + n], want), f"Sensitivity {row[0]} {row[1]} {row[2]} {name}: {row[3 + n]} vs {want!r}")

    # Every table names its datasets, and each one is in the file.
    for ws in wb:
        lines = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
        lines = [x for x in lines if isinstance(x, str) and x.startswith("Source: ")]
        check(lines, f"{ws.title}: no table names its sources")
        for line in lines:
            for source in line[len("Source: "):].split(", "):
                if source == "/ (root attributes)":
                    continue
                check(source.startswith("/") and source[1:] in f, f"{ws.title}: source {source} is not in the file")

    ws = wb["Provenance"]
    header, rows = table(ws)
    items = {r[0]: r[1] for r in rows}
    check(items.get("results file SHA-256") == hashlib.sha256(open(e.path, "rb").read()).hexdigest(),
          "Provenance: file SHA-256")
    check(str(items.get("seed")) == str(f.attrs["seed"]), "Provenance: seed")
    check(items.get("replications") == int(f.attrs["replications"]), "Provenance: replications")
    check(items.get("command_line") == text(f.attrs["command_line"]), "Provenance: command line")
    check(items.get("engine_version") == text(f.attrs["engine_version"]), "Provenance: engine version")
    check(items.get("outputs") == ", ".join(e.outputs), f"Provenance: outputs {items.get('outputs')}")
    for title, dataset in (("The resolved experiment", "experiment"),
                           ("The resolved base scenario", "scenario")):
        _, lines = stacked(ws, title)
        check("\n".join(r[1] or "" for r in lines).strip() == text(f[dataset][()]).strip(),
              f"Provenance: {title} is not /{dataset} line by line")


def check_csv(e, folder):
    f = e.f
    files = sorted(x[:-4] for x in os.listdir(folder) if x.endswith(".csv"))
    check(files == sorted(e.tables()), f"CSV files {files}, expected {sorted(e.tables())}")

    def read(t, columns):
        rows = list(csv.DictReader(open(os.path.join(folder, f"{t}.csv"), newline="", encoding="utf-8")))
        check(rows and list(rows[0].keys()) == columns, f"{t}.csv columns {list(rows[0].keys()) if rows else []}")
        return rows

    rows = read("design", ["point", "factor", "value", "source"])
    check(len(rows) == len(e.points) * len(e.factors), "design.csv: one row per point and factor")
    for r in rows:
        check(r["source"] == "/design/values", f"design.csv source {r['source']}")
        check(exact(r["value"], e.design[e.points.index(int(r["point"])), e.factors.index(r["factor"])]),
              f"design.csv {r}")

    rows = read("points", ["point", "roadmap", "metric", "statistic", "value", "source"])
    check(len(rows) == len(e.points) * len(e.roadmaps) * len(e.outputs) * len(STATS), "points.csv: rows")
    for r in rows:
        check(r["source"] == "/statistics/" + r["metric"], f"points.csv source {r['source']}")
        want = f[f"statistics/{r['metric']}"][e.points.index(int(r["point"])), e.roadmaps.index(r["roadmap"]),
                                              e.stats.index(r["statistic"])]
        check(exact(r["value"], want), f"points.csv {r} vs {want!r}")

    if "paired_difference" in f:
        rows = read("paired_difference", ["point", "roadmap", "metric", "statistic", "value", "source"])
        check(len(rows) == len(e.points) * len(e.roadmaps) * len(e.outputs) * 4, "paired_difference.csv: rows")
        for r in rows:
            p, i, o, s = e.points.index(int(r["point"])), e.roadmaps.index(r["roadmap"]), r["metric"], r["statistic"]
            check(r["source"].split(" ")[0] == "/paired_difference/" + o, f"paired_difference.csv source {r['source']}")
            if s in ("mean", "se"):
                check(exact(r["value"], f[f"paired_difference/{o}"][p, i, e.stats.index(s)]), f"paired_difference.csv {r}")
            else:
                lo, hi = e.interval(o, p, i)
                check(close(r["value"], lo if s == "ci95_low" else hi, 1e-9), f"paired_difference.csv {r}")

    if "sensitivity" in f:
        names = INDICES[e.method]
        rows = read("sensitivity", ["output", "roadmap", "factor", "index", "value", "source"])
        check(len(rows) == len(e.outputs) * len(e.roadmaps) * len(e.factors) * len(names), "sensitivity.csv: rows")
        order = [(o, m, k, n) for o in e.outputs for m in e.roadmaps for k in e.factors for n in names]
        check([(r["output"], r["roadmap"], r["factor"], r["index"]) for r in rows] == order,
              "sensitivity.csv: rows in file order")
        for r in rows:
            path = f"sensitivity/{r['output']}/{r['index']}"
            check(r["source"] == "/" + path and path in f, f"sensitivity.csv source {r['source']}")
            want = f[path][e.roadmaps.index(r["roadmap"]), e.factors.index(r["factor"])]
            check(exact(r["value"], want), f"sensitivity.csv {r} vs {want!r}")

    items = {r["item"]: r["value"] for r in read("provenance", ["item", "value", "source"])}
    check(items.get("results file SHA-256") == hashlib.sha256(open(e.path, "rb").read()).hexdigest(),
          "provenance.csv: SHA-256")
    check(items.get("seed") == str(f.attrs["seed"]), "provenance.csv: seed")
    check(items.get("command_line") == text(f.attrs["command_line"]), "provenance.csv: command line")
    for t in ("experiment", "scenario"):
        lines = "\n".join(r["value"] for r in read(t, ["line", "value", "source"]))
        check(lines.strip() == text(f[t][()]).strip(), f"{t}.csv is not /{t} line by line")


def main(argv):
    if len(argv) < 2 or len(argv) % 2 != 0:
        print(__doc__)
        return 2
    e = Experiment(argv[1])
    what = []
    for option, target in zip(argv[2::2], argv[3::2]):
        if option == "--xlsx":
            check_workbook(e, target)
        elif option == "--csv":
            check_csv(e, target)
        else:
            print(__doc__)
            return 2
        what.append(target)
    for p in problems[:40]:
        print(p)
    if compared < 100:
        problems.append(f"only {compared} values compared")
        print(problems[-1])
    print(f"{', '.join(what)}: " + (f"{compared} values equal to {e.path}" if not problems
                                     else f"{len(problems)} problems"))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
