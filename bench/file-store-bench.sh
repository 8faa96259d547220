#!/usr/bin/env bash
# Throughput of the demo file store over loopback HTTP (its Vert.x routes stream AioFileSystem's AsyncFile), against
# nginx (sendfile on) serving the same files from the same directory, against Vert.x's own AsyncFile
# (vertx.fileSystem().open) on the same kind of routes (/vertx/files), and against the plain Quarkus endpoints of the
# same application (/plain/files: RestResponse<Path>, sent by Vert.x with sendfile; FileChannel on a worker thread for
# uploads), and, for uploads, against what fio writes to the same disk in the same run (the bound of any upload; the
# disk's write rate moves by a third within an hour). The application runs with -Xmx64m and its application.properties (the quarkus.aio.* defaults).
# Interleaved rounds, medians, ratios in the same run; CPU seconds of the serving process per GiB moved.
#
#   bench/file-store-bench.sh                  # 3 rounds
#   ROUNDS=5 bench/file-store-bench.sh
#
# Needs root (the page cache is dropped before each download), nginx and fio (Debian's, installed when missing).
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-3}
# shellcheck source=../.ci/jdk25
. ../.ci/jdk25
JAVA=$JAVA_HOME/bin/java
# shellcheck source=demo-app.sh
. ./demo-app.sh
APP=../integration-tests/target/quarkus-app/quarkus-run.jar
[ "$(id -u)" = 0 ] || { echo "run as root: the page cache is dropped before each download" >&2; exit 1; }
command -v nginx >/dev/null && command -v fio >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx fio >/dev/null; }
[ -f "$APP" ] || (cd .. && ./mvnw -q -B install -DskipTests)

STORE=$(mkdir -p target/file-store-bench && cd target/file-store-bench && pwd)
SOURCES=$(mkdir -p target/file-store-sources && cd target/file-store-sources && pwd)
[ -f "$SOURCES/big.bin" ] || dd if=/dev/urandom of="$SOURCES/big.bin" bs=1M count=1024 status=none
for i in $(seq 0 15); do
    [ -f "$SOURCES/part-$i.bin" ] || dd if="$SOURCES/big.bin" of="$SOURCES/part-$i.bin" bs=1M count=64 skip=$((i * 64)) status=none
done
APP_PORT=$(free_port)
NGINX_PORT=$(free_port)
LOG=target/file-store-bench-app.log
"$JAVA" -Xmx64m -Dquarkus.http.port="$APP_PORT" -Ddemo.data-dir="$STORE" -jar "$APP" >"$LOG" 2>&1 &
APP_PID=$!
cat >target/nginx.conf <<CONF
user root;
worker_processes auto;
daemon off;
pid $PWD/target/nginx.pid;
error_log stderr;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $PWD/target/nginx-body;
    proxy_temp_path $PWD/target/nginx-proxy;
    fastcgi_temp_path $PWD/target/nginx-fastcgi;
    uwsgi_temp_path $PWD/target/nginx-uwsgi;
    scgi_temp_path $PWD/target/nginx-scgi;
    server { listen 127.0.0.1:$NGINX_PORT; root $STORE; }
}
CONF
nginx -c "$PWD/target/nginx.conf" 2>target/nginx.log &
NGINX_PID=$!
trap 'kill $APP_PID $NGINX_PID 2>/dev/null || true' EXIT
await_demo $APP_PID "$LOG"
AIO=http://127.0.0.1:$APP_PORT/files
PLAIN=http://127.0.0.1:$APP_PORT/plain/files
VERTX=http://127.0.0.1:$APP_PORT/vertx/files
NGINX=http://127.0.0.1:$NGINX_PORT

drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
TICKS=$(getconf CLK_TCK)
# CPU time (user + system, in clock ticks) of the server of a lane: the application, or every nginx process
ticks() {
    local pids=$APP_PID
    [ "$1" = nginx ] && pids="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" # the master and its workers
    [ "$1" = disk ] && pids=""
    local total=0
    for pid in $pids; do total=$((total + $(awk '{print $14 + $15}' /proc/"$pid"/stat))); done
    echo $total
}
# busy and total clock ticks of the whole machine (every CPU), from /proc/stat: "busy total"
machine() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t}' /proc/stat; }
# measure LANE BYTES COMMAND...: runs the transfer, prints "Bps=... cpu_s_per_GiB=... machine_busy=...", the last the
# share of all CPUs busy meanwhile (server, clients and kernel): near 1 the machine, not the server, is the bound
measure() {
    local lane=$1 bytes=$2 before after bps m0 m1
    shift 2
    before=$(ticks "$lane")
    m0=$(machine)
    bps=$("$@")
    m1=$(machine)
    after=$(ticks "$lane")
    echo "Bps=$bps cpu_s_per_GiB=$(python3 -c "print(round(($after - $before) / $TICKS / ($bytes / 2**30), 3))")" \
        "machine_busy=$(python3 -c "a, b = '$m0'.split(), '$m1'.split(); print(round((int(b[0]) - int(a[0])) / max(1, int(b[1]) - int(a[1])), 2))")"
}
STARTED=$(date +%s)
progress() { # round of rounds, what: to stderr, with the time left estimated from the rounds done
    local now=$(date +%s) done_rounds=$(($1 - 1)) left="?"
    [ "$done_rounds" -gt 0 ] && left=$(( (now - STARTED) * (ROUNDS - done_rounds) / done_rounds ))s
    echo "[round $1/$ROUNDS] $2 (elapsed $((now - STARTED))s, about $left left)" >&2
}
rss() { awk '/VmRSS|VmHWM/ {printf "%s=%sMiB ", $1, int($2 / 1024)}' /proc/$APP_PID/status; }
check() { # name url-of-stored-copy: every byte compared with the source
    curl -sf "$2" | cmp -s - "$SOURCES/$1" || { echo "MISMATCH: $2 differs from $1" >&2; exit 1; }
}
cached() { for f in "$@"; do cat "$SOURCES"/$f >/dev/null; done; } # reads sources into the page cache
# one download or upload, bytes per second
get() { curl -sf -o /dev/null -w '%{speed_download}' "$1"; }
# (no "Expect: 100-continue": curl would wait a second for a route that does not answer it, and time that)
put() { curl -sf -o /dev/null -H 'Expect:' -w '%{speed_upload}' -T "$1" "$2"; }
# What the disk itself writes, the bound of every upload: fio writing the same bytes in 1 MiB O_DIRECT blocks, 4 in
# flight, into space preallocated as the demo does, and synced at the end as the demo does; JOBS files at once.
disk() { # JOBS SIZE: aggregate bytes per second over the wall time
    local start end
    rm -f "$STORE"/fio.*
    start=$(date +%s%N)
    fio --name=disk --directory="$STORE" --filename_format='fio.$jobnum' --numjobs="$1" --size="$2" --bs=1m \
        --iodepth=4 --ioengine=libaio --direct=1 --rw=write --fallocate=native --end_fsync=1 >/dev/null
    end=$(date +%s%N)
    rm -f "$STORE"/fio.*
    echo $(( GiB * 1000000000 / (end - start) ))
}
# 16 at once: aggregate bytes per second over the wall time of the slowest
many() { # get|put base
    local start end
    start=$(date +%s%N)
    local pids=()
    for i in $(seq 0 15); do
        if [ "$1" = get ]; then curl -sf -o /dev/null "$2/part-$i.bin" & else curl -sf -o /dev/null -H 'Expect:' -T "$SOURCES/part-$i.bin" "$2/up-part-$i.bin" & fi
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || { echo "a transfer failed at $2" >&2; exit 1; }; done
    end=$(date +%s%N)
    echo $(( 16 * 64 * 1048576 * 1000000000 / (end - start) ))
}

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo "+changes")
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $COMMIT, $(uname -srm), $(nproc) CPUs, store on $(df -T "$STORE" | awk 'NR==2 {print $2}')," \
    "$(nginx -v 2>&1), $("$JAVA" -version 2>&1 | head -n 1), app -Xmx64m with demo defaults, rounds $ROUNDS"
# The files the downloads read, stored through the AIO endpoint and checked byte for byte.
curl -sf -o /dev/null -T "$SOURCES/big.bin" "$AIO/big.bin"
for i in $(seq 0 15); do curl -sf -o /dev/null -T "$SOURCES/part-$i.bin" "$AIO/part-$i.bin"; done
check big.bin "$AIO/big.bin"; check big.bin "$PLAIN/big.bin"; check big.bin "$NGINX/big.bin"; check big.bin "$VERTX/big.bin"
for i in $(seq 0 15); do
    for base in "$AIO" "$PLAIN" "$NGINX" "$VERTX"; do check "part-$i.bin" "$base/part-$i.bin"; done
done

# Warm-up, not recorded: the JIT compiles the transfer paths (a cold first round runs at half speed).
for base in "$AIO" "$VERTX" "$PLAIN"; do
    get "$base/big.bin" >/dev/null; put "$SOURCES/big.bin" "$base/up-big.bin" >/dev/null; many get "$base" >/dev/null
done
STARTED=$(date +%s)

GiB=$((1 << 30))
for round in $(seq 1 "$ROUNDS"); do
    for lane in aio vertx plain nginx; do
        base=$AIO; [ $lane = plain ] && base=$PLAIN; [ $lane = nginx ] && base=$NGINX; [ $lane = vertx ] && base=$VERTX
        progress "$round" "downloads, $lane"
        drop; echo "RESULT file-store op=get-1GiB lane=$lane round=$round $(measure $lane $GiB get "$base/big.bin") $(rss)"
        drop; echo "RESULT file-store op=get-16x64MiB lane=$lane round=$round $(measure $lane $GiB many get "$base") $(rss)"
    done
    for lane in aio vertx plain; do
        base=$AIO; [ $lane = plain ] && base=$PLAIN; [ $lane = vertx ] && base=$VERTX
        progress "$round" "uploads, $lane"
        cached big.bin # curl reads the body from the page cache, not from the disk the server writes to
        echo "RESULT file-store op=put-1GiB lane=$lane round=$round $(measure $lane $GiB put "$SOURCES/big.bin" "$base/up-big.bin") $(rss)"
        check big.bin "$AIO/up-big.bin"
        cached part-*.bin
        echo "RESULT file-store op=put-16x64MiB lane=$lane round=$round $(measure $lane $GiB many put "$base") $(rss)"
        for i in $(seq 0 15); do check "part-$i.bin" "$AIO/up-part-$i.bin"; done
    done
    progress "$round" "the disk's own write rate, fio"
    echo "RESULT file-store op=put-1GiB lane=disk round=$round $(measure disk $GiB disk 1 1g)"
    echo "RESULT file-store op=put-16x64MiB lane=disk round=$round $(measure disk $GiB disk 16 64m)"
done 2>&1 | tee target/file-store-bench.txt
python3 summarize-file-store.py target/file-store-bench.txt
./charts.sh target/file-store-bench.txt || echo "no chart drawn (see above)" >&2
echo "resident set at the end: $(rss)"
