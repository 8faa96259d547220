#!/usr/bin/python3
"""CPU per I/O by where it goes, from bench/profile.sh runs: each profile's samples sorted into a few kinds of work by
the frames of their stacks, scaled to the run's own CPU per I/O; one stacked bar per run, as SVG, and a table.

    /usr/bin/python3 bench/profile-chart.py OUT.svg bench/target/profiles/before bench/target/profiles/after ...

Each directory holds results.txt (RESULT lines) and JOB-ENGINE.collapsed (or .collapsed.gz) from bench/profile.sh.

Needs Debian's python3-matplotlib (bench/charts.sh installs it).
"""
import collections
import gzip
import os
import sys

# (kind, frames that mark it): the first kind one of whose frames is in a stack takes the sample. System calls come
# first: what a thread does inside the kernel is what it asked for, whoever asked. The profiles here sample each
# thread's CPU time (ctimer) and show no kernel frames: a system call is named by its C wrapper or its Java caller.
KINDS = [
    ("io_submit", ("sys_io_submit", "LinuxAio.ioSubmit", ";io_submit;")),
    ("pread (FileChannel)", ("sys_pread64", "__pread64")),
    ("eventfd: sleep and wake (read, poll, write)", ("EventFd.await", "EventFd.signal", "sys_read", "sys_poll")),
    ("Artemis' poll loop (JNI, io_getevents)", ("blockedPoll",)),
    ("JDK timers of timed parks (DelayScheduler)", ("DelayScheduler",)),
    ("park, unpark (futex)", ("Unsafe_Park", "Unsafe_Unpark", "sys_futex")),
    ("the library's Java (io.quarkiverse.aio)", ("io/quarkiverse/aio/internal", "io/quarkiverse/aio/vertx")),
    ("JDK: CompletableFuture", ("java/util/concurrent/CompletableFuture",)),
    ("JDK: virtual threads, ForkJoinPool", ("java/lang/VirtualThread", "java/util/concurrent/ForkJoin",
                                            "jdk/internal/vm/Continuation")),
    ("JDK: FileChannel's Java", ("sun/nio/ch/",)),
    ("JIT, GC, other JVM", ("Compile", "G1", "GC", "Interpreter", "[unknown]")),
]
OTHER = "other (harness, ...)"
COLORS = ["#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#d62728", "#ff9896", "#c5b0d5", "#2ca02c", "#98df8a",
          "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]


def kind_of(stack):
    for kind, marks in KINDS:
        if any(mark in stack for mark in marks):
            return kind
    return OTHER


def load(directory):
    """(label, engine, job) -> (cpu us per io, {kind: share}, top leaf frames) for each run profiled there."""
    results = {}
    for line in open(os.path.join(directory, "results.txt")):
        fields = dict(kv.split("=", 1) for kv in line.split()[1:])
        results[(fields["job"], fields["engine"])] = float(fields["cpu_us_per_io"])
    runs = []
    for (job, engine), cpu in results.items():
        path = os.path.join(directory, "%s-%s.collapsed" % (job, engine))
        if os.path.exists(path + ".gz"):  # as kept under docs/
            lines = gzip.open(path + ".gz", "rt")
        elif os.path.exists(path):
            lines = open(path)
        else:
            continue
        kinds, leaves, total = collections.Counter(), collections.Counter(), 0
        for line in lines:
            stack, _, count = line.rstrip().rpartition(" ")
            n = int(count)
            kinds[kind_of(stack)] += n
            leaves[stack.rsplit(";", 1)[-1]] += n
            total += n
        if total:
            runs.append((os.path.basename(directory.rstrip("/")), engine, job, cpu,
                         {k: v / total for k, v in kinds.items()}, leaves.most_common(8), total))
    return runs


def main(out, directories):
    runs = [run for d in directories for run in load(d)]
    order = [k for k, _ in KINDS] + [OTHER]
    for label, engine, job, cpu, shares, leaves, total in runs:
        print("%s %s %s: %.2f us CPU per I/O, %d samples" % (label, job, engine, cpu, total))
        for kind in order:
            if shares.get(kind, 0) >= 0.005:
                print("    %-38s %5.1f%%  %6.2f us" % (kind, 100 * shares[kind], cpu * shares[kind]))
        print("    top leaf frames: " + ", ".join("%s %.0f%%" % (f, 100 * n / total) for f, n in leaves[:5]))
    import matplotlib
    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    matplotlib.rcParams.update({"svg.hashsalt": "quarkus-aio", "font.size": 9})
    figure, axis = plt.subplots(figsize=(11, 0.45 * len(runs) + 2.2))
    labels = ["%s: %s\n%s" % (label, engine, job) for label, engine, job, *_ in runs]
    ys = list(range(len(runs) - 1, -1, -1))
    left = [0.0] * len(runs)
    for kind, color in zip(order, COLORS):
        widths = [run[3] * run[4].get(kind, 0) for run in runs]
        if any(w > 0 for w in widths):
            axis.barh(ys, widths, left=left, color=color, height=0.6, label=kind)
            left = [l + w for l, w in zip(left, widths)]
    for y, total in zip(ys, left):
        axis.text(total, y, " %.1f" % total, va="center", fontsize=8)
    axis.set_yticks(ys)
    axis.set_yticklabels(labels)
    axis.set_xlabel("CPU microseconds per I/O (all threads of the process), by where the profile's samples fell")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    figure.tight_layout()
    figure.savefig(out, metadata={"Date": None})
    print("wrote " + out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
