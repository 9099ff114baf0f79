#!/usr/bin/python3
"""Reads a `cxsim export --xlsx` workbook back with openpyxl and checks it against the results file
with h5py: numbers copied from a dataset are equal to it exactly; numbers computed from datasets
(sums over months, their percentiles) agree with numpy to 1e-9 relative; headers are frozen,
money cells carry the currency's format, the Summary sheet holds the two native charts.
Usage: check_workbook.py RESULTS.h5 WORKBOOK.xlsx   (exit 0 when every check passes)."""
import hashlib
import math
import sys

import h5py
import numpy as np
import openpyxl

problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


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


def exact(a, b):
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None
    return a is not None and float(a) == float(b)


def close(a, b, rel=1e-9):
    if b is None or math.isnan(b):
        return a is None
    return a is not None and abs(float(a) - b) <= rel * max(1.0, abs(b))


def main(h5_path, xlsx_path):
    f = h5py.File(h5_path, "r")
    wb = openpyxl.load_workbook(xlsx_path)
    roadmaps = [text(x) for x in f["coords/roadmap"][()]]
    touchpoints = [text(x) for x in f["coords/touchpoint"][()]]
    stats = [text(x) for x in f["coords/statistic"][()]]
    currency = text(f.attrs["currency"])
    cur = f" ({currency})" if currency else ""
    R = int(f.attrs["replications"])
    st = lambda name: stats.index(name)

    for name in ["Summary", "Decision", "Robustness", "Cash flow by year", "Cumulative delta cash",
                 "Avoidable cost", "Per replication", "Assumptions", "Provenance"]:
        check(name in wb.sheetnames, f"sheet {name} is missing")

    # Summary: /statistics copied exactly, payback median counting never.
    ws = wb["Summary"]
    check(ws.freeze_panes == "B5", f"Summary: frozen at {ws.freeze_panes}, expected B5")
    header, rows = table(ws)
    check([r[0] for r in rows] == roadmaps, "Summary: one row per roadmap, in file order")
    columns = {"NPV": "npv", "delta NPV": "delta_npv", "NPV cash": "npv_cash",
               "NPV terminal": "npv_terminal", "delta NPV cash": "delta_npv_cash",
               "delta NPV terminal": "delta_npv_terminal"}
    for label, metric in columns.items():
        for s in ("mean", "p05", "p50", "p95"):
            h = f"{label} {s}{cur}"
            if h not in header:
                check(s != "mean" or label not in ("NPV", "delta NPV"), f"Summary: no column {h}")
                continue
            c = header.index(h)
            for i, row in enumerate(rows):
                check(exact(row[c], f[f"statistics/{metric}"][i, st(s)]), f"Summary {h} {roadmaps[i]}")
    for h, metric in (("P(best)", "is_best"), ("P(beat baseline)", "beats_baseline"),
                      ("paid back", "paid_back"), ("ROI mean", "roi")):
        c = header.index(h)
        for i, row in enumerate(rows):
            check(exact(row[c], f[f"statistics/{metric}"][i, st("mean")]), f"Summary {h} {roadmaps[i]}")
    c = header.index("median payback month (never counted)")
    base = text(f.attrs["baseline_roadmap"])
    for i, row in enumerate(rows):
        if roadmaps[i] == base:
            check(row[c] is None, "Summary: the baseline has no payback")
            continue
        pb = np.array(f["summary/payback_month"][i])
        pb = np.where(np.isnan(pb), np.inf, pb)
        k = math.ceil(len(pb) / 2) - 1
        want = np.sort(pb)[k]
        check(row[c] == ("never" if np.isinf(want) else want), f"Summary payback {roadmaps[i]}: {row[c]} vs {want}")
    npv_cell = ws.cell(5, header.index(f"NPV mean{cur}") + 1)
    check("M" in npv_cell.number_format and currency in npv_cell.number_format,
          f"Summary: NPV format {npv_cell.number_format!r} does not show millions of {currency}")
    charts = (len(roadmaps) > 1) + (len(touchpoints) > 0)
    check(len(ws._charts) == charts, f"Summary: {len(ws._charts)} charts, expected {charts}")

    # Per replication: every /summary metric, every row, exactly.
    ws = wb["Per replication"]
    check(ws.freeze_panes == "C5", f"Per replication: frozen at {ws.freeze_panes}, expected C5")
    header, rows = table(ws)
    check(len(rows) == len(roadmaps) * R, "Per replication: one row per roadmap and replication")
    checked = 0
    for c, h in enumerate(header):
        if h in f["summary"] and f[f"summary/{h}"].ndim == 2:
            data = f[f"summary/{h}"][()]
            for n, row in enumerate(rows):
                i, rep = roadmaps.index(row[0]), int(row[1])
                check(exact(row[c], data[i, rep]), f"Per replication {h} {row[0]} {rep}: {row[c]} vs {data[i, rep]}")
                checked += 1
        elif h.startswith("avoidable_cost ") and "summary_by_touchpoint" in f:
            k = touchpoints.index(h.split(" ", 1)[1])
            data = f["summary_by_touchpoint/avoidable_cost"][()]
            for row in rows:
                check(exact(row[c], data[roadmaps.index(row[0]), int(row[1]), k]), f"Per replication {h}")
                checked += 1
    check(checked >= len(rows) * 20, f"Per replication: only {checked} values checked")

    # Robustness: exact.
    header, rows = table(wb["Robustness"])
    choices = [text(x) for x in f["coords/terminal_value"][()]]
    for row in rows:
        c, i = choices.index(row[0]), roadmaps.index(row[1])
        check(exact(row[header.index(f"mean delta NPV{cur}")], f["robustness/mean_delta_npv"][c, i]), "Robustness mean")
        check(exact(row[header.index("P(best)")], f["robustness/p_best"][c, i]), "Robustness P(best)")
        check(exact(row[header.index("rank")], f["robustness/rank"][c, i]), "Robustness rank")

    # Avoidable cost: statistics copied exactly; the direct ledger computed from the series.
    header, rows = table(wb["Avoidable cost"])
    src = header.index("source")
    months = np.arange(1, int(f.attrs["horizon_months"]) + 1)
    annual = (f["parameters/discount_rate_annual"][()] if "parameters/discount_rate_annual" in f
              else None)
    seen = set()
    for row in rows:
        i = roadmaps.index(row[0])
        source = row[src]
        for s, c in (("mean", 3), ("p05", 4), ("p50", 5), ("p95", 6)):
            if source.startswith("/statistics_by_touchpoint/"):
                k = touchpoints.index(row[2])
                check(exact(row[c], f[source][i, k, st(s)]), f"Avoidable {row[1]} {row[2]} {s}")
                seen.add("by touchpoint")
            elif source.startswith("/statistics/"):
                check(exact(row[c], f[source][i, st(s)]), f"Avoidable {row[1]} {s}")
                seen.add("total")
            elif source == "/timeseries_by_touchpoint/failure_cost" and row[1].endswith("nominal"):
                k = touchpoints.index(row[2])
                per_rep = f[source][i, :, :, k].sum(axis=1)
                want = {"mean": per_rep.mean(), "p05": np.percentile(per_rep, 5),
                        "p50": np.percentile(per_rep, 50), "p95": np.percentile(per_rep, 95)}[s]
                check(close(row[c], want), f"Avoidable direct {row[2]} {s}: {row[c]} vs {want}")
                seen.add("direct")
    if "summary_by_touchpoint" in f:
        check("by touchpoint" in seen, "Avoidable cost: no rows by touchpoint")
    if "zero_defect" in f:
        check("total" in seen, "Avoidable cost: no total")

    # Cumulative delta cash: the median per month, from the discounted cash flow.
    header, rows = table(wb["Cumulative delta cash"])
    dcf = f["timeseries/discounted_cash_flow"][()]
    b = roadmaps.index(base)
    cum = np.cumsum(dcf - dcf[b:b + 1], axis=2)
    for i, name in enumerate(roadmaps):
        c = header.index(f"{name} p50")
        for t, row in enumerate(rows):
            check(close(row[c], np.percentile(cum[i, :, t], 50), 1e-7), f"Cumulative {name} month {t + 1}")

    # Assumptions: one row per drawn parameter, the distribution text, the mean of the draws.
    header, rows = table(wb["Assumptions"])
    params = [n for n in f["parameters"] if n != "replication"]
    check(sorted(r[0] for r in rows) == sorted(params), "Assumptions: one row per /parameters dataset")
    for row in rows:
        values = f[f"parameters/{row[0]}"][()]
        check(close(row[header.index("mean")], float(np.mean(values)), 1e-12), f"Assumptions mean {row[0]}")
        check(row[header.index("distribution")] in text(f[f"parameters/{row[0]}"].attrs["description"]),
              f"Assumptions distribution {row[0]}")

    # Provenance: the file's SHA-256 and the seed.
    header, rows = table(wb["Provenance"])
    items = {r[0]: r[1] for r in rows}
    check(items.get("results file SHA-256") == hashlib.sha256(open(h5_path, "rb").read()).hexdigest(),
          "Provenance: file SHA-256")
    check(str(items.get("seed")) == str(f.attrs["seed"]), "Provenance: seed")
    check(items.get("command_line") == text(f.attrs["command_line"]), "Provenance: command line")

    for p in problems[:40]:
        print(p)
    print(f"{xlsx_path}: " + ("matches " + h5_path if not problems else f"{len(problems)} problems"))
    return 0 if not problems else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
