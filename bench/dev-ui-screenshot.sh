#!/usr/bin/env bash
# A screenshot of the Dev UI card's live charts while the demo moves bytes: starts the demo in dev mode, runs a load
# that changes every 20 s (uploads and downloads of 64 MiB, then durable journal appends, then both), opens the card
# in headless Chromium (Debian's, driven by playwright-core from npm) and saves what it shows after 70 s.
#
#   bench/dev-ui-screenshot.sh [out.png]      # default: docs/modules/ROOT/images/dev-ui-live-figures.png
#
# Installs chromium (apt) and playwright-core (npm, under bench/target/node) when missing.
set -euo pipefail
cd "$(dirname "$0")"
OUT=$(realpath -m "${1:-../docs/modules/ROOT/images/dev-ui-live-figures.png}")
# shellcheck source=../.ci/jdk25
. ../.ci/jdk25
# shellcheck source=demo-app.sh
. ./demo-app.sh
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
[ -d target/node/node_modules/playwright-core ] \
    || { mkdir -p target/node && (cd target/node && npm install --silent --no-save playwright-core@1 >/dev/null); }
cp dev-ui-screenshot.mjs target/node/
(cd .. && ./mvnw -q -B install -DskipTests)

PORT=$(free_port)
LOG=target/dev-ui-screenshot-app.log
(cd ../integration-tests && exec ../mvnw -q -B quarkus:dev -Dquarkus.http.port="$PORT" \
    -Dquarkus.console.enabled=false -Ddebug=false) >"$LOG" 2>&1 &
APP_PID=$!
trap 'kill $(jobs -p) 2>/dev/null; pkill -f "quarkus.http.port=$PORT" 2>/dev/null; wait 2>/dev/null || true' EXIT
await_demo "$APP_PID" "$LOG"

URL=http://127.0.0.1:$PORT
BODY=target/dev-ui-load.bin
[ -f "$BODY" ] || head -c 64M /dev/urandom >"$BODY"
load() { # seconds, what
    local until=$((SECONDS + $1)) i=0
    while [ "$SECONDS" -lt "$until" ]; do
        i=$((i + 1))
        case $2 in
        files | both)
            curl -sf -T "$BODY" "$URL/files/load-$((i % 4)).bin" -o /dev/null
            curl -sf "$URL/files/load-$((i % 4)).bin" -o /dev/null ;;&
        journal | both)
            for _ in $(seq 1 20); do curl -sf -d "record $i" "$URL/journal/screenshot" -o /dev/null & done
            wait ;;
        esac
        sleep 0.2
    done
}
(sleep 5; load 20 files; load 20 journal; load 30 both) &
node target/node/dev-ui-screenshot.mjs "$URL" "$OUT" 70000
echo "saved $OUT"
