#!/usr/bin/env python3
"""The monitoring kit (deploy/monitoring/, README "Monitoring"): the alert rules pass
`promtool check rules` and their unit tests, the Grafana dashboard is valid JSON, and every metric
the rules and the dashboard name is served by a live gateway's /metrics.

usage: monitoring_test.py SOURCE_DIR BIN_DIR
"""

import json
import os
import re
import subprocess
import sys

from live_site import LiveSite

# Written by Prometheus for every target, not served by the gateway.
PROMETHEUS_SERIES = {"up"}


def names_in(expr):
    """Metric names in a PromQL expression: identifiers that are not functions, keywords,
    label names or strings."""
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values and strings
    expr = re.sub(r"\{[^}]*\}", "{}", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "[]", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    words = set(re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()", expr))
    keywords = {"and", "or", "unless", "bool", "offset", "Inf", "NaN"}
    return {w for w in words - keywords if not w.startswith("__")}


def main(source, bin_dir):
    kit = os.path.join(source, "deploy", "monitoring")
    failures = []
    for argv in (["promtool", "check", "rules", "alerts.yml"],
                 ["promtool", "test", "rules", "alerts_test.yml"]):
        r = subprocess.run(argv, cwd=kit, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            failures.append(" ".join(argv) + ":\n" + r.stdout + r.stderr)

    import yaml  # python3-yaml, in the test set
    with open(os.path.join(kit, "alerts.yml")) as f:
        rules = yaml.safe_load(f)
    wanted = {}
    for group in rules["groups"]:
        for rule in group["rules"]:
            for name in names_in(rule["expr"]):
                wanted.setdefault(name, []).append("alert " + rule["alert"])
    with open(os.path.join(kit, "grafana-dashboard.json")) as f:
        dashboard = json.load(f)
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            for name in names_in(target["expr"]):
                wanted.setdefault(name, []).append("panel " + panel["title"])
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]["query"]
            inner = re.search(r"label_values\((.*),\s*\w+\)$", query).group(1)
            for name in names_in(inner):
                wanted.setdefault(name, []).append("variable " + variable["name"])

    site = LiveSite(bin_dir)
    try:
        site.start_broker()
        lobby = site.start_sim("lobby")
        site.start_gateway(f"  - {{ name: lobby, url: '{lobby}' }}\n")
        code, metrics = site.get("/metrics")
    finally:
        site.close()
    if code != 200:
        failures.append(f"/metrics answered {code}")
    served = set(re.findall(r"^# TYPE (\S+) ", metrics, re.M))
    for name, users in sorted(wanted.items()):
        if name not in served and name not in PROMETHEUS_SERIES:
            failures.append(f"{name} (used by {', '.join(users)}) is not served by /metrics")
    if len(wanted) < 10:
        failures.append(f"only {len(wanted)} metric names found: {sorted(wanted)}")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        return 1
    print(f"monitoring kit: rules pass promtool; {len(wanted)} metric names, all served")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
