#!/usr/bin/env bash
# Charts of a benchmark run (compare-with-fio.sh or file-store-bench.sh raw lines) as SVG, for docs/:
#
#   bench/charts.sh bench/target/file-store-bench.txt                 # writes bench/target/file-store-bench.svg
#   bench/charts.sh RAW.txt docs/modules/ROOT/images/NAME.svg
#
# Needs Debian's python3-matplotlib (installed here when missing and running as root): Debian's own python3, not
# whatever python3 comes first on the PATH.
set -euo pipefail
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq python3-matplotlib >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq python3-matplotlib >/dev/null; }
    else
        echo "python3-matplotlib is missing: apt-get install python3-matplotlib" >&2
        exit 1
    fi
fi
exec /usr/bin/python3 "$(dirname "$0")/charts.py" "$1" "${2:-${1%.txt}.svg}"
