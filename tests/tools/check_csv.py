#!/usr/bin/python3
"""Checks the tidy CSV files of `cxsim export --csv DIR` against the results file: one file per
table, long format (keys, dimensions, value, source), values copied from /statistics, /summary and
/robustness equal to the datasets exactly.
Usage: check_csv.py RESULTS.h5 DIR   (exit 0 when every check passes)."""
import csv
import math
import os
import sys

import h5py

TABLES = ["summary", "decision", "robustness", "cash_flow_by_year", "cumulative_delta_cash",
          "avoidable_cost", "per_replication", "assumptions", "provenance", "scenario"]


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def same(cell, want):
    if isinstance(want, float) and math.isnan(want):
        return cell == ""
    return cell != "" and float(cell) == float(want)


def main(results, folder):
    problems = []
    f = h5py.File(results, "r")
    roadmaps = [text(x) for x in f["coords/roadmap"][()]]
    stats = [text(x) for x in f["coords/statistic"][()]]
    for t in TABLES:
        if not os.path.exists(os.path.join(folder, f"{t}.csv")):
            problems.append(f"{t}.csv is missing")
    read = lambda t: list(csv.DictReader(open(os.path.join(folder, f"{t}.csv"), newline="", encoding="utf-8")))
    rows = read("summary")
    if list(rows[0].keys()) != ["roadmap", "metric", "statistic", "value", "source"]:
        problems.append(f"summary.csv columns {list(rows[0].keys())}")
    n = 0
    for r in rows:
        if r["source"].startswith("/statistics/"):
            want = f[r["source"].lstrip("/")][roadmaps.index(r["roadmap"]), stats.index(r["statistic"])]
            n += 1
            if not same(r["value"], want):
                problems.append(f"summary.csv {r['roadmap']} {r['metric']} {r['statistic']}: {r['value']} vs {want!r}")
    per = read("per_replication")
    for r in per:
        if r["metric"] in f["summary"] and r["source"] == "/summary/" + r["metric"]:
            want = f["summary/" + r["metric"]][roadmaps.index(r["roadmap"]), int(r["replication"])]
            n += 1
            if not same(r["value"], want):
                problems.append(f"per_replication.csv {r['roadmap']} {r['replication']} {r['metric']}")
        elif r["metric"] == "avoidable_cost_by_touchpoint":
            tps = [text(x) for x in f["coords/touchpoint"][()]]
            want = f["summary_by_touchpoint/avoidable_cost"][roadmaps.index(r["roadmap"]), int(r["replication"]),
                                                             tps.index(r["touchpoint"])]
            n += 1
            if not same(r["value"], want):
                problems.append(f"per_replication.csv {r['roadmap']} {r['replication']} {r['touchpoint']}")
    choices = [text(x) for x in f["coords/terminal_value"][()]]
    for r in read("robustness"):
        if r["metric"] in ("mean_delta_npv", "p_best", "rank"):
            want = f["robustness/" + r["metric"]][choices.index(r["terminal_value"]), roadmaps.index(r["roadmap"])]
            n += 1
            if not same(r["value"], want):
                problems.append(f"robustness.csv {r}")
    if n < 1000:
        problems.append(f"only {n} values compared")
    scenario = "\n".join(r["value"] for r in read("scenario"))
    if scenario.strip() != text(f["scenario"][()]).strip():
        problems.append("scenario.csv is not /scenario line by line")
    for p in problems[:40]:
        print(p)
    print(f"{folder}: " + (f"{n} values equal to {results}" if not problems else f"{len(problems)} problems"))
    return 0 if not problems else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
