#!/usr/bin/python3
"""Writes the self-contained HTML report of a cxsim results file from the finance tables that
`cxsim report` hands over as JSON (the same tables as `cxsim export`). Charts are drawn with
matplotlib and embedded as base64 PNG; nothing in the page is fetched from anywhere (no scripts,
no external fonts, styles or images). Every table and chart names the datasets its numbers come
from. An experiment file's tables (facts: experiment = sweep or sensitivity) give the experiment
report instead: the question and its answer, a chart per output and roadmap, the design, provenance;
an optimize or attribution file's, the plan report: the chosen plan (or the Shapley shares) and how
sure it is, its charts, the plans raced (or sub-roadmaps evaluated), provenance.

Usage (normally run by `cxsim report FILE -o OUT.html`): make_report.py TABLES.json OUT.html
"""
import base64
import html
import io
import json
import math
import os
import sys
import tempfile

os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="cxsim-mpl-"))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

COLORS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5", "#843c0c"]
plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                     "axes.grid": True, "grid.alpha": 0.25, "savefig.dpi": 110,
                     "font.family": "DejaVu Sans"})


# ----------------------------------------------------------------------------- numbers as text

def amount(x, currency="", signed=False):
    """3 significant digits with k/M/B/T, as the terminal summary prints them."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, str):
        return x
    a = abs(x)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (1, "")):
        if a >= scale or scale == 1:
            v = x / scale
            text = f"{v:.0f}" if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
            if x == 0:
                text = "0"
            text += suffix
            break
    if signed and x > 0:
        text = "+" + text
    return f"{currency} {text}".strip() if currency else text


def percent(p):
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "-"
    pct = 100 * p
    if 0 < pct < 0.5:
        return "&lt;1%"
    if 99.5 < pct < 100:
        return "&gt;99%"
    return f"{pct:.0f}%"


def fmt(value, kind, currency):
    if value is None:
        return "-"
    if isinstance(value, str):
        return html.escape(value)
    if kind == "money":
        return amount(value, currency)
    if kind == "money_unit":
        return f"{currency} {value:,.2f}".strip()
    if kind in ("share",):
        return percent(value)
    if kind == "ratio":
        return f"{100 * value:,.0f}%" if abs(value) >= 0.1 else f"{100 * value:.1f}%"
    if kind == "month":
        return f"{value:.0f}"
    if kind == "count":
        return amount(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{value:.0f}"
    return f"{value:.4g}"


# ----------------------------------------------------------------------------- the tables

class Tables:
    def __init__(self, data):
        self.facts = data["facts"]
        self.roadmaps = data["roadmaps"]
        self.touchpoints = data["touchpoints"]
        self.tables = data["tables"]
        self.currency = self.facts.get("currency", "")
        self.baseline = self.facts.get("baseline", self.roadmaps[0] if self.roadmaps else "")
        self.best = self.facts.get("best", "")

    def table(self, tid):
        return self.tables[tid]

    def column(self, tid, header):
        t = self.tables[tid]
        headers = [c["header"] for c in t["columns"]]
        return headers.index(header)

    def rows(self, tid):
        return self.tables[tid]["rows"]

    def money(self, what):
        return f"{what} ({self.currency})" if self.currency else what

    def value(self, tid, header, **keys):
        """The cell of column `header` in the row whose key columns equal `keys`."""
        t = self.tables[tid]
        c = self.column(tid, header)
        key_index = {col["id"]: i for i, col in enumerate(t["columns"]) if col["key"]}
        for row in t["rows"]:
            if all(row[key_index[k]] == v for k, v in keys.items()):
                return row[c]
        return None


def color_of(tables, name):
    return COLORS[tables.roadmaps.index(name) % len(COLORS)]


def alternatives(tables):
    return [r for r in tables.roadmaps if r != tables.baseline]


def footnote(sources):
    items = ", ".join(f"<code>{html.escape(s)}</code>" for s in sources)
    return f'<p class="source">Source: {items}</p>'


def html_table(header, rows, right_from=1, cls=""):
    out = [f'<table class="{cls}"><thead><tr>']
    out += [f'<th class="{"num" if i >= right_from else ""}">{h}</th>' for i, h in enumerate(header)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(
            f'<td class="{"num" if i >= right_from else ""}">{v}</td>' for i, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def figure_html(fig, alt):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def money_axis(ax, currency, axis="y"):
    """Tick labels as 12.3M; the currency goes into the axis label."""
    f = FuncFormatter(lambda v, _pos: amount(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)
    if currency:
        (ax.set_ylabel if axis == "y" else ax.set_xlabel)(currency)


def with_currency(label, currency):
    return f"{label} ({html.escape(currency)})" if currency else label


# ----------------------------------------------------------------------------- sections

def decision_section(t):
    c = t.currency
    best, base = t.best, t.baseline
    get = lambda header: t.value("summary", header, roadmap=best)
    mean = get(t.money("delta NPV mean"))
    p05, p95 = get(t.money("delta NPV p05")), get(t.money("delta NPV p95"))
    cash, terminal = get(t.money("delta NPV cash mean")), get(t.money("delta NPV terminal mean"))
    p_best, p_beat = get("P(best)"), get("P(beat baseline)")
    decision = {row[0]: row[2] for row in t.rows("decision")}
    runner = t.facts.get("runner_up", "")
    parts = []
    if best == base:
        parts.append(f"<p class=\"headline\">Doing nothing (<b>{html.escape(base)}</b>) has the highest "
                     f"mean NPV: no roadmap beats it on average. It is best in {percent(p_best)} "
                     "of replications.</p>")
    else:
        parts.append(
            f'<p class="headline">Choose <b>{html.escape(best)}</b>: it adds '
            f"<b>{amount(mean, c, True)}</b> of NPV over {html.escape(base)} on average "
            f"(90% of replications between {amount(p05, c, True)} and {amount(p95, c, True)}), "
            f"of which {amount(cash, c, True)} is cash within the plan and {amount(terminal, c, True)} "
            f"the value of the customers still there after it, net of what keeps the initiatives running.</p>")
        parts.append(
            f"<p>How sure: it has the highest NPV in <b>{percent(p_best)}</b> of replications and beats "
            f"the baseline in {percent(p_beat)}.")
        if runner:
            d = decision.get("best minus runner-up: mean NPV difference")
            lo = decision.get("best minus runner-up: 90% interval of the mean, low")
            hi = decision.get("best minus runner-up: 90% interval of the mean, high")
            pg = decision.get("P(best > runner-up)")
            parts.append(
                f" Against the runner-up, {html.escape(runner)}, it is {amount(d, c, True)} ahead on "
                f"average (90% interval of the mean {amount(lo, c, True)} to {amount(hi, c, True)}), "
                f"and ahead in {percent(pg)} of replications (paired: same customers, same draws).")
        parts.append("</p>")
    stays = t.facts.get("best_stays_best", "")
    robust_rows = [r for r in t.rows("robustness") if r[1] == best]
    if stays == "1":
        parts.append(f"<p class=\"robust ok\">The answer survives the other ways of valuing what "
                     f"happens after the horizon: {html.escape(best)} is best under every terminal-value "
                     "choice.</p>")
    elif stays == "0":
        others = [f"{html.escape(r[1])} under {html.escape(r[0])}"
                  for r in t.rows("robustness") if r[5] == 1 and r[1] != best]
        parts.append(f"<p class=\"robust warn\">The answer depends on how value after the horizon is "
                     f"counted: {html.escape(best)} is best under {html.escape(t.facts.get('terminal_value', ''))}, "
                     f"but {'; '.join(others)}.</p>")
    header = ["terminal value", "best roadmap", with_currency(f"{html.escape(best)}: mean delta NPV", c),
              f"{html.escape(best)}: P(best)", "its rank"]
    rows = []
    choices = []
    for r in t.rows("robustness"):
        if r[0] not in choices:
            choices.append(r[0])
    for choice in choices:
        winners = [r[1] for r in t.rows("robustness") if r[0] == choice and r[5] == 1]
        mine = [r for r in robust_rows if r[0] == choice][0]
        label = html.escape(choice) + (" (the run's choice)" if mine[2] == "yes" else "")
        rows.append([label, html.escape(", ".join(winners)), amount(mine[3], signed=True),
                     percent(mine[4]), fmt(mine[5], "number", c)])
    parts.append(html_table(header, rows, right_from=2))
    parts.append(footnote(t.table("decision")["sources"] + t.table("robustness")["sources"] +
                          ["/statistics/delta_npv_cash", "/statistics/delta_npv_terminal"]))
    return "<section id=\"decision\"><h2>The decision</h2>" + "".join(parts) + "</section>"


def fan_section(t):
    cum = t.table("cumulative_delta_cash")
    months = [r[0] for r in cum["rows"]]
    alts = alternatives(t)
    n = len(alts)
    cols = 2 if n > 1 else 1
    rows_ = math.ceil(n / cols) if n else 1
    fig, axes = plt.subplots(rows_, cols, figsize=(10, 3.0 * rows_ + 0.4), sharex=True, sharey=True,
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, alts):
        col = lambda stat: t.column("cumulative_delta_cash", f"{name} {stat}")
        get = lambda stat: [r[col(stat)] for r in cum["rows"]]
        color = color_of(t, name)
        for other in alts:
            if other != name:
                ax.plot(months, [r[t.column("cumulative_delta_cash", f"{other} p50")] for r in cum["rows"]],
                        color="#bbbbbb", lw=0.8)
        ax.fill_between(months, get("p05"), get("p95"), color=color, alpha=0.15, lw=0, label="5-95%")
        ax.fill_between(months, get("p25"), get("p75"), color=color, alpha=0.3, lw=0, label="25-75%")
        ax.plot(months, get("p50"), color=color, lw=2, label="median")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_title(name, fontsize=10, color=color, loc="left")
        money_axis(ax, t.currency)
    for ax in axes[-1]:
        ax.set_xlabel("month")
    if n:
        axes.flat[0].legend(loc="upper left", fontsize=8, frameon=False)
    fig.suptitle("Cumulative discounted cash flow gained over the baseline (paired per replication; "
                 "grey: the other roadmaps' medians)", fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    img = figure_html(fig, "Fan chart of cumulative discounted delta cash per roadmap")
    last = cum["rows"][-1]
    header = ["roadmap", with_currency("median at the horizon", t.currency), "5th percentile", "95th percentile"]
    rows = [[html.escape(name)] + [amount(last[t.column("cumulative_delta_cash", f"{name} {s}")], signed=True)
                                   for s in ("p50", "p05", "p95")] for name in alts]
    return ("<section id=\"cash\"><h2>Cash gained over the baseline, month by month</h2>"
            "<p>Within the plan, terminal value excluded: the curve payback is read from. The band is "
            "where the paired difference falls in 90% (light) and 50% (dark) of replications.</p>"
            + img + html_table(header, rows) + footnote(cum["sources"]) + "</section>")


def value_section(t):
    c = t.currency
    s = t.table("summary")
    header = ["roadmap", with_currency("NPV", c), with_currency("delta NPV", c) + "<br>mean, 5-95%",
              "of which cash", "of which terminal", "P(best)", "P(beat)", "ROI", "paid back",
              "median payback"]
    rows = []
    for r in s["rows"]:
        name = r[0]
        g = lambda h: r[t.column("summary", h)]
        base = name == t.baseline
        pay = g("median payback month (never counted)")
        delta = (f"{amount(g(t.money('delta NPV mean')), signed=True)}<br><span class=\"range\">"
                 f"{amount(g(t.money('delta NPV p05')), signed=True)} to "
                 f"{amount(g(t.money('delta NPV p95')), signed=True)}</span>")
        rows.append([
            html.escape(name) + (" (baseline)" if base and name != "baseline" else ""),
            amount(g(t.money("NPV mean"))),
            "-" if base else delta,
            "-" if base else amount(g(t.money("delta NPV cash mean")), signed=True),
            "-" if base else amount(g(t.money("delta NPV terminal mean")), signed=True),
            percent(g("P(best)")),
            "-" if base else percent(g("P(beat baseline)")),
            "-" if base else fmt(g("ROI mean"), "ratio", c),
            "-" if base else percent(g("paid back")),
            "-" if base else (pay if isinstance(pay, str) else fmt(pay, "month", c) if pay is not None else "-"),
        ])
    table = html_table(header, rows)
    # Distributions of delta NPV from the per-replication table.
    per = t.table("per_replication")
    ci = t.column("per_replication", "delta_npv")
    alts = alternatives(t)
    data = [[row[ci] for row in per["rows"] if row[0] == name and row[ci] is not None] for name in alts]
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(alts) + 1.2))
    if alts:
        ax.boxplot(data, vert=False, labels=alts, widths=0.5, showfliers=False,
                   medianprops={"color": "black"})
        for k, (name, values) in enumerate(zip(alts, data)):
            jitter = [k + 1 + 0.12 * math.sin(7.3 * j) for j in range(len(values))]
            ax.scatter(values, jitter, s=10, color=color_of(t, name), alpha=0.7, zorder=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.invert_yaxis()
    money_axis(ax, c, "x")
    ax.set_xlabel(with_currency(f"delta NPV against {t.baseline}", c) + ", one dot per replication")
    fig.tight_layout()
    img = figure_html(fig, "Distribution of delta NPV per roadmap")
    return ("<section id=\"value\"><h2>Value of each roadmap</h2>"
            "<p>NPV = cash over the plan plus the terminal value; delta = against the baseline in the same "
            "replication. ROI = delta NPV over the extra investment; median payback counts replications "
            "that never pay back as later than every month.</p>" + table + footnote(s["sources"])
            + img + footnote(["/summary/delta_npv"]) + "</section>")


def payback_section(t):
    per = t.table("per_replication")
    ci = t.column("per_replication", "payback_month")
    horizon = int(t.facts.get("horizon_months", "0") or 0)
    alts = alternatives(t)
    fig, ax = plt.subplots(figsize=(10, 3.2))
    for name in alts:
        values = [row[ci] for row in per["rows"] if row[0] == name]
        n = len(values)
        months = list(range(0, horizon + 1))
        share = [sum(1 for v in values if v is not None and v <= m) / n if n else 0 for m in months]
        ax.step(months, share, where="post", color=color_of(t, name), lw=2, label=name)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{100 * v:.0f}%"))
    ax.set_xlabel("month")
    ax.set_ylabel("replications paid back")
    if alts:
        ax.legend(fontsize=8, frameon=False, loc="upper left")
    fig.tight_layout()
    img = figure_html(fig, "Share of replications paid back by each month")
    rows = []
    for name in alts:
        share = t.value("summary", "paid back", roadmap=name)
        med = t.value("summary", "median payback month (never counted)", roadmap=name)
        rows.append([html.escape(name), percent(share),
                     med if isinstance(med, str) else fmt(med, "month", t.currency) if med is not None else "-"])
    return ("<section id=\"payback\"><h2>Payback</h2><p>The month from which cumulative discounted "
            "delta cash stays at or above zero to the horizon; replications that never get there are "
            "counted as never, not dropped.</p>" + img
            + html_table(["roadmap", "paid back within the horizon", "median payback month"], rows)
            + footnote(["/summary/payback_month", "/statistics/paid_back"]) + "</section>")


def avoidable_section(t):
    c = t.currency
    av = t.table("avoidable_cost")
    rows_all = av["rows"]
    srcs = av["row_sources"]
    twins = t.facts.get("by_touchpoint") == "1"
    measure = "avoidable cost by touchpoint" if twins else "direct failure cost, discounted"
    focus = [t.baseline] + ([t.best] if t.best and t.best != t.baseline else [])

    def pick(roadmap, meas, item):
        for r in rows_all:
            if r[0] == roadmap and r[1] == meas and r[2] == item:
                return r
        return None

    parts = ["<section id=\"avoidable\"><h2>What failures cost</h2>"]
    parts.append(
        "<p>The direct cost is the failure-cost ledger (repeat contacts, credits, complaint handling). "
        "The total avoidable cost reruns each roadmap on the same random numbers with failures "
        "removed: it adds the margin of customers who left because of failures, lost word of mouth "
        "and the acquisition spent replacing them.")
    if twins:
        parts.append(" By touchpoint, only that touchpoint's failures are removed; per failure divides by "
                     "its failures over the horizon. Touchpoints' costs need not add up to the total: "
                     "failures compound through satisfaction and churn.")
    parts.append("</p>")
    # Chart: by touchpoint, grouped by roadmap, with 5-95% whiskers.
    if t.touchpoints:
        fig, ax = plt.subplots(figsize=(10, 0.5 * len(t.touchpoints) * len(focus) + 1.4))
        height = 0.8 / len(focus)
        for j, name in enumerate(focus):
            means, lo, hi, ys = [], [], [], []
            for k, tp in enumerate(t.touchpoints):
                r = pick(name, measure, tp)
                if r is None:
                    continue
                means.append(r[3])
                lo.append(r[3] - r[4])
                hi.append(r[6] - r[3])
                ys.append(k + j * height)
            ax.barh(ys, means, height=height * 0.9, xerr=[lo, hi], color=color_of(t, name),
                    error_kw={"lw": 0.8, "capsize": 2}, label=name)
        ax.set_yticks([k + height * (len(focus) - 1) / 2 for k in range(len(t.touchpoints))])
        ax.set_yticklabels(t.touchpoints)
        ax.invert_yaxis()
        money_axis(ax, c, "x")
        ax.set_xlabel(with_currency("avoidable cost (NPV)" if twins else "direct failure cost (discounted)", c)
                      + ", mean with 5-95% of replications")
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        parts.append(figure_html(fig, "Avoidable cost by touchpoint"))
        header = ["touchpoint", "roadmap", "failures", with_currency("direct cost (discounted)", c)]
        if twins:
            header += [with_currency("avoidable cost", c), "90% of replications", "cash part", "terminal part",
                       with_currency("per failure", c)]
        rows = []
        ranked = sorted(t.touchpoints, key=lambda tp: -((pick(focus[0], measure, tp) or [0, 0, 0, 0])[3] or 0))
        for tp in ranked:
            for name in focus:
                f_ = pick(name, "failures over the horizon", tp)
                d_ = pick(name, "direct failure cost, discounted", tp)
                row = [html.escape(tp), html.escape(name), amount(f_[3]) if f_ else "-", amount(d_[3]) if d_ else "-"]
                if twins:
                    a = pick(name, "avoidable cost by touchpoint", tp)
                    ca = pick(name, "avoidable cost by touchpoint, cash part", tp)
                    te = pick(name, "avoidable cost by touchpoint, terminal part", tp)
                    pf = pick(name, "avoidable cost per failure", tp)
                    row += [amount(a[3]), f"{amount(a[4])} to {amount(a[6])}", amount(ca[3]),
                            amount(te[3]), f"{pf[3]:,.2f}" if pf[3] is not None else "-"]
                rows.append(row)
        parts.append(html_table(header, rows, right_from=2))
        sources = ["/timeseries_by_touchpoint/failures", "/timeseries_by_touchpoint/failure_cost"]
        if twins:
            sources += ["/statistics_by_touchpoint/avoidable_cost", "/statistics_by_touchpoint/avoidable_cost_cash",
                        "/statistics_by_touchpoint/avoidable_cost_terminal", "/statistics_by_touchpoint/cost_per_failure"]
        parts.append(footnote(sources))
    # By line, from the zero-defect counterfactual.
    if t.facts.get("zero_defect") == "1":
        items = [r[2] for r in rows_all if r[0] == t.baseline and r[1] == "total avoidable cost by line"]
        fig, ax = plt.subplots(figsize=(10, 0.45 * len(items) * len(focus) + 1.2))
        height = 0.8 / len(focus)
        for j, name in enumerate(focus):
            vals = [pick(name, "total avoidable cost by line", it)[3] for it in items]
            ax.barh([k + j * height for k in range(len(items))], vals, height=height * 0.9,
                    color=color_of(t, name), label=name)
        ax.set_yticks([k + height * (len(focus) - 1) / 2 for k in range(len(items))])
        ax.set_yticklabels(items)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        money_axis(ax, c, "x")
        ax.set_xlabel(with_currency("zero-defect counterfactual minus the roadmap, discounted", c)
                      + "; positive = what failures cost")
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        parts.append("<h3>By line of the cash-flow statement</h3>")
        parts.append(figure_html(fig, "Avoidable cost by line"))
        header = [with_currency("line", c)] + [html.escape(n) for n in focus]
        rows = [[html.escape(it)] + [amount(pick(n, "total avoidable cost by line", it)[3]) for n in focus]
                for it in items]
        rows.append(["<b>total avoidable cost</b>"] + [f"<b>{amount(pick(n, 'total avoidable cost', 'all touchpoints')[3])}</b>"
                                                      for n in focus])
        rows.append(["of which cash"] + [amount(pick(n, "total avoidable cost, cash part", "all touchpoints")[3]) for n in focus])
        rows.append(["of which terminal"] + [amount(pick(n, "total avoidable cost, terminal part", "all touchpoints")[3])
                                             for n in focus])
        parts.append(html_table(header, rows))
        line_sources = sorted({s for r, s in zip(rows_all, srcs) if r[1] == "total avoidable cost by line"})
        parts.append(footnote(line_sources + ["/statistics/avoidable_cost_total", "/statistics/avoidable_cost_cash",
                                              "/statistics/avoidable_cost_terminal"]))
    parts.append("</section>")
    return "".join(parts)


def cash_flow_section(t):
    c = t.currency
    cf = t.table("cash_flow_by_year")
    years = sorted({col["dims"]["year"] for col in cf["columns"] if "year" in col["dims"]}, key=int)
    header = ["roadmap", with_currency("basis", c)] + [html.escape(col["header"].rsplit(" ", 1)[0]) for col in cf["columns"]
                                     if col["dims"].get("statistic") == "mean"]
    rows = []
    for r in cf["rows"]:
        if r[1] != "net cash flow":
            continue
        cells = [html.escape(r[0]), html.escape(r[2])]
        for y in years:
            m = r[t.column("cash_flow_by_year", next(col["header"] for col in cf["columns"]
                                                     if col["dims"] == {"year": y, "statistic": "mean"}))]
            lo = r[t.column("cash_flow_by_year", next(col["header"] for col in cf["columns"]
                                                      if col["dims"] == {"year": y, "statistic": "p05"}))]
            hi = r[t.column("cash_flow_by_year", next(col["header"] for col in cf["columns"]
                                                      if col["dims"] == {"year": y, "statistic": "p95"}))]
            cells.append(f"{amount(m)}<br><span class=\"range\">{amount(lo)} to {amount(hi)}</span>")
        rows.append(cells)
    return ("<section id=\"cashflow\"><h2>Net cash flow by plan year</h2><p>Mean, and 5th to 95th "
            "percentile, of each plan year's net cash flow (revenue less every cost line, initiatives "
            "included); the workbook and CSV export carry every line.</p>"
            + html_table(header, rows, right_from=2) + footnote(["/timeseries/net_cash_flow",
                                                                 "/timeseries/discounted_cash_flow"]) + "</section>")


def assumptions_section(t):
    a = t.table("assumptions")
    header = ["parameter", "distribution", "units", "mean drawn", "5th pct", "median", "95th pct"]
    rows = []
    for r in a["rows"]:
        rows.append([f"<code>{html.escape(r[0])}</code>", f"<code>{html.escape(r[2])}</code>", html.escape(r[1]),
                     fmt(r[4], "number", ""), fmt(r[5], "number", ""), fmt(r[6], "number", ""),
                     fmt(r[7], "number", "")])
    body = html_table(header, rows, right_from=3, cls="small") if rows else "<p>No value was uncertain.</p>"
    return ("<section id=\"assumptions\"><h2>Assumptions drawn</h2><p>Every scenario value given as "
            "a distribution, drawn once per replication and shared by every roadmap.</p>" + body
            + footnote(["/parameters/<path> (values; the distribution from each dataset's description)"]) + "</section>")


def provenance_section(t):
    p = t.table("provenance")
    keep = ["results file", "results file SHA-256", "exported by", "scenario_name", "scenario_sha256", "seed",
            "replications", "agents", "population", "horizon_months", "currency", "terminal_value",
            "baseline_roadmap", "engine_version", "git_commit", "created_utc", "hostname", "command_line",
            "resumed_command_line", "format_version", "complete"]
    by_item = {r[0]: r[1] for r in p["rows"]}
    rows = [[html.escape(k), f"<code>{html.escape(fmt(by_item[k], 'number', '') if not isinstance(by_item[k], str) else by_item[k])}</code>"]
            for k in keep if k in by_item]
    scenario = "\n".join(r[1] or "" for r in t.rows("scenario"))
    return ("<section id=\"provenance\"><h2>Provenance</h2>" + html_table(["item", "value"], rows, right_from=9)
            + footnote(p["sources"]) + "<details><summary>The resolved scenario</summary><pre>"
            + html.escape(scenario) + "</pre></details>" + footnote(["/scenario"]) + "</section>")



# ----------------------------------------------------------------------------- experiment files
# The report of a `cxsim sweep` or `cxsim sensitivity` file (facts: experiment = sweep or
# sensitivity): the question and its answer first, a chart per output and roadmap, the design and
# the provenance. The tables are those of `cxsim export` on the file (reports/experiment_tables).

MAIN_INDEX = {"sobol": ("ST", "total Sobol index ST"), "morris": ("mu_star", "mu* (mean absolute elementary effect)"),
              "tornado": ("swing", "swing |high - low|")}


def col_by_dims(t, tid, **dims):
    """The position of the column of table `tid` whose dims are exactly `dims`, else None."""
    for i, col in enumerate(t.table(tid)["columns"]):
        if col["dims"] == dims:
            return i
    return None


def is_money(t, tid, output):
    c = col_by_dims(t, tid, metric=output, statistic="mean")
    return c is not None and t.table(tid)["columns"][c]["format"] in ("money", "money_unit")


def value_text(x, money, currency="", signed=False):
    if x is None:
        return "-"
    if money:
        return amount(x, currency, signed)
    return f"{x:+.3g}" if signed else f"{x:.3g}"


def interval_text(lo, hi, money, currency="", signed=True):
    if lo is None or hi is None:
        return "-"
    return f"{value_text(lo, money, currency, signed)} to {value_text(hi, money, currency, signed)}"


def experiment_outputs(t):
    return [o.strip() for o in t.facts.get("outputs", "").split(",") if o.strip()]


def index_rows(t, output, roadmap):
    """{factor: {index: value}} for one output and roadmap, in file order."""
    s = t.table("sensitivity")
    names = [c["header"] for c in s["columns"]]
    out = {}
    for r in s["rows"]:
        if r[0] == output and r[1] == roadmap:
            out[r[2]] = {names[i]: r[i] for i in range(3, len(names))}
    if t.facts.get("method") == "tornado":
        for v in out.values():
            lo, hi = v.get("low"), v.get("high")
            v["swing"] = abs(hi - lo) if lo is not None and hi is not None else None
    return out


def ranked(rows, index):
    have = [(f, v) for f, v in rows.items() if v.get(index) is not None]
    return sorted(have, key=lambda fv: -abs(fv[1][index]))


def sensitivity_answer(t):
    method = t.facts.get("method", "")
    index, what = MAIN_INDEX.get(method, ("ST", method))
    s = t.table("sensitivity")
    money_rows = {(r[0], r[1]): fmt_ for r, fmt_ in zip(s["rows"], s["row_formats"])}
    question = (f"<p class=\"headline\">Which of the {html.escape(t.facts.get('factors', ''))} factors move "
                f"{html.escape(', '.join(experiment_outputs(t)))} most? Ranked by the {what} "
                f"({html.escape(method)}), per output and roadmap other than {html.escape(t.baseline)}.</p>")
    header = ["output", "roadmap", "rank", "factor", html.escape(what), "95% interval" if method != "tornado"
              else "output at the factor's low / high end"]
    rows, lines = [], []
    for o in experiment_outputs(t):
        for m in alternatives(t):
            money = money_rows.get((o, m)) in ("money", "money_unit")
            top = ranked(index_rows(t, o, m), index)[:3]
            if not top:
                rows.append([html.escape(o), html.escape(m), "-", "(does not vary)", "-", "-"])
                continue
            lines.append(f"<li><b>{html.escape(o)}</b>, {html.escape(m)}: "
                         + ", ".join(f"{html.escape(f)} ({value_text(v[index], money and index != 'ST', t.currency)})"
                                     for f, v in top) + "</li>")
            for k, (f, v) in enumerate(top):
                if method == "tornado":
                    band = (f"{value_text(v.get('low'), money, t.currency)} / "
                            f"{value_text(v.get('high'), money, t.currency)}")
                else:
                    band = interval_text(v.get(index + "_low"), v.get(index + "_high"), money and method != "sobol",
                                         t.currency, signed=False)
                rows.append([html.escape(o), html.escape(m), str(k + 1), f"<code>{html.escape(f)}</code>",
                             value_text(v[index], money and method != "sobol", t.currency), band])
    answer = "<p>The factors that matter most:</p><ul>" + "".join(lines) + "</ul>" if lines else ""
    return question + answer + html_table(header, rows, right_from=4) + footnote(s["sources"])


def design_values(t):
    """{point: [factor values]} and the factor names, from the design table."""
    d = t.table("design")
    factors = [c["dims"]["factor"] for c in d["columns"] if "factor" in c["dims"]]
    return {r[0]: r[1:] for r in d["rows"]}, factors


def point_label(values, factors, point):
    return f"point {point:.0f}: " + ", ".join(f"{html.escape(f)} = {fmt(v, 'number', '')}"
                                               for f, v in zip(factors, values))


def sweep_answer(t):
    design, factors = design_values(t)
    question = (f"<p class=\"headline\">How do {html.escape(', '.join(experiment_outputs(t)))} change over "
                f"the {html.escape(t.facts.get('points', ''))} points of the {html.escape(t.facts.get('method', ''))} "
                f"design of {html.escape(', '.join(factors))}? The highest and lowest point of each output per "
                "roadmap, against the base scenario on the same random numbers.</p>")
    header = ["output", "roadmap", "", "point", "mean at the point", "point - base, mean", "95% interval"]
    rows = []
    for o in experiment_outputs(t):
        money = is_money(t, "points", o)
        mean_c = col_by_dims(t, "points", metric=o, statistic="mean")
        pd_c = [col_by_dims(t, "paired_difference", metric=o, statistic=s) for s in ("mean", "ci95_low", "ci95_high")]
        for m in t.roadmaps:
            pts = [(r[0], r[mean_c]) for r in t.rows("points") if r[1] == m and r[mean_c] is not None]
            if not pts or min(v for _, v in pts) == max(v for _, v in pts):
                continue
            pd = {r[0]: r for r in t.rows("paired_difference") if r[1] == m}
            for label, (p, v) in (("highest", max(pts, key=lambda pv: pv[1])), ("lowest", min(pts, key=lambda pv: pv[1]))):
                d = pd.get(p)
                rows.append([html.escape(o), html.escape(m), label, point_label(design.get(p, []), factors, p),
                             value_text(v, money, t.currency),
                             value_text(d[pd_c[0]], money, t.currency, True) if d else "-",
                             interval_text(d[pd_c[1]], d[pd_c[2]], money, t.currency) if d else "-"])
    sources = t.table("points")["sources"] + t.table("paired_difference")["sources"] + ["/design/values"]
    return question + html_table(header, rows, right_from=4) + footnote(sources)


def sensitivity_chart(t, o, m):
    method = t.facts.get("method", "")
    rows = index_rows(t, o, m)
    s = t.table("sensitivity")
    money = dict(((r[0], r[1]), f) for r, f in zip(s["rows"], s["row_formats"])).get((o, m)) in ("money", "money_unit")
    index = MAIN_INDEX.get(method, ("ST", ""))[0]
    order = [f for f, _ in ranked(rows, index)]
    if not order:
        return None
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(order) + 1.3))
    ys = list(range(len(order)))

    def err(name):
        lo = [max(0.0, rows[f][name] - rows[f].get(name + "_low", rows[f][name]))
              if rows[f].get(name + "_low") is not None and rows[f][name] is not None else 0.0 for f in order]
        hi = [max(0.0, rows[f].get(name + "_high", rows[f][name]) - rows[f][name])
              if rows[f].get(name + "_high") is not None and rows[f][name] is not None else 0.0 for f in order]
        return [lo, hi]

    def vals(name):
        return [rows[f][name] if rows[f].get(name) is not None else 0.0 for f in order]

    if method == "sobol":
        h = 0.38
        ax.barh([y - h / 2 for y in ys], vals("S1"), height=h, xerr=err("S1"), color=COLORS[5],
                error_kw={"lw": 0.8, "capsize": 2}, label="S1 (first order)")
        ax.barh([y + h / 2 for y in ys], vals("ST"), height=h, xerr=err("ST"), color=COLORS[0],
                error_kw={"lw": 0.8, "capsize": 2}, label="ST (total)")
        ax.set_xlabel("Sobol index, with its 95% bootstrap interval")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        sources = [f"/sensitivity/{o}/{n}" for n in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high")]
    elif method == "morris":
        ax.barh(ys, vals("mu_star"), height=0.6, xerr=err("mu_star"), color=COLORS[0],
                error_kw={"lw": 0.8, "capsize": 2})
        if money:
            money_axis(ax, "", "x")
        ax.set_xlabel(with_currency(f"mu* of {o}", t.currency if money else "")
                      + ", with its 95% bootstrap interval")
        sources = [f"/sensitivity/{o}/{n}" for n in ("mu_star", "mu_star_low", "mu_star_high")]
    else:
        base = next((rows[f]["base"] for f in order if rows[f].get("base") is not None), 0.0)
        for y, f in zip(ys, order):
            for end, color in (("low", COLORS[1]), ("high", COLORS[0])):
                v = rows[f].get(end)
                if v is not None:
                    ax.barh(y, v - base, left=base, height=0.6, color=color,
                            label=f"factor at its {end} end" if y == 0 else None)
        ax.axvline(base, color="black", lw=0.8)
        if money:
            money_axis(ax, "", "x")
        ax.set_xlabel(with_currency(f"{o}", t.currency if money else "")
                      + "; bars from the base (every factor at its median)")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        sources = [f"/sensitivity/{o}/{n}" for n in ("low", "high", "base")]
    ax.set_yticks(ys)
    ax.set_yticklabels(order)
    ax.invert_yaxis()
    ax.set_title(f"{o}, {m}", fontsize=10, loc="left", color=color_of(t, m))
    fig.tight_layout()
    return figure_html(fig, f"Sensitivity of {o} to each factor, {m}") + footnote(sources)


def sweep_chart(t, o, m):
    design, factors = design_values(t)
    money = is_money(t, "paired_difference", o)
    c = [col_by_dims(t, "paired_difference", metric=o, statistic=s) for s in ("mean", "ci95_low", "ci95_high")]
    pts = [(r[0], r[c[0]], r[c[1]], r[c[2]]) for r in t.rows("paired_difference") if r[1] == m and r[c[0]] is not None]
    if not pts or all(p[1] == 0 for p in pts):
        return None
    fig, ax = plt.subplots(figsize=(9, 3.2))

    def yerr(group):
        return [[p[1] - p[2] if p[2] is not None else 0.0 for p in group],
                [p[3] - p[1] if p[3] is not None else 0.0 for p in group]]

    if t.facts.get("method") == "grid" and factors:
        groups = {}
        for p in pts:
            rest = tuple(design[p[0]][1:])
            groups.setdefault(rest, []).append(p)
        for k, (rest, group) in enumerate(groups.items()):
            group.sort(key=lambda p: design[p[0]][0])
            label = ", ".join(f"{f} = {fmt(v, 'number', '')}" for f, v in zip(factors[1:], rest)) or None
            ax.errorbar([design[p[0]][0] for p in group], [p[1] for p in group], yerr=yerr(group), marker="o",
                        ms=4, lw=1.5, capsize=3, color=COLORS[k % len(COLORS)], label=label)
        ax.set_xlabel(factors[0])
        if len(groups) > 1:
            ax.legend(fontsize=8, frameon=False)
    else:
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts], yerr=yerr(pts), fmt="o", ms=4, capsize=3,
                    color=color_of(t, m))
        ax.set_xlabel("point (its factor values in the design table)")
    ax.axhline(0, color="black", lw=0.8)
    if money:
        money_axis(ax, "", "y")
    ax.set_ylabel(with_currency(f"{o}: point - base", t.currency if money else ""))
    ax.set_title(f"{o}, {m}: mean paired difference against the base, 95% interval", fontsize=10, loc="left",
                 color=color_of(t, m))
    fig.tight_layout()
    return (figure_html(fig, f"Paired difference of {o} against the base per point, {m}")
            + footnote([f"/paired_difference/{o}", "/design/values"]))


def experiment_charts_section(t):
    sweep = t.facts.get("experiment") == "sweep"
    parts = []
    for o in experiment_outputs(t):
        for m in (t.roadmaps if sweep else alternatives(t)):
            chart = sweep_chart(t, o, m) if sweep else sensitivity_chart(t, o, m)
            if chart:
                parts.append(chart)
    what = ("Per output and roadmap: the mean paired difference of each point against the base scenario "
            "(same replications, same random numbers) with its 95% Student t interval."
            if sweep else "Per output and roadmap other than the baseline, the factors sorted by their main index.")
    return ("<section id=\"charts\"><h2>Per output and roadmap</h2><p>" + what + "</p>" + "".join(parts)
            + "</section>")


def design_section(t, limit=50):
    d = t.table("design")
    header = [html.escape(c["header"]) for c in d["columns"]]
    rows = [[fmt(v, "number", "") for v in r] for r in d["rows"][:limit]]
    more = len(d["rows"]) - limit
    note = (f"<p class=\"meta\">The first {limit} of {len(d['rows'])} points; the other {more} are in "
            "<code>cxsim export</code>'s Design sheet.</p>" if more > 0 else "")
    return ("<section id=\"design\"><h2>The design</h2><p>" + html.escape(d["note"]) + "</p>"
            + html_table(header, rows) + footnote(d["sources"]) + note + "</section>")


def experiment_provenance_section(t):
    p = t.table("provenance")
    rows = [[html.escape(r[0]), "<code>" + html.escape(r[1] if isinstance(r[1], str) else fmt(r[1], "number", ""))
             + "</code>"] for r in p["rows"]]
    texts = "".join(
        f"<details><summary>{html.escape(t.table(tid)['title'])}</summary><pre>"
        + html.escape("\n".join(r[1] or "" for r in t.rows(tid))) + "</pre></details>" + footnote(t.table(tid)["sources"])
        for tid in ("experiment", "scenario") if tid in t.tables)
    return ("<section id=\"provenance\"><h2>Provenance</h2>" + html_table(["item", "value"], rows, right_from=9)
            + footnote(p["sources"]) + texts + "</section>")


def experiment_page(t):
    f = t.facts
    sweep = f.get("experiment") == "sweep"
    name = f.get("scenario_name", "")
    kind = f"sweep ({f.get('method', '')} design)" if sweep else f"sensitivity study ({f.get('method', '')})"
    meta = (f"{html.escape(f.get('points', ''))} points of {html.escape(f.get('replications', ''))} replications, "
            f"{html.escape(f.get('agents', ''))} agents, {html.escape(f.get('horizon_months', ''))} months; "
            f"money in {html.escape(t.currency or 'the scenario currency')}; baseline {html.escape(t.baseline)}; "
            f"results file SHA-256 <code>{html.escape(f.get('file_sha256', '')[:16])}</code>...")
    nav = "".join(f'<a href="#{a}">{b}</a>' for a, b in (
        ("answer", "Answer"), ("charts", "Charts"), ("design", "Design"), ("provenance", "Provenance")))
    answer = sweep_answer(t) if sweep else sensitivity_answer(t)
    body = [
        f"<header><h1>{html.escape(name)}: {html.escape(kind)}</h1>",
        f"<p class=\"sub\">{html.escape(f.get('description', ''))}</p><p class=\"meta\">{meta}</p>",
        f"<nav>{nav}</nav></header>",
        "<section id=\"answer\"><h2>The question and its answer</h2>" + answer + "</section>",
        experiment_charts_section(t), design_section(t), experiment_provenance_section(t),
        f"<footer class=\"source\">Generated by {html.escape(f.get('exported_by', 'cxsim'))} from "
        f"{html.escape(os.path.basename(f.get('file', '')) or 'the experiment file')}; every number above "
        "names the dataset of the experiment file it comes from.</footer>",
    ]
    return name, kind, body


# ----------------------------------------------------------------------------- plan files
# The report of a `cxsim optimize` file (the chosen plan and how sure it is, the frontier, the
# plans raced) and of a `cxsim attribute` file (the Shapley shares, the coalitions). The tables
# are those of `cxsim export` on the file (reports/plan_tables).

def plan_label(yaml_text):
    """'billing_fix@1 + digital_app@13' from a plan's YAML as the optimize file writes it."""
    import re
    steps = re.findall(r"use: ([^,}\s]+), start_month: (\d+)", yaml_text or "")
    return " + ".join(f"{u}@{m}" for u, m in steps) if steps else "no initiative"


def items(t, tid):
    return {r[0]: r[1] for r in t.rows(tid)}


def whole(x):
    """A count of replications or plans, in full: 4,236."""
    return "-" if x is None else f"{int(round(x)):,}"


def item_text(t, tid, row, value):
    """An item table's value in its row's format (money, share, count, text)."""
    kinds = t.table(tid).get("row_formats", [])
    kind = kinds[row] if row < len(kinds) else "number"
    if isinstance(value, str):
        return html.escape(value)
    if kind == "count":
        return whole(value)
    return fmt(value, kind, t.currency)


def column_of(t, tid, statistic):
    return col_by_dims(t, tid, statistic=statistic)


def optimize_answer(t):
    c = items(t, "choice")
    fmt_money = lambda x: value_text(x, True, t.currency)  # noqa: E731
    stat = [k for k in c if k.startswith(("mean of", "p")) and "(chosen plan)" in k]
    value = c[stat[0]] if stat else None
    se = next((v for k, v in c.items() if k.startswith("its standard error")), None)
    zone = next((v for k, v in c.items() if k.startswith("indifference zone")), None)
    kind = c.get("P(correct selection) is", "")
    claim = ("guaranteed by the procedure" if kind == "guaranteed"
             else "an estimate (the guarantee holds for a mean objective that stopped by itself)")
    head = (f"<p class=\"headline\">Choose <b>{html.escape(plan_label(c.get('chosen plan')))}</b>: "
            f"{html.escape(c.get('objective', ''))} {fmt_money(value)} (se {fmt_money(se)}). "
            f"It is the best plan, or within {fmt_money(zone)} of it, with probability at least "
            f"{percent(c.get('P(correct selection)'))} ({html.escape(claim)}), after "
            f"{whole(c.get('replications spent'))} replications; equal allocation would need "
            f"{whole(c.get('equal allocation, same guarantee'))} for the same guarantee.</p>")
    rows = [[html.escape(r[0]), item_text(t, "choice", i, r[1])] for i, r in enumerate(t.rows("choice"))]
    cand = t.table("candidates")
    mean_c, se_c = column_of(t, "candidates", "mean"), column_of(t, "candidates", "se")
    n_c, pd_c = column_of(t, "candidates", "n"), column_of(t, "candidates", "paired_difference")
    pdse_c, by_c = column_of(t, "candidates", "paired_difference_se"), column_of(t, "candidates", "eliminated_at")
    best = int(c.get("candidate", -1))
    others = sorted((r for r in cand["rows"] if int(r[0]) != best and r[mean_c] is not None),
                    key=lambda r: -r[mean_c])[:5]
    runners = [[fmt(r[0], "number", ""), html.escape(plan_label(r[1])), fmt_money(r[mean_c]),
                value_text(r[pd_c], True, t.currency, True) if pd_c is not None else "-",
                fmt_money(r[pdse_c]) if pdse_c is not None else "-", whole(r[n_c]),
                whole(r[by_c]) if r[by_c] is not None else "never"] for r in others]
    return (head + html_table(["item", "value"], rows, right_from=2) + footnote(t.table("choice")["sources"])
            + "<h3>The runners-up</h3>"
            + html_table(["#", "plan", "mean", "chosen minus it", "se", "replications", "dropped at"], runners,
                         right_from=2) + footnote(cand["sources"]))


def optimize_charts(t):
    out = ["<section id=\"charts\"><h2>Charts</h2>"]
    if "frontier" in t.tables:
        fr = t.table("frontier")
        b, m, se = 0, column_of(t, "frontier", "mean"), column_of(t, "frontier", "se")
        best_c = column_of(t, "frontier", "best")
        fig, ax = plt.subplots(figsize=(9, 3.6))
        xs = [r[b] for r in fr["rows"]]
        ys = [r[m] for r in fr["rows"]]
        ax.step(xs, ys, where="post", ls="--", lw=1, color=COLORS[0], alpha=0.6)
        ax.errorbar(xs, ys, yerr=[1.96 * r[se] for r in fr["rows"]], fmt="o", capsize=4, color=COLORS[0])
        for r in fr["rows"]:
            ax.annotate(plan_label(r[best_c]).replace(" + ", "\n+ "), (r[b], r[m]), xytext=(6, -4),
                        textcoords="offset points", fontsize=7, va="top")
        money_axis(ax, "", "y")
        money_axis(ax, "", "x")
        ax.set_xlabel(with_currency("capex budget", t.currency))
        ax.set_ylabel(with_currency("best plan's mean", t.currency))
        ax.set_title("The efficient frontier: the best plan per budget (95% intervals)", fontsize=10, loc="left")
        fig.tight_layout()
        out.append(figure_html(fig, "The best plan per capex budget") + footnote(fr["sources"]))
    cand = t.table("candidates")
    mean_c, se_c = column_of(t, "candidates", "mean"), column_of(t, "candidates", "se")
    top = sorted((r for r in cand["rows"] if r[mean_c] is not None), key=lambda r: -r[mean_c])[:20][::-1]
    best = int(items(t, "choice").get("candidate", -1))
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(top) + 1.4))
    labels = [plan_label(r[1]) for r in top]
    ax.errorbar([r[mean_c] for r in top], range(len(top)),
                xerr=[1.96 * (r[se_c] or 0.0) for r in top], fmt="o", capsize=3,
                color=COLORS[1], ecolor="#999999")
    for i, r in enumerate(top):
        if int(r[0]) == best:
            ax.plot([r[mean_c]], [i], "o", color=COLORS[0], ms=8)
    ax.set_yticks(range(len(top)), labels, fontsize=7)
    money_axis(ax, "", "x")
    ax.set_xlabel(with_currency("mean of the objective over each plan's replications (95% interval)", t.currency))
    ax.set_title("The plans with the highest means (the chosen one in blue)", fontsize=10, loc="left")
    fig.tight_layout()
    out.append(figure_html(fig, "The plans with the highest means") + footnote(["/optimize/mean", "/optimize/se",
                                                                                "/optimize/candidates"]))
    return "".join(out) + "</section>"


def plans_section(t, limit=40):
    cand = t.table("candidates")
    mean_c = column_of(t, "candidates", "mean")
    ordered = sorted(cand["rows"], key=lambda r: -(r[mean_c] if r[mean_c] is not None else -math.inf))
    shown = [c for c in cand["columns"][2:]]
    header = ["#", "plan"] + [html.escape(c["header"]) for c in shown]
    rows = [[fmt(r[0], "number", ""), html.escape(plan_label(r[1]))]
            + [(whole(r[2 + i]) if c["format"] == "count" else fmt(r[2 + i], c["format"], ""))
               if r[2 + i] is not None else "-" for i, c in enumerate(shown)]
            for r in ordered[:limit]]
    more = (f"<p>The {limit} plans with the highest means of {len(ordered)}; every plan is on the Candidates sheet "
            "of <code>cxsim export</code>.</p>") if len(ordered) > limit else ""
    return ("<section id=\"plans\"><h2>The plans raced</h2>" + more
            + html_table(header, rows, right_from=2, cls="small") + footnote(cand["sources"]) + "</section>")


def attribute_answer(t):
    sh = t.table("shares")
    c = {s: column_of(t, "shares", s) for s in ("mean", "ci95_low", "ci95_high", "of_total", "alone")}
    rows_in = [r for r in sh["rows"] if r[0] != "total shared out"]
    total = next((r[c["mean"]] for r in sh["rows"] if r[0] == "total shared out"), None)
    money = lambda x, signed=False: value_text(x, True, t.currency, signed)  # noqa: E731
    parts = ", ".join(f"{html.escape(r[0])} {money(r[c['mean']])} ({percent(r[c['of_total']])})"
                      for r in sorted(rows_in, key=lambda r: -r[c["mean"]]))
    name = html.escape(t.facts.get("roadmap", ""))
    head = (f"<p class=\"headline\">Who earns the value of {name}? Its {money(total)} splits as {parts} "
            "(Shapley shares: each initiative's average contribution over every order the roadmap could "
            "have been built in, per replication on common random numbers).</p>")
    rows = [[html.escape(r[0]), money(r[c["mean"]]), interval_text(r[c["ci95_low"]], r[c["ci95_high"]], True,
                                                                   t.currency, False),
             percent(r[c["of_total"]]), money(r[c["alone"]]) if r[c["alone"]] is not None else "-",
             money(r[c["mean"]] - r[c["alone"]], True) if r[c["alone"]] is not None else "-"]
            for r in rows_in]
    return (head + html_table(["initiative", "share", "95% interval", "of the total", "alone", "share minus alone"],
                              rows) + footnote(sh["sources"])
            + "<p>A share above the initiative's value alone: it earns more beside the others; below: it crowds "
              "them or rides on them.</p>")


def attribute_charts(t):
    sh = t.table("shares")
    c = {s: column_of(t, "shares", s) for s in ("mean", "ci95_low", "ci95_high", "alone")}
    rows = sorted((r for r in sh["rows"] if r[0] != "total shared out"), key=lambda r: r[c["mean"]])
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.5))
    y = range(len(rows))
    ax.barh(y, [r[c["mean"]] for r in rows], color=COLORS[0], alpha=0.85, label="Shapley share")
    ax.errorbar([r[c["mean"]] for r in rows], y,
                xerr=[[r[c["mean"]] - r[c["ci95_low"]] for r in rows], [r[c["ci95_high"]] - r[c["mean"]] for r in rows]],
                fmt="none", ecolor="black", capsize=3)
    alone = [(i, r[c["alone"]]) for i, r in enumerate(rows) if r[c["alone"]] is not None]
    if alone:
        ax.plot([a for _, a in alone], [i for i, _ in alone], "D", color=COLORS[1], label="value alone")
    ax.set_yticks(list(y), [r[0] for r in rows])
    ax.axvline(0, color="black", lw=0.8)
    money_axis(ax, "", "x")
    ax.set_xlabel(with_currency("share of the value (95% interval)", t.currency))
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Each initiative's Shapley share, and its value alone", fontsize=10, loc="left")
    fig.tight_layout()
    return ("<section id=\"charts\"><h2>Charts</h2>" + figure_html(fig, "Shapley shares") + footnote(sh["sources"])
            + "</section>")


def coalitions_section(t, limit=64):
    co = t.table("coalitions")
    rows = [[html.escape(r[0]), whole(r[1]), value_text(r[2], True, t.currency)] for r in co["rows"][:limit]]
    more = (f"<p>The first {limit} of {len(co['rows'])}; every one is on the Coalitions sheet of "
            "<code>cxsim export</code>.</p>") if len(co["rows"]) > limit else ""
    return ("<section id=\"plans\"><h2>The sub-roadmaps evaluated</h2>" + more
            + html_table(["coalition", "initiatives", "mean value"], rows, cls="small") + footnote(co["sources"])
            + "</section>")


def plan_page(t):
    f = t.facts
    optimize = f.get("experiment") == "optimize"
    name = f.get("scenario_name", "")
    kind = "the best plan within a budget (cxsim optimize)" if optimize else "what each initiative earns (cxsim attribute)"
    meta = (f"{html.escape(f.get('agents', ''))} agents, {html.escape(f.get('horizon_months', ''))} months, "
            f"{html.escape(f.get('replications', ''))} replications {'first stage' if optimize else 'per sub-roadmap'}; "
            f"money in {html.escape(t.currency or 'the scenario currency')}; results file SHA-256 "
            f"<code>{html.escape(f.get('file_sha256', '')[:16])}</code>...")
    nav = "".join(f'<a href="#{a}">{b}</a>' for a, b in (
        ("answer", "Answer"), ("charts", "Charts"), ("plans", "Plans" if optimize else "Sub-roadmaps"),
        ("provenance", "Provenance")))
    body = [
        f"<header><h1>{html.escape(name)}: {html.escape(kind)}</h1>",
        f"<p class=\"meta\">{meta}</p><nav>{nav}</nav></header>",
        "<section id=\"answer\"><h2>The question and its answer</h2>"
        + (optimize_answer(t) if optimize else attribute_answer(t)) + "</section>",
        optimize_charts(t) if optimize else attribute_charts(t),
        plans_section(t) if optimize else coalitions_section(t),
        experiment_provenance_section(t),
        f"<footer class=\"source\">Generated by {html.escape(f.get('exported_by', 'cxsim'))} from "
        f"{html.escape(os.path.basename(f.get('file', '')) or 'the file')}; every number above "
        "names the dataset of the file it comes from.</footer>",
    ]
    return name, kind, body


CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#222;max-width:1080px;margin:24px auto;
padding:0 16px;line-height:1.45;font-size:14px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;border-bottom:2px solid #1f4e79;padding-bottom:3px;
margin-top:34px}h3{font-size:15px}
.sub{color:#555;margin-top:0}.meta{color:#666;font-size:12px}
.headline{font-size:17px;background:#eef4fb;border-left:5px solid #1f4e79;padding:10px 14px}
.robust{padding:8px 12px}.ok{background:#eef7ea;border-left:5px solid #548235}
.warn{background:#fdf1e7;border-left:5px solid #c55a11}
table{border-collapse:collapse;margin:10px 0;font-size:13px;display:block;max-width:100%;overflow-x:auto}th,td{padding:4px 9px;border-bottom:1px solid #ddd;
vertical-align:top}th{background:#f2f2f2;text-align:left}.num{text-align:right;white-space:nowrap}
table.small{font-size:11.5px}.range{color:#777;font-size:11px}
.source{font-size:11px;color:#666;margin-top:2px}code{font-size:11.5px}
img{max-width:100%;height:auto;display:block;margin:8px 0}
pre{background:#f7f7f7;padding:10px;font-size:11px;overflow-x:auto}
nav{font-size:13px;margin:10px 0 0 0}nav a{margin-right:12px;color:#1f4e79}
"""


def main(json_path, out_path):
    with open(json_path, encoding="utf-8") as fh:
        t = Tables(json.load(fh))
    f = t.facts
    if f.get("experiment"):
        plan = f.get("experiment") in ("optimize", "attribute")
        name, kind, body = plan_page(t) if plan else experiment_page(t)
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(name)}: {html.escape(kind)}, cxsim report</title><style>{CSS}</style>"
                "</head><body>" + "\n".join(body) + "</body></html>\n")
        with open(out_path, "w", encoding="utf-8") as fh:
            fh.write(page)
        return 0
    name = f.get("scenario_name", "")
    meta = (f"{f.get('replications')} replications, {f.get('agents')} agents, {f.get('horizon_months')} months; "
            f"money in {html.escape(t.currency or 'the scenario currency')}; terminal value "
            f"{html.escape(f.get('terminal_value', ''))}; baseline {html.escape(t.baseline)}; "
            f"results file SHA-256 <code>{html.escape(f.get('file_sha256', '')[:16])}</code>...")
    nav = "".join(f'<a href="#{a}">{b}</a>' for a, b in (
        ("decision", "Decision"), ("cash", "Cash over time"), ("value", "Value"), ("payback", "Payback"),
        ("avoidable", "Failures"), ("cashflow", "Cash flow"), ("assumptions", "Assumptions"),
        ("provenance", "Provenance")))
    body = [
        f"<header><h1>{html.escape(name)}: which CX roadmap, and what poor service costs</h1>",
        f"<p class=\"sub\">{html.escape(f.get('description', ''))}</p><p class=\"meta\">{meta}</p>",
        f"<nav>{nav}</nav></header>",
        decision_section(t), fan_section(t), value_section(t), payback_section(t),
        avoidable_section(t), cash_flow_section(t), assumptions_section(t), provenance_section(t),
        f"<footer class=\"source\">Generated by {html.escape(f.get('exported_by', 'cxsim'))} from "
        f"{html.escape(os.path.basename(f.get('file', '')) or 'the results file')}; every number above "
        "names the dataset of the results file it comes from.</footer>",
    ]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(name)}: cxsim report</title><style>{CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(page)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
