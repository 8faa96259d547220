#!/usr/bin/env bash
# Durable journal appends per second, through the demo application over HTTP: POST /journal/{name} (group commit on
# the context @Inject AioContext gets, quarkus.aio.* as in the demo's application.properties, which are the defaults)
# against POST /journal-filechannel/{name} (FileChannel.write + force(false) per record on a worker thread), at 1, 16
# and 64 concurrent clients, interleaved, medians of ROUNDS rounds. Nothing else should run meanwhile.
#
#   bench/journal-bench.sh                    # 3 rounds of 5 s, 256-byte records
#   ROUNDS=5 SECONDS_PER_RUN=10 RECORD=4096 bench/journal-bench.sh
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
RECORD=${RECORD:-256}
# shellcheck source=../.ci/jdk25
. ../.ci/jdk25
JAVA=$JAVA_HOME/bin/java
# shellcheck source=demo-app.sh
. ./demo-app.sh
APP=../integration-tests/target/quarkus-app/quarkus-run.jar
if [ ! -f "$APP" ] || [ ! -f target/classpath.txt ]; then
    (cd .. && ./mvnw -q -B install -DskipTests)
fi
JOURNALS=target/journal-bench
rm -rf "$JOURNALS"
PORT=$(free_port)
LOG=target/journal-bench-app.log
"$JAVA" -Dquarkus.http.port="$PORT" -Ddemo.journal-dir="$JOURNALS" -Ddemo.data-dir=target/journal-bench-files \
    -jar "$APP" >"$LOG" 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT
await_demo $APP_PID "$LOG"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo "+changes")
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $COMMIT, $(uname -srm), $(nproc) CPUs," \
    "journals on $(df -T . | awk 'NR==2 {print $2}'), $("$JAVA" -version 2>&1 | head -n 1), demo defaults"
"$JAVA" -cp "target/classes" io.quarkiverse.aio.bench.JournalBench "http://127.0.0.1:$PORT" "$ROUNDS" \
    "$SECONDS_PER_RUN" "$RECORD"
