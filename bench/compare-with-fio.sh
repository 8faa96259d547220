#!/usr/bin/env bash
# Runs the benchmark rows of docs/modules/ROOT/pages/benchmarks.adoc: this library through the context that
# @Inject AioContext gets (no quarkus.aio.* set), and in the same run, interleaved job by job and round by round, the
# reference of each row: fio's libaio engine, FileChannel on the same threads, FileChannel offloaded from a Vert.x event
# loop. Prints the medians, the ratios and the targets.
#
#   bench/compare-with-fio.sh                              # every row, 3 rounds, 6 s per run after 2 s of warm-up
#   ROWS=1,3 ROUNDS=5 SECONDS_PER_RUN=10 bench/compare-with-fio.sh
#   JAVA_OPTS=-Dquarkus.aio.submit-batching=never ROWS=1 bench/compare-with-fio.sh   # a variant, shown as config=
#
# Needs fio (Debian package fio; installed here when missing and running as root) and a JDK 25 (JAVA_HOME).
set -euo pipefail
cd "$(dirname "$0")"

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-6}
WARMUP=${WARMUP:-2}
FILE=${FILE:-target/bench.dat}
SIZE=${SIZE:-1g}
ROWS=${ROWS:-1,2,3,4}
JAVA_OPTS=${JAVA_OPTS:-}

# Row number: "job fio engines" per line. fio: "fio" runs fio's libaio job at the job's queue depth; "fio-threads"
# runs it as QD threads with one I/O each (what kernel AIO itself costs when every thread waits for its own read);
# "fio-submitters" as 1, 4, 16 and 64 threads sharing the queue depth; "-" runs no fio. Rows 1-3 are those of issue 22
# (pipelined callbacks against fio and Artemis, blocking callers against FileChannel, many submitters against fio);
# row 4 is the event loop against executeBlocking.
row_runs() {
    case "$1" in
        1) for job in randread-4k-qd1 randread-4k-qd32 randread-4k-qd128 randwrite-4k-qd32; do
               echo "$job fio aio,artemis,aio-shared"
           done ;;
        2) for job in randread-4k-qd1 randread-4k-qd16 randread-4k-qd64; do
               echo "$job fio-threads aio-blocking-platform,fc-platform,aio-blocking-virtual,fc-virtual"
           done ;;
        3) echo "randread-4k-qd64 fio-submitters aio-submitters-1,aio-submitters-4,aio-submitters-16,aio-submitters-64" ;;
        4) echo "randread-4k-qd32 - aio-eventloop,fc-executeblocking" ;;
        *) echo "unknown row $1" >&2; exit 1 ;;
    esac
}

# fio, and libaio for Artemis' JNI library (Debian 12 calls it libaio1, later releases libaio1t64).
if ! command -v fio >/dev/null || ! ldconfig -p | grep -q 'libaio\.so\.1 '; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq fio >/dev/null
        ldconfig -p | grep -q 'libaio\.so\.1 ' || apt-get install -y -qq libaio1 >/dev/null \
            || apt-get install -y -qq libaio1t64 >/dev/null
    else
        echo "fio or libaio is missing: apt-get install fio libaio1" >&2
        exit 1
    fi
fi
# shellcheck source=../.ci/jdk25
. ../.ci/jdk25
JAVA=$JAVA_HOME/bin/java
if [ ! -f target/classpath.txt ] || [ ! -d target/artemis-native ]; then
    (cd .. && ./mvnw -q -B install -DskipTests -pl runtime,deployment,bench -am)
fi
CLASSPATH="target/classes:$(cat target/classpath.txt)"
mkdir -p target
RESULTS="target/compare-$(date -u +%Y%m%dT%H%M%SZ).txt"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo "+changes")
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $COMMIT, $(uname -srm), $(nproc) CPUs, $(fio --version)," \
    "$("$JAVA" -version 2>&1 | head -n 1), rounds $ROUNDS, ${WARMUP}+${SECONDS_PER_RUN} s, JAVA_OPTS='$JAVA_OPTS'" \
    | tee "$RESULTS"

bench() {
    # shellcheck disable=SC2086
    "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
        -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Djava.library.path=target/artemis-native/lib/linux-x86_64 \
        $JAVA_OPTS -cp "$CLASSPATH" io.quarkiverse.aio.bench.Bench \
        --file "$FILE" --size "$SIZE" "$@"
}

# The same job for fio: direct I/O through libaio, one job, the queue depth as iodepth, and uniformly random offsets
# with repeats, as the Java lanes pick them (fio's default random map avoids repeats by searching for free blocks
# nearby, which turns late passes nearly sequential: 5-10 % faster on this disk, for a different workload).
fio_args() {
    case "$1" in
        randread-4k-qd*) echo "--rw=randread --bs=4k --iodepth=${1#randread-4k-qd}" ;;
        randwrite-4k-qd*) echo "--rw=randwrite --bs=4k --iodepth=${1#randwrite-4k-qd}" ;;
        *) echo "no fio job for $1" >&2; exit 1 ;;
    esac
}

# run_fio JOB [THREADS [IODEPTH [ENGINE-NAME]]]: THREADS fio threads (--thread, one process), each at IODEPTH.
run_fio() {
    local threads=${2:-1} depth=${3:-}
    # shellcheck disable=SC2046
    fio --name="$1" --filename="$FILE" --size="$SIZE" $(fio_args "$1") ${depth:+--iodepth=$depth} --direct=1 \
        --ioengine=libaio --norandommap --randrepeat=0 --thread --numjobs="$threads" --runtime="$SECONDS_PER_RUN" \
        --time_based --ramp_time="$WARMUP" --group_reporting --lat_percentiles=1 --output-format=json 2>/dev/null \
        | python3 -c '
import json, sys
job, engine = sys.argv[1], sys.argv[2]
j = json.load(sys.stdin)["jobs"][0]
r = j["read"] if j["read"]["total_ios"] > 0 else j["write"]
runtime = j["job_runtime"] / 1000.0
cpu_us = (j["usr_cpu"] + j["sys_cpu"]) / 100 * runtime * 1e6
# lat_ns: from submission to completion, as the Java harness measures (clat_ns would leave io_submit out)
p = r["lat_ns"]["percentile"] if "percentile" in r["lat_ns"] else r["clat_ns"]["percentile"]
print("RESULT job=%s engine=%s threads=%s iops=%.0f p50_us=%.1f p99_us=%.1f cpu_us_per_io=%.3f alloc_b_per_io=0"
      " getevents_per_io=nan config=fio" % (job, engine, sys.argv[3], r["iops"], p["50.000000"] / 1000,
      p["99.000000"] / 1000, cpu_us / max(1, r["total_ios"])))
' "$1" "${4:-fio}" "$threads"
}

# Creates the file (real blocks, not holes) once, and learns the size of the stage a read returns.
bench --jobs randread-4k-qd1 --engines aio --warmup 0 --seconds 0.1 | grep '^STAGE' | tee -a "$RESULTS"

# Progress, to stderr: which round, row and job, and the time left, estimated from the steps done so far.
STEPS=0
for row in ${ROWS//,/ }; do STEPS=$((STEPS + $(row_runs "$row" | wc -l))); done
STEPS=$((STEPS * ROUNDS))
STEP=0
STARTED=$(date +%s)
progress() { # round row job
    local now left="?"
    now=$(date +%s)
    [ "$STEP" -gt 0 ] && left="about $(( (now - STARTED) * (STEPS - STEP) / STEP ))s"
    STEP=$((STEP + 1))
    echo "[round $1/$ROUNDS, row $2, $3: step $STEP/$STEPS, elapsed $((now - STARTED))s, $left left]" >&2
}

for round in $(seq 1 "$ROUNDS"); do
    for row in ${ROWS//,/ }; do
        while read -r job fio engines; do
            progress "$round" "$row" "$job"
            qd=${job##*-qd}
            case "$fio" in
                fio) run_fio "$job" | tee -a "$RESULTS" ;;
                fio-threads) run_fio "$job" "$qd" 1 fio-threads | tee -a "$RESULTS" ;;
                fio-submitters) for n in 1 4 16 64; do
                                    run_fio "$job" "$n" $((qd / n)) "fio-submitters-$n" | tee -a "$RESULTS"
                                done ;;
            esac
            bench --jobs "$job" --engines "$engines" --warmup "$WARMUP" --seconds "$SECONDS_PER_RUN" \
                | grep '^RESULT' | tee -a "$RESULTS"
        done < <(row_runs "$row")
    done
done

python3 "$(pwd)/summarize.py" "$RESULTS"
echo "Raw results: bench/$RESULTS"
./charts.sh "$RESULTS" || echo "no chart drawn (see above)" >&2
