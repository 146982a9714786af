#!/usr/bin/env python3
"""BENCHMARKS.md's result tables and its figures (drawn by tests/bench/plot.py) come from the same
JSON: every row of the throughput, latency and ceiling tables must carry exactly the numbers of
tests/bench/results/2026-11-28.json, so a number changed in one place fails here.

usage: figures_test.py SOURCE_DIR
"""

import json
import os
import re
import sys

# The columns of each table, in order, as numbers (a range "lo-hi" is two).
COLUMNS = {
    "### Throughput": ["qos", "flood_rate", "delivered", "delivered_rate", "range", "absorbed_rate",
                       "gateway_us", "mosquitto_us", "gateway_peak_rss_mb", "p50_ms", "p99_ms",
                       "max_ms"],
    "### Latency at fixed rates": ["qos", "flood_rate", "delivered", "p50_ms", "p99_ms", "range",
                                   "max_ms", "all_p99_ms", "all_max_ms", "gateway_us",
                                   "mosquitto_us"],
    "### Ceiling": ["qos", "publisher_rate", "subscriber_rate", "range", "publisher_us",
                    "mosquitto_us", "best_gateway_rate", "gateway_vs_ceiling_pct"],
}
PARTS = {"### Throughput": "throughput", "### Latency at fixed rates": "latency",
         "### Ceiling": "ceiling"}


def table_rows(text, heading):
    start = text.index("\n" + heading)
    section = text[start + 1:]
    end = section.find("\n#", 1)
    section = section if end < 0 else section[:end]
    rows = [line for line in section.splitlines() if line.startswith("| ") and
            not line.startswith("| QoS") and not line.startswith("|---")]
    return [[float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", row)]
            for row in rows]


def expected(row, columns):
    out = []
    for c in columns:
        out.extend(row[c] if c == "range" else [row[c]])
    return [float(v) for v in out]


def main(source):
    with open(os.path.join(source, "BENCHMARKS.md")) as f:
        text = f.read()
    with open(os.path.join(source, "tests/bench/results/2026-11-28.json")) as f:
        results = json.load(f)
    failures = []
    for heading, columns in COLUMNS.items():
        rows = table_rows(text, heading)
        wanted = [expected(r, columns) for r in results[PARTS[heading]]]
        if rows != wanted:
            failures.append(f"{heading}: BENCHMARKS.md has\n  {rows}\nthe JSON has\n  {wanted}")
    if "tests/bench/plot.py" not in text or "docs/bench-latency.png" not in text:
        failures.append("BENCHMARKS.md does not show the figures and the command that draws them")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        return 1
    print("BENCHMARKS.md tables equal tests/bench/results/2026-11-28.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
