#!/usr/bin/python3
"""Checks what `cxsim export` wrote of an optimize or attribution file against the file read with
h5py: the tidy CSV files with the csv module, the workbook with openpyxl. Numbers copied from a
dataset must equal it exactly; numbers the export computes (an initiative's share of the total,
its value alone, a coalition's mean value) agree with NumPy's to 1e-12 relative; every source
named is a dataset of the file (or a root attribute), and every table holds every value of its
datasets. In every replication the exported shares add up to the exported total to 1e-9 relative.
Usage: check_plans.py FILE.h5 [--xlsx WORKBOOK.xlsx] [--csv DIR]   (exit 0 when every check passes)"""
import csv
import hashlib
import math
import os
import sys

import h5py
import numpy as np

problems = []
compared = 0


def check(ok, what):
    if not ok:
        problems.append(what)


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def exact(cell, want):
    global compared
    compared += 1
    want = float(want)
    if math.isnan(want):
        return cell is None or cell == ""
    return cell is not None and cell != "" and float(cell) == want


def close(cell, want, rel):
    global compared
    compared += 1
    if math.isnan(want):
        return cell is None or cell == ""
    return cell is not None and cell != "" and abs(float(cell) - want) <= rel * max(1.0, abs(want))


def tables_of(kind, f):
    if kind == "optimize":
        return ["choice"] + (["frontier"] if "optimize/frontier" in f else []) + ["candidates"]
    return ["shares", "shapley", "coalitions"]


def read_csv(folder, name, columns):
    rows = list(csv.DictReader(open(os.path.join(folder, f"{name}.csv"), newline="", encoding="utf-8")))
    check(rows and list(rows[0].keys()) == columns, f"{name}.csv columns {list(rows[0].keys()) if rows else []}")
    return rows


def check_sources(folder, f):
    for name in os.listdir(folder):
        for r in csv.DictReader(open(os.path.join(folder, name), newline="", encoding="utf-8")):
            source = r.get("source", "")
            for part in source.split(", "):
                head = part.split(" ")[0]
                if head.startswith("/") and head != "/":
                    check(head[1:] in f, f"{name}: source {part} is not in the file")


def check_optimize_csv(f, folder):
    K = len(f["optimize/candidates"])
    plans = [text(x) for x in f["optimize/candidates"][()]]
    rows = read_csv(folder, "candidates", ["candidate", "plan", "statistic", "value", "source"])
    seen = set()
    for r in rows:
        c = int(r["candidate"])
        check(r["plan"] == plans[c], f"candidates.csv plan {c}")
        check(r["source"] == "/optimize/" + r["statistic"], f"candidates.csv source {r['source']}")
        check(exact(r["value"], f["optimize/" + r["statistic"]][c]), f"candidates.csv {r}")
        seen.add((c, r["statistic"]))
    vectors = [n for n, d in f["optimize"].items() if isinstance(d, h5py.Dataset) and d.shape == (K,)
               and d.dtype.kind == "f" and not n.startswith("observation")]
    check(seen == {(c, n) for c in range(K) for n in vectors},
          f"candidates.csv: not every value of {sorted(vectors)}")
    rows = read_csv(folder, "choice", ["item", "statistic", "value", "source"])
    items = {r["item"]: r for r in rows}
    check(items.get("chosen plan", {}).get("value") == text(f["optimize/best"][()]), "choice.csv: chosen plan")
    for r in rows:
        src = r["source"]
        if src.startswith("/optimize/") and " " not in src:
            d = f[src[1:]]
            want = d[()] if d.shape == () else d[int(f["optimize/best_candidate"][()])]
            if d.dtype.kind == "f":
                check(exact(r["value"], want), f"choice.csv {r} vs {want!r}")
    check(exact(items["P(correct selection)"]["value"], f["optimize/p_correct"][()]), "choice.csv: p_correct")
    check(items["P(correct selection) is"]["value"] == text(f["optimize/p_correct"].attrs["kind"]), "choice.csv: kind")
    zone = [r for r in rows if r["item"].startswith("indifference zone")]
    check(zone and exact(zone[0]["value"], f.attrs["indifference_zone"]), "choice.csv: zone")
    if "optimize/frontier" in f:
        fr = f["optimize/frontier"]
        rows = read_csv(folder, "frontier", ["budget", "statistic", "value", "source"])
        budgets = list(fr["budget"][()])
        check(len(rows) == 6 * len(budgets), f"frontier.csv: {len(rows)} rows")
        for r in rows:
            b = budgets.index(float(r["budget"]))
            check(r["source"] == "/optimize/frontier/" + r["statistic"], f"frontier.csv source {r}")
            if r["statistic"] == "best":
                check(r["value"] == text(fr["best"][b]), f"frontier.csv best {b}")
            else:
                check(exact(r["value"], fr[r["statistic"]][b]), f"frontier.csv {r}")


def check_attribute_csv(f, folder):
    names = [text(x) for x in f["attribute/initiative"][()]]
    coalitions = [text(x) for x in f["attribute/coalitions"][()]]
    bounds = [text(x) for x in f["attribute/bound"][()]]
    interval = f["attribute/interval"][()]
    shapley, total, value = f["attribute/shapley"][()], f["attribute/total"][()], f["attribute/value"][()]
    rows = read_csv(folder, "shares", ["initiative", "statistic", "value", "source"])
    by = {(r["initiative"], r["statistic"]): r["value"] for r in rows}
    for i, n in enumerate(names):
        for stat, bound in (("mean", "mean"), ("se", "se"), ("ci95_low", "low"), ("ci95_high", "high")):
            check(exact(by.get((n, stat)), interval[i, bounds.index(bound)]), f"shares.csv {n} {stat}")
        check(close(by.get((n, "of_total")), interval[i, bounds.index("mean")] / total.mean(), 1e-12),
              f"shares.csv {n} of_total")
        check(close(by.get((n, "alone")), value[coalitions.index(f"[{n}]")].mean(), 1e-12), f"shares.csv {n} alone")
    check(close(by.get(("total shared out", "mean")), float(total.mean()), 1e-12), "shares.csv total")
    rows = read_csv(folder, "shapley", ["replication", "initiative", "value", "source"])
    sums = np.zeros(len(total))
    got_total = np.full(len(total), np.nan)
    for r in rows:
        k = int(r["replication"])
        if r["initiative"] == "total":
            check(exact(r["value"], total[k]), f"shapley.csv total {k}")
            got_total[k] = float(r["value"])
        else:
            check(exact(r["value"], shapley[names.index(r["initiative"]), k]), f"shapley.csv {r}")
            sums[k] += float(r["value"])
    check(len(rows) == (len(names) + 1) * len(total), "shapley.csv: every share and total")
    check(np.all(np.abs(sums - got_total) <= 1e-9 * np.maximum(1.0, np.abs(got_total))),
          "shapley.csv: the shares do not add up to the total in some replication")
    rows = read_csv(folder, "coalitions", ["coalition", "statistic", "value", "source"])
    check(len(rows) == 2 * len(coalitions), "coalitions.csv rows")
    members = f["attribute/members"][()]
    for r in rows:
        c = coalitions.index(r["coalition"])
        if r["statistic"] == "mean":
            check(close(r["value"], float(value[c].mean()), 1e-12), f"coalitions.csv {r}")
        else:
            check(exact(r["value"], members[c].sum()), f"coalitions.csv {r}")


def check_workbook(kind, f, path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    sheets = {"choice": "Choice", "frontier": "Frontier", "candidates": "Candidates", "shares": "Shares",
              "shapley": "Shapley by replication", "coalitions": "Coalitions"}
    want = [sheets[t] for t in tables_of(kind, f)] + ["Provenance"]
    check(wb.sheetnames == want, f"workbook sheets {wb.sheetnames}, expected {want}")
    items = {}
    ws = wb["Provenance"]
    r = 5
    while ws.cell(r, 1).value is not None:
        items[ws.cell(r, 1).value] = ws.cell(r, 2).value
        r += 1
    check(items.get("results file SHA-256") == hashlib.sha256(open(f.filename, "rb").read()).hexdigest(),
          "Provenance: file SHA-256")
    first = wb[want[0]]
    header = [c.value for c in first[4]]
    check(header[:2] == (["item", "value"] if kind == "optimize" else
                         ["initiative", f"share, mean ({text(f.attrs['currency'])})"]),
          f"{want[0]}: header {header[:2]}")
    if kind == "attribute":
        names = [text(x) for x in f["attribute/initiative"][()]]
        interval = f["attribute/interval"][()]
        for i, n in enumerate(names):
            check(first.cell(5 + i, 1).value == n and exact(first.cell(5 + i, 2).value, interval[i, 0]),
                  f"Shares row {i}")
    else:
        check(first.cell(5, 2).value == text(f["optimize/best"][()]), "Choice: chosen plan")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    f = h5py.File(argv[1], "r")
    kind = text(f.attrs.get("experiment", ""))
    if kind not in ("optimize", "attribute"):
        print(f"{argv[1]}: not an optimize or attribution file", file=sys.stderr)
        return 2
    args = argv[2:]
    for flag, value in zip(args[::2], args[1::2]):
        if flag == "--csv":
            want = sorted(tables_of(kind, f) + ["provenance", "experiment", "scenario"])
            files = sorted(x[:-4] for x in os.listdir(value) if x.endswith(".csv"))
            check(files == want, f"CSV files {files}, expected {want}")
            (check_optimize_csv if kind == "optimize" else check_attribute_csv)(f, value)
            check_sources(value, f)
        elif flag == "--xlsx":
            check_workbook(kind, f, value)
    for p in problems[:30]:
        print("FAIL:", p)
    print(f"{compared} values compared, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
