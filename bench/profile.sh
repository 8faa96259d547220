#!/usr/bin/env bash
# Where the CPU goes: runs engines on a job under async-profiler (Maven Central: tools.profiler:async-profiler), the
# measured window only, and keeps for each its RESULT line, its collapsed stacks and a flame graph (HTML) under
# bench/target/profiles/LABEL/. bench/profile-chart.py draws CPU per I/O by where it goes from one or more labels.
#
#   bench/profile.sh LABEL JOB ENGINE[,ENGINE...] [SECONDS]
#   bench/profile.sh before randread-4k-qd16 aio-blocking-platform,fc-platform,aio-blocking-virtual,fc-virtual
#   RUNTIME_JAR=/elsewhere/runtime/target/quarkus-aio-999-SNAPSHOT.jar bench/profile.sh before ...  # another build
#
# Profiled runs are for finding where time goes, not for figures: sampling costs CPU too.
set -euo pipefail
cd "$(dirname "$0")"
LABEL=$1 JOB=$2 ENGINES=$3 SECONDS_PER_RUN=${4:-6}
# shellcheck source=../.ci/jdk25
. ../.ci/jdk25
if [ ! -f target/classpath.txt ] || [ ! -d target/artemis-native ]; then
    (cd .. && ./mvnw -q -B install -DskipTests -pl runtime,deployment,bench -am)
fi
CLASSPATH="target/classes:$(cat target/classpath.txt)"
if [ -n "${RUNTIME_JAR:-}" ]; then # the library as built elsewhere (an earlier commit), with this harness
    CLASSPATH=$(echo "$CLASSPATH" | tr ':' '\n' | sed "s|.*/quarkus-aio-999-SNAPSHOT.jar\$|$RUNTIME_JAR|" | paste -sd:)
fi
OUT=target/profiles/$LABEL
mkdir -p "$OUT"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Djava.library.path=target/artemis-native/lib/linux-x86_64 \
    -Dbench.profile="$OUT" ${JAVA_OPTS:-} -cp "$CLASSPATH" io.quarkiverse.aio.bench.Bench \
    --file target/bench.dat --size 1g --warmup 2 --seconds "$SECONDS_PER_RUN" --jobs "$JOB" --engines "$ENGINES" \
    | grep '^RESULT' | tee -a "$OUT/results.txt"
echo "profiles in bench/$OUT"
