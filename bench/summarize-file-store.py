"""Medians, spreads and ratios of a file-store-bench.sh run: python3 summarize-file-store.py RAW.txt"""
import re
import statistics
import sys

LINE = re.compile(r"RESULT file-store op=(\S+) lane=(\S+) round=\d+ Bps=(\d+(?:\.\d+)?) cpu_s_per_GiB=(\S+)"
                  r"(?: machine_busy=(\S+))?")


def load(path):
    rates, cpus = {}, {}
    for line in open(path):
        m = LINE.match(line)
        if m:
            rates.setdefault((m[1], m[2]), []).append(float(m[3]))
            cpus.setdefault((m[1], m[2]), []).append(float(m[4]))
    return rates, cpus


def machine_busy(path):
    """Median share of all CPUs busy during each (op, lane), where the run recorded it."""
    busy = {}
    for line in open(path):
        m = LINE.match(line)
        if m and m[5]:
            busy.setdefault((m[1], m[2]), []).append(float(m[5]))
    return {k: statistics.median(v) for k, v in busy.items()}


def main(path):
    rates, cpus = load(path)
    busy = machine_busy(path)
    med = {k: statistics.median(v) for k, v in rates.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    print("\nmedians (MB/s, min-max over rounds), CPU s per GiB, and ratios of aio to each, this run:")
    for op in ["get-1GiB", "get-16x64MiB", "put-1GiB", "put-16x64MiB"]:
        if (op, "aio") not in med:
            continue
        aio = med[(op, "aio")]
        spread = rates[(op, "aio")]
        print(f"  {op:13s} aio    {aio / 1e6:6.0f} ({min(spread) / 1e6:.0f}-{max(spread) / 1e6:.0f})"
              f"  cpu {cpu[(op, 'aio')]:.2f} s/GiB{busy_of(busy, op, 'aio')}")
        for ref in ["vertx", "nginx", "plain", "disk"]:
            if (op, ref) in med:
                r = rates[(op, ref)]
                if ref == "disk":  # fio's own write rate: a bound, not a server; its CPU is not the server's
                    print(f"  {'':13s} {ref:6s} {med[(op, ref)] / 1e6:6.0f} ({min(r) / 1e6:.0f}-{max(r) / 1e6:.0f})"
                          f"  (fio, O_DIRECT 1 MiB x4, synced)   aio/{ref}: {aio / med[(op, ref)]:.2f}x speed")
                    continue
                print(f"  {'':13s} {ref:6s} {med[(op, ref)] / 1e6:6.0f} ({min(r) / 1e6:.0f}-{max(r) / 1e6:.0f})"
                      f"  cpu {cpu[(op, ref)]:.2f} s/GiB   aio/{ref}: {aio / med[(op, ref)]:.2f}x speed,"
                      f" {cpu[(op, 'aio')] / cpu[(op, ref)] if cpu[(op, ref)] else float('nan'):.2f}x CPU"
                      f"{busy_of(busy, op, ref)}")


def busy_of(busy, op, lane):
    return f", machine {busy[(op, lane)]:.0%} busy" if (op, lane) in busy else ""


if __name__ == "__main__":
    main(sys.argv[1])
