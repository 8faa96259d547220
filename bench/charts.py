#!/usr/bin/python3
"""Charts of a benchmark run's raw lines, as SVG: each row's ratio to its reference, with the target as a line.

    /usr/bin/python3 bench/charts.py RAW.txt OUT.svg     # a compare-with-fio.sh or a file-store-bench.sh run

Debian's python3-matplotlib (bench/charts.sh installs it and runs this). The ratios are those the summaries print
(bench/summarize.py, bench/summarize-file-store.py): medians over the interleaved rounds of the run.
"""
import importlib.util
import os
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)

HERE = os.path.dirname(os.path.abspath(__file__))
BETTER, WORSE, REFERENCE = "#2a7ab9", "#d0602a", "#9a9a9a"
matplotlib.rcParams.update({"svg.hashsalt": "quarkus-aio", "font.size": 9})  # the same run gives the same file


def module(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), os.path.join(HERE, name + ".py"))
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def bars(axis, labels, values, limits, higher_is_better, title):
    """Horizontal bars, one per row; each row's target as a dashed tick across its bar; 1.0 as a thin line."""
    ys = [len(labels) - 1 - i for i in range(len(labels))]  # the first row on top
    colors = []
    for value, limit in zip(values, limits):
        if limit is None:
            colors.append(REFERENCE)
        else:
            colors.append(BETTER if (value >= limit if higher_is_better else value <= limit) else WORSE)
    axis.barh(ys, values, color=colors, height=0.6)
    for y, value, limit in zip(ys, values, limits):
        axis.text(value, y, " %.2fx" % value, va="center", fontsize=8)
        if limit is not None:
            axis.plot([limit, limit], [y - 0.42, y + 0.42], color="black", linestyle="--", linewidth=1)
    axis.axvline(1.0, color="black", linewidth=0.5)
    axis.set_yticks(ys)
    axis.set_yticklabels(labels)
    axis.set_xlim(0, max(max(values), max(l for l in limits if l is not None) if any(limits) else 1) * 1.25)
    axis.set_title(title)


def compare_chart(raw, out):
    summary = module("summarize")
    summary.load(raw)
    rows = [r for r in summary.comparisons() if not str(r[0]).endswith("*")]  # rows with a target of their own
    labels = ["%s  %s  %s\nvs %s" % (r[0], r[1], r[2], r[3]) for r in rows]
    iops_limits = [summary.limits[(r[0], r[1], r[2])][0] or None for r in rows]
    cpu_limits = [summary.limits[(r[0], r[1], r[2])][1] for r in rows]
    figure, (iops, cpu) = plt.subplots(1, 2, figsize=(11, 0.42 * len(rows) + 1.6), sharey=True)
    bars(iops, labels, [r[8] for r in rows], iops_limits, True, "IOPS, ratio to the reference (higher is better)")
    bars(cpu, labels, [r[9] for r in rows], cpu_limits, False, "CPU per I/O, ratio (lower is better)")
    figure.suptitle("%s\ninjected default AioContext; dashed: the target; blue met, orange missed"
                    % summary.header[:150], fontsize=8)
    figure.tight_layout()
    figure.savefig(out, metadata={"Date": None})  # no timestamp: the same raw lines give the same file


# The targets of issue 21 for the file store: (op, reference) -> least speed ratio; CPU at most 0.8x Vert.x's
FILE_STORE_TARGETS = {("get-1GiB", "nginx"): 1.1, ("get-1GiB", "vertx"): 1.1, ("get-16x64MiB", "nginx"): 1.0,
                      ("put-1GiB", "vertx"): 1.0, ("put-16x64MiB", "vertx"): 1.0}


def file_store_chart(raw, out):
    import statistics
    rates, cpus = module("summarize-file-store").load(raw)
    labels, speeds, speed_limits, cpu_labels, cpu_ratios = [], [], [], [], []
    for op in ["get-1GiB", "get-16x64MiB", "put-1GiB", "put-16x64MiB"]:
        if (op, "aio") not in rates:
            continue
        ours = statistics.median(rates[(op, "aio")])
        for ref in ["vertx", "nginx", "plain", "disk"]:
            if (op, ref) in rates:
                labels.append("%s vs %s" % (op, ref))
                speeds.append(ours / statistics.median(rates[(op, ref)]))
                speed_limits.append(FILE_STORE_TARGETS.get((op, ref)))
        if (op, "vertx") in cpus:
            cpu_labels.append("%s vs vertx" % op)
            cpu_ratios.append(statistics.median(cpus[(op, "aio")]) / statistics.median(cpus[(op, "vertx")]))
    figure, (speed, cpu) = plt.subplots(1, 2, figsize=(11, 0.36 * len(labels) + 1.6),
                                        gridspec_kw={"width_ratios": [3, 2]})
    bars(speed, labels, speeds, speed_limits, True, "throughput, ratio of this demo to each (higher is better)")
    bars(cpu, cpu_labels, cpu_ratios, [0.8] * len(cpu_ratios), False, "CPU s per GiB, ratio to Vert.x's AsyncFile")
    figure.suptitle("%s: demo file store, -Xmx64m, quarkus.aio.* defaults, medians of interleaved rounds\n"
                    "dashed: the target; blue met, orange missed, grey no target (disk: what fio writes, the bound)"
                    % os.path.basename(raw), fontsize=8)
    figure.tight_layout()
    figure.savefig(out, metadata={"Date": None})  # no timestamp: the same raw lines give the same file


def main(raw, out):
    with open(raw) as lines:
        file_store = any(line.startswith("RESULT file-store") for line in lines)
    (file_store_chart if file_store else compare_chart)(raw, out)
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
