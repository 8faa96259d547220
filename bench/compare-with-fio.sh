#!/usr/bin/env bash
# Runs fio's libaio engine and the Java engines of the bench harness on the same file, interleaved job by job and
# round by round, and prints the medians and the ratios to fio (and to AsynchronousFileChannel).
#
#   bench/compare-with-fio.sh                       # 3 rounds, 10 s per run after 2 s of warm-up
#   ROUNDS=5 SECONDS_PER_RUN=20 bench/compare-with-fio.sh
#   JOBS=randread-4k-qd32 ENGINES=aio,aio-unbatched,aio-syscall bench/compare-with-fio.sh
#
# Needs fio (Debian package fio; installed here when missing and running as root) and a JDK 25 (JAVA_HOME).
set -euo pipefail
cd "$(dirname "$0")"

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WARMUP=${WARMUP:-2}
FILE=${FILE:-target/bench.dat}
SIZE=${SIZE:-1g}
JOBS=${JOBS:-randread-4k-qd1,randread-4k-qd32,randread-4k-qd128,randwrite-4k-qd32,seqread-128k-qd32}
ENGINES=${ENGINES:-aio,afc,fc-platform,fc-virtual}

if ! command -v fio >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq fio >/dev/null
    else
        echo "fio is missing: apt-get install fio" >&2
        exit 1
    fi
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [ ! -f target/classpath.txt ]; then
    (cd .. && ./mvnw -q -B install -DskipTests -pl runtime,deployment,bench)
fi
CLASSPATH="target/classes:$(cat target/classpath.txt)"
mkdir -p target
RESULTS="target/compare-$(date -u +%Y%m%dT%H%M%SZ).txt"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -srm), $(nproc) CPUs, $(fio --version), $("$JAVA" -version 2>&1 | head -n 1)" | tee "$RESULTS"

# The same job for fio: direct I/O through libaio, one job, the queue depth as iodepth.
fio_args() {
    case "$1" in
        randread-4k-qd1) echo "--rw=randread --bs=4k --iodepth=1" ;;
        randread-4k-qd32) echo "--rw=randread --bs=4k --iodepth=32" ;;
        randread-4k-qd128) echo "--rw=randread --bs=4k --iodepth=128" ;;
        randwrite-4k-qd32) echo "--rw=randwrite --bs=4k --iodepth=32" ;;
        seqread-128k-qd32) echo "--rw=read --bs=128k --iodepth=32" ;;
        *) echo "unknown job $1" >&2; exit 1 ;;
    esac
}

# Creates the file through the harness (real blocks, not holes), once.
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH" io.quarkiverse.aio.bench.Bench --file "$FILE" \
    --size "$SIZE" --jobs randread-4k-qd1 --engines aio --warmup 0 --seconds 0.1 >/dev/null

for round in $(seq 1 "$ROUNDS"); do
    for job in ${JOBS//,/ }; do
        # shellcheck disable=SC2046
        fio --name="$job" --filename="$FILE" --size="$SIZE" $(fio_args "$job") --direct=1 --ioengine=libaio \
            --numjobs=1 --runtime="$SECONDS_PER_RUN" --time_based --ramp_time="$WARMUP" --group_reporting \
            --lat_percentiles=1 --output-format=json 2>/dev/null | python3 -c '
import json, sys
job = sys.argv[1]
d = json.load(sys.stdin)
j = d["jobs"][0]
r = j["read"] if j["read"]["total_ios"] > 0 else j["write"]
runtime = j["job_runtime"] / 1000.0
cpu_us = (j["usr_cpu"] + j["sys_cpu"]) / 100 * runtime * 1e6
# lat_ns: from submission to completion, as the Java harness measures (clat_ns would leave io_submit out)
p = r["lat_ns"]["percentile"] if "percentile" in r["lat_ns"] else r["clat_ns"]["percentile"]
print("RESULT job=%s engine=fio threads=1 iops=%.0f p50_us=%.1f p99_us=%.1f cpu_us_per_io=%.3f alloc_b_per_io=0 getevents_per_io=nan"
      % (job, r["iops"], p["50.000000"] / 1000, p["99.000000"] / 1000, cpu_us / max(1, r["total_ios"])))
' "$job" | tee -a "$RESULTS"
        "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH" io.quarkiverse.aio.bench.Bench --file "$FILE" \
            --size "$SIZE" --jobs "$job" --engines "$ENGINES" --warmup "$WARMUP" --seconds "$SECONDS_PER_RUN" \
            | grep '^RESULT' | tee -a "$RESULTS"
    done
done

python3 - "$RESULTS" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    if not line.startswith("RESULT"):
        continue
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    runs.setdefault((f["job"], f["engine"]), []).append(f)
def med(rs, k):
    return statistics.median(float(r[k]) for r in rs)
print()
print("Medians over rounds; ratios against fio libaio (and AsynchronousFileChannel) of the same job and rounds")
print("%-18s %-13s %9s %8s %8s %9s %9s %8s %8s %8s %9s" % ("job", "engine", "IOPS", "p50 us", "p99 us", "CPU us/IO",
      "alloc B", "IOPS/fio", "CPU/fio", "p50/fio", "afc/CPU"))
jobs = []
for job, engine in runs:
    if job not in jobs:
        jobs.append(job)
for job in jobs:
    fio = runs.get((job, "fio"))
    afc = runs.get((job, "afc"))
    for (j, engine), rs in runs.items():
        if j != job:
            continue
        iops, cpu, p50 = med(rs, "iops"), med(rs, "cpu_us_per_io"), med(rs, "p50_us")
        ratio = lambda v, ref, k: "%.2f" % (v / med(ref, k)) if ref and med(ref, k) > 0 else "-"
        print("%-18s %-13s %9.0f %8.1f %8.1f %9.3f %9.1f %8s %8s %8s %9s" % (job, engine, iops, p50, med(rs, "p99_us"),
              cpu, med(rs, "alloc_b_per_io"), ratio(iops, fio, "iops"), ratio(cpu, fio, "cpu_us_per_io"),
              ratio(p50, fio, "p50_us"), ("%.2f" % (med(afc, "cpu_us_per_io") / cpu)) if afc else "-"))
PY
echo "Raw results: bench/$RESULTS"
