#!/usr/bin/env python3
"""The figures of BENCHMARKS.md, drawn from a benchmark's JSON so that the numbers in the tables
and the pictures never disagree:

  docs/bench-latency.png  latency distribution (p50, p99, max) of every flood and fixed-rate run
  docs/bench-cpu.png      CPU per message of the gateway against mosquitto and a plain Paho
                          publisher (the ceiling), at QoS 0 and 1

usage: tests/bench/plot.py [RESULTS_JSON] [OUT_DIR]
  RESULTS_JSON  default tests/bench/results/2026-11-28.json (the run BENCHMARKS.md shows);
                tests/bench/run.sh writes build/bench-results.json in the same form
  OUT_DIR       default docs/

Needs matplotlib: apt-get install python3-matplotlib (Debian 12).
"""

import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GATEWAY, MOSQUITTO, PUBLISHER = "#1f6feb", "#8c959f", "#bf8700"


def rate(n):
    return f"{n // 1000}k/s" if n >= 1000 else f"{n}/s"


def latency_figure(results, path):
    runs = ([("fixed rate", r) for r in results["latency"]] +
            [("flood", r) for r in results["throughput"]])
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(runs) + 1.6))
    labels = []
    for y, (kind, r) in enumerate(runs):
        labels.append(f"QoS {r['qos']}, {kind} {rate(r['flood_rate'])}")
        ax.plot([r["p50_ms"], r["max_ms"]], [y, y], color="#d0d7de", lw=6, solid_capstyle="butt",
                zorder=1)
        ax.scatter(r["p50_ms"], y, color=GATEWAY, marker="o", s=45, zorder=3,
                   label="p50" if y == 0 else None)
        ax.scatter(r["p99_ms"], y, color="#cf222e", marker="D", s=40, zorder=3,
                   label="p99" if y == 0 else None)
        ax.scatter(r["max_ms"], y, color="#24292f", marker="|", s=160, zorder=3,
                   label="max" if y == 0 else None)
        ax.annotate(str(r["p99_ms"]), (r["p99_ms"], y), textcoords="offset points",
                    xytext=(0, 7), ha="center", fontsize=8, color="#cf222e")
    ax.axvline(2, color="#cf222e", ls=":", lw=1)
    ax.set_ylim(len(runs) - 0.5, -1.3)
    ax.text(2, -0.9, " target: p99 < 2 ms at 5k/s", color="#cf222e", fontsize=8, va="center")
    ax.set_xscale("log")
    ax.set_yticks(range(len(runs)), labels)
    ax.set_xlabel("latency, ms (log scale): simulator send -> gateway -> mosquitto -> subscriber")
    ax.set_title(f"End-to-end latency (run of {results['date']}, commit {results['commit']})",
                 fontsize=11)
    ax.grid(axis="x", which="both", color="#eaeef2")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def cpu_figure(results, path):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax, qos in zip(axes, (0, 1)):
        runs = sorted([r for r in results["latency"] + results["throughput"] if r["qos"] == qos],
                      key=lambda r: r["flood_rate"])
        ceiling = next(c for c in results["ceiling"] if c["qos"] == qos)
        names = [rate(r["flood_rate"]) for r in runs] + ["plain Paho\npublisher"]
        x = range(len(names))
        w = 0.38
        ours = [r["gateway_us"] for r in runs] + [ceiling["publisher_us"]]
        broker = [r["mosquitto_us"] for r in runs] + [ceiling["mosquitto_us"]]
        colours = [GATEWAY] * len(runs) + [PUBLISHER]
        bars = ax.bar([i - w / 2 for i in x], ours, w, color=colours)
        ax.bar([i + w / 2 for i in x], broker, w, color=MOSQUITTO)
        for b, v in zip(bars, ours):
            ax.annotate(str(v), (b.get_x() + b.get_width() / 2, v), textcoords="offset points",
                        xytext=(0, 2), ha="center", fontsize=8)
        ax.set_xticks(list(x), names, fontsize=8)
        ax.set_title(f"QoS {qos}", fontsize=10)
        ax.grid(axis="y", color="#eaeef2")
        ax.set_axisbelow(True)
    axes[0].set_ylabel("CPU µs per message")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in (GATEWAY, PUBLISHER, MOSQUITTO)]
    fig.legend(handles, ["mosaic-gateway (per change)", "plain Paho publisher (the ceiling)",
                         "mosquitto (per message)"], loc="upper center", ncol=3, fontsize=8,
               bbox_to_anchor=(0.5, 0.95))
    fig.suptitle(f"CPU per message against the peers, by flood rate (run of {results['date']})",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv):
    source = argv[1] if len(argv) > 1 else os.path.join(repo, "tests/bench/results/2026-11-28.json")
    out = argv[2] if len(argv) > 2 else os.path.join(repo, "docs")
    with open(source) as f:
        results = json.load(f)
    os.makedirs(out, exist_ok=True)
    latency_figure(results, os.path.join(out, "bench-latency.png"))
    cpu_figure(results, os.path.join(out, "bench-cpu.png"))
    print(f"written: {out}/bench-latency.png, {out}/bench-cpu.png (from {source})")


if __name__ == "__main__":
    main(sys.argv)
