#!/usr/bin/env python3
"""Rebuilds the seed corpus fuzz/corpus/scenario/ of the scenario-loader harness.

Usage: fuzz/make_corpus.py CXSIM   (CXSIM: a built cxsim, for `describe` of extends bases)

Seeds: every scenarios/*.yaml and scenarios/validation/*.yaml (a file that extends another gets
the base, resolved by `cxsim describe`, after a "#@base" line, and extends base.yaml, as the
harness lays them out), a few with "#@set" overrides, and hostile inputs (aliases that refer to
themselves or to an ancestor, deep nesting, an alias bomb, control characters, binary bytes,
CR-only line ends, extends cycles). The fuzzer adds what it finds to its own working corpus;
this one stays small and readable.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus" / "scenario"
MARKER = "\n#@base\n"


def seed_from_file(cxsim, path):
    text = path.read_text()
    match = re.search(r"^extends:\s*(\S+)\s*$", text, re.M)
    if not match:
        return text
    base = (path.parent / match.group(1)).resolve()
    resolved = subprocess.run([cxsim, "describe", str(base)], check=True, capture_output=True,
                              text=True).stdout
    main = text[:match.start()] + "extends: base.yaml" + text[match.end():]
    return main + MARKER + resolved


MINIMAL = """name: minimal
horizon_months: 12
agents: 50
market:
  population: 10000
segments:
  - name: consumer
    share: 1
    initial_penetration: 0.3
    baseline_churn_monthly: 0.01
    performance: 7
    satisfaction: {mean: 7}
    expectation: {mean: 7}
    revenue: {price: 40}
touchpoints:
  - {name: billing, contacts_per_month: 0.2, failure_rate: 0.05}
initiatives:
  - name: fix
    effects:
      - {target: touchpoints.billing.failure_rate, op: multiply, value: 0.5}
roadmaps:
  - name: baseline
  - {name: fixing, initiatives: [fix]}
"""

HOSTILE = {
    "alias_to_itself.yaml": "a: &c [*c]\n",
    "alias_to_an_ancestor.yaml": "a: &m {b: {c: [1, *m]}}\n",
    "alias_map_to_itself.yaml": "&r {name: x, segments: *r}\n",
    "alias_bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       + "".join(f"{c}: &{c} [{', '.join('*' + p for _ in range(10))}]\n"
                                 for p, c in zip("abcdefg", "bcdefgh")),
    "deep_flow.yaml": "[" * 300 + "]" * 300 + "\n",
    "deep_block.yaml": "".join(" " * (2 * i) + "a:\n" for i in range(80)) + " " * 160 + "x\n",
    "control_characters.yaml": MINIMAL.replace("name: minimal", 'name: "mi\\enimal"')
                               + 'currency: "\\a\\0"\ndescription: "\\x9b2J"\n',
    "raw_escape.yaml": MINIMAL + "description: \x1b[31mred\n",
    "binary.yaml": "\x7fELF\x02\x01\x01\x00\x00\x00",
    "cr_only.yaml": MINIMAL.replace("\n", "\r"),
    "string_tag.yaml": MINIMAL.replace("share: 1", "share: !!str 1"),
    "extends_base.yaml": MINIMAL.replace("name: minimal\n", "name: child\nextends: base.yaml\n"
                                         "horizon_months: 24\n", 1).replace(
                                             "horizon_months: 12\n", "", 1) + MARKER + MINIMAL,
    "extends_cycle.yaml": "name: a\nextends: base.yaml\n" + MARKER + "name: b\nextends: main.yaml\n",
    "extends_itself.yaml": "name: a\nextends: main.yaml\n",
    "extends_device.yaml": "name: a\nextends: /dev/null\n",
    "sets.yaml": "#@set segments.*.revenue.price=1e308\n#@set market.network=\n"
                 "#@set segments.consumer.share=0.5\n#@set horizon_months=1\n"
                 "#@set initiatives.fix.effects[0].value={normal: [0.5, 0.1]}\n" + MINIMAL,
    "sets_parameter_names.yaml": "#@set initiatives.fix.effects.touchpoints.billing.failure_rate="
                                 "{triangular: [0.4, 0.5, 0.6]}\n"
                                 "#@set initiatives.fix.effects.touchpoints.billing.failure_rate"
                                 ".triangular.2=0.7\n"
                                 "#@set initiatives.fix.effects.touchpoints.billing.failure_rate#2=1\n"
                                 "#@set roadmaps.fixing.fix.capex=1e6\n"
                                 "#@set touchpoints.billing.contacts_per_month.consumer=0.3\n"
                                 "#@set segments.consumer.heterogeneity.baseline_churn_monthly"
                                 ".beta.1=99\n" + MINIMAL,
    "sets_through_extends.yaml": "#@set touchpoints.*.failure_rate=0\n#@set agents=20000\n"
                                 "extends: base.yaml\nname: child\n" + MARKER + MINIMAL,
    "extreme_numbers.yaml": MINIMAL.replace("population: 10000", "population: 1e300")
                            .replace("price: 40", "price: 1e308")
                            .replace("value: 0.5", "value: -1e9") + "replications: 1e300\n",
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cxsim = sys.argv[1]
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
            (ROOT / "scenarios" / "validation").glob("*.yaml")):
        name = ("validation_" if path.parent.name == "validation" else "") + path.name
        (OUT / name).write_text(seed_from_file(cxsim, path))
    (OUT / "minimal.yaml").write_text(MINIMAL)
    for name, text in HOSTILE.items():
        (OUT / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    print(f"{len(list(OUT.iterdir()))} seeds in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
