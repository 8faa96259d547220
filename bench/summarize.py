#!/usr/bin/env python3
"""Medians and ratios of a compare-with-fio.sh run, row by row, against the targets of docs/.../benchmarks.adoc.

    python3 bench/summarize.py bench/target/compare-*.txt     # prints the tables, then the AsciiDoc rows

bench/charts.py draws the same comparisons (load, then comparisons).
"""
import statistics
import sys

runs, stage_bytes, header = {}, None, ""


def load(path):
    global stage_bytes, header
    for line in open(path):
        if line.startswith("#") and not header:
            header = line[1:].strip()
        if line.startswith("STAGE"):
            stage_bytes = float(line.split("=")[1])
        if not line.startswith("RESULT"):
            continue
        fields = dict(kv.split("=", 1) for kv in line.split()[1:])
        runs.setdefault((fields["job"], fields["engine"]), []).append(fields)


def med(job, engine, key):
    rs = runs.get((job, engine))
    values = [float(r[key]) for r in rs or [] if key in r]  # older runs lack some figures (carriers)
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, pattern="%.2f"):
    return "-" if v is None else pattern % v


def verdict(value, ok):
    return "" if value is None else ("ok" if ok(value) else "MISSED")


rows = []  # (row, job, ours, reference, iops, cpu, ref iops, ref cpu, iops ratio, cpu ratio, target, verdict)
limits = {}  # (row, job, ours) -> (least IOPS ratio, most CPU ratio) of the target; a CPU limit of 99: a reference


def compare(row, job, ours, ref, iops_min, cpu_max, target):
    i, c = med(job, ours, "iops"), med(job, ours, "cpu_us_per_io")
    ri, rc = med(job, ref, "iops"), med(job, ref, "cpu_us_per_io")
    if i is None or ri is None:
        return
    iq, cq = ratio(i, ri), ratio(c, rc)
    ok = iq >= iops_min and cq <= cpu_max
    limits[(row, job, ours)] = (iops_min, cpu_max)
    rows.append((row, job, ours, ref, i, c, ri, rc, iq, cq, target,
                 "reference" if cpu_max == 99 else "ok" if ok else "MISSED"))


def comparisons():
    for job in ("randread-4k-qd1", "randread-4k-qd32", "randread-4k-qd128", "randwrite-4k-qd32"):
        compare(1, job, "aio", "artemis", 1.0, 0.95, "IOPS >= 1.0x, CPU <= 0.95x Artemis")
        compare(1, job, "aio", "fio", 0.97, 1.0, "IOPS >= 0.97x, CPU <= 1.0x fio")
        compare("1*", job, "artemis", "fio", 0.0, 99, "Artemis against fio")
    for job in ("randread-4k-qd1", "randread-4k-qd16", "randread-4k-qd64"):
        compare(2, job, "aio-blocking-platform", "fc-platform", 1.0, 1.10, "IOPS >= 1.0x, CPU <= 1.10x FileChannel")
        compare(2, job, "aio-blocking-virtual", "fc-virtual", 1.0, 1.25, "IOPS >= 1.0x, CPU <= 1.25x FileChannel")
        compare("2*", job, "fio-threads", "fc-platform", 0.0, 99, "kernel AIO's own cost, same threads (fio)")
    for n in (1, 4, 16, 64):
        compare(3, "randread-4k-qd64", "aio-submitters-%d" % n, "fio-submitters-%d" % n, 0.97, 1.05,
                "IOPS >= 0.97x, CPU <= 1.05x fio, same threads")
    compare(4, "randread-4k-qd32", "aio-eventloop", "fc-executeblocking", 1.0, 0.33,
            "IOPS >= 1.0x at CPU <= 0.33x of executeBlocking")
    return rows


def main(path):
    load(path)
    comparisons()
    print()
    print(header)
    print("Medians over rounds; every aio row is the context @Inject AioContext gets, no quarkus.aio.* set"
          " (unless config= says otherwise in the raw lines)")
    print("%-4s %-18s %-22s %-19s %9s %8s %9s %8s %7s %7s  %s" % ("row", "job", "engine", "reference", "IOPS", "CPU us",
          "ref IOPS", "ref CPU", "IOPS x", "CPU x", "target"))
    for r in rows:
        print("%-4s %-18s %-22s %-19s %9.0f %8.2f %9.0f %8.2f %7.2f %7.2f  %s: %s" % r)

    print()
    print("Carrier threads of virtual threads alive at the end of each row 2 run (median over rounds):")
    for job in ("randread-4k-qd1", "randread-4k-qd16", "randread-4k-qd64"):
        print("  %-18s aio-blocking-virtual %s, fc-virtual %s" % (
            job, fmt(med(job, "aio-blocking-virtual", "carriers"), "%.0f"), fmt(med(job, "fc-virtual", "carriers"),
                                                                                  "%.0f")))

    print()
    print("Buffers from the caller's Arena.ofShared (copied through library memory) against AioFile.allocate:"
          " CPU <= 1.15x")
    for job in ("randread-4k-qd1", "randread-4k-qd32", "randread-4k-qd128", "randwrite-4k-qd32"):
        c = ratio(med(job, "aio-shared", "cpu_us_per_io"), med(job, "aio", "cpu_us_per_io"))
        print("  %-18s CPU x %s %s" % (job, fmt(c), verdict(c, lambda v: v <= 1.15)))

    print()
    print("Heap per operation beyond the returned stage (%s bytes), all threads, harness included (rows 1 and 3): <= 64 bytes"
          % fmt(stage_bytes, "%.0f"))
    print("  (row 1's lanes call whenComplete, whose dependent stage is 64 bytes of the JDK's: counted apart)")
    for job, engine in [(j, "aio") for j in ("randread-4k-qd1", "randread-4k-qd32", "randread-4k-qd128",
                                              "randwrite-4k-qd32")] + [("randread-4k-qd64", "aio-submitters-%d" % n)
                                                                       for n in (1, 4, 16, 64)]:
        a = med(job, engine, "alloc_b_per_io")
        beyond = None if a is None or stage_bytes is None else a - stage_bytes
        harness = 64 if engine == "aio" else 0
        rest = None if beyond is None else beyond - harness
        print("  %-18s %-20s %s B/IO, beyond the stage %s (whenComplete's %d, the rest %s) %s" % (
            job, engine, fmt(a, "%.0f"), fmt(beyond, "%.1f"), harness, fmt(rest, "%.1f"),
            verdict(rest, lambda v: v <= 64)))

    print()
    print("AsciiDoc rows for docs/modules/ROOT/pages/benchmarks.adoc:")
    for r in rows:
        print("|%s |%s |%s |%s |%.0f |%.2f |%.0f |%.2f |*%.2f* |*%.2f* |%s" % (r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                                                                          r[7], r[8], r[9], r[11]))


if __name__ == "__main__":
    main(sys.argv[1])
