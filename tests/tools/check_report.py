#!/usr/bin/python3
"""Checks a `cxsim report` HTML file: self-contained (no src or href to anything but data: URIs and
anchors, no CSS url() or @import of anything but data:, no scripts, no fetches, no external fonts,
under 3 MB), every table followed by a footnote naming its datasets, and every dataset named
there present in the results file. An experiment file (root attribute experiment: sweep,
sensitivity) has the experiment report's sections instead of the finance report's, an optimize or
attribution file the plan report's.
Usage: check_report.py REPORT.html RESULTS.h5   (exit 0 when every check passes)."""
import html
import os
import re
import sys

import h5py


def main(report, results):
    problems = []
    size = os.path.getsize(report)
    if size >= 3 * 1024 * 1024:
        problems.append(f"{size} bytes: over 3 MB")
    page = open(report, encoding="utf-8").read()
    low = page.lower()
    for m in re.finditer(r"""\b(src|href|srcset|poster|action|data)\s*=\s*["']?\s*([^"'\s>]*)""", page, re.I):
        value = m.group(2)
        if not (value.startswith("data:") or value.startswith("#")):
            problems.append(f"external reference {m.group(1)}={value[:80]}")
    for m in re.finditer(r"url\(\s*['\"]?\s*([^'\")]*)", page, re.I):
        if not m.group(1).startswith("data:"):
            problems.append(f"CSS url({m.group(1)[:80]})")
    for needle in ("@import", "<script", "fetch(", "xmlhttprequest", "<link", "<iframe", "<object",
                   "<embed", "@font-face", "http://", "https://"):
        if needle in low:
            problems.append(f"contains {needle}")
    # Every table names where its numbers come from, right after it.
    for m in re.finditer(r"</table>", page):
        rest = page[m.end():]
        nxt_table = rest.find("<table")
        note = rest.find('<p class="source">')
        if note < 0 or (0 <= nxt_table < note):
            problems.append(f"a table at offset {m.start()} has no source footnote")
    f = h5py.File(results, "r")
    experiment = f.attrs.get("experiment")
    if isinstance(experiment, bytes):
        experiment = experiment.decode()
    if experiment in ("optimize", "attribute"):
        tables, charts, datasets = 3, 1, 5
        sections = ("answer", "charts", "plans", "provenance")
    elif experiment:
        tables, charts, datasets = 3, 1, 5
        sections = ("answer", "charts", "design", "provenance")
    else:
        tables, charts, datasets = 8, 5, 15
        sections = ("decision", "cash", "value", "payback", "avoidable", "cashflow", "assumptions",
                    "provenance")
    if page.count("<table") < tables:
        problems.append(f"only {page.count('<table')} tables")
    if page.count('src="data:image/png;base64,') < charts:
        problems.append(f"fewer than {charts} embedded charts")
    # The datasets named exist in the results file.
    named = set()
    for note in re.findall(r'<p class="source">(.*?)</p>', page, re.S):
        for code in re.findall(r"<code>(.*?)</code>", note):
            for part in re.split(r"\s+-\s+|,\s*", html.unescape(code)):
                path = part.split(" (")[0].strip()
                if path.startswith("/") and "<" not in path:
                    named.add(path)
    for path in sorted(named):
        if path != "/" and path.strip("/") not in f:
            problems.append(f"names {path}, which is not in {results}")
    if len(named) < datasets:
        problems.append(f"names only {len(named)} datasets")
    for section in sections:
        if f'id="{section}"' not in page:
            problems.append(f"no section {section}")
    for p in problems[:40]:
        print(p)
    print(f"{report}: " + ("self-contained, every table sourced" if not problems else f"{len(problems)} problems"))
    return 0 if not problems else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
