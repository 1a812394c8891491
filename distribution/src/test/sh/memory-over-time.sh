#!/usr/bin/env bash
# Resident memory over a run, and what the run got through, per set of JVM options: for comparing memory cuts at
# 10,000 devices, where a cut may cost throughput.
#
#   distribution/src/test/sh/memory-over-time.sh OPTIONS_FILE [DEVICES [SECONDS [OUT]]]   # defaults: 10000, 300 s
#   distribution/src/test/sh/memory-over-time.sh distribution/target/regie/config/jvm.options 10000 300
#
# Starts the built distribution's bin/regie (REGIE_DIST, default distribution/target/regie; no class-data archive)
# with the JVM options in OPTIONS_FILE, a fresh state folder, free loopback ports and DEVICES simulated devices, and
# from `Regie ready` on prints every 15 s: seconds since ready, VmRSS (MB), threads, and the readings the bridge
# published so far (regie_ingest_readings_published_total). After SECONDS: the heap in use after a full collection
# (jcmd GC.class_histogram, kept in OUT/histo), the readings the plugins were delivered, the history wrote, the
# bridge published, and the JVM's CPU seconds; then SIGTERM (exit status 0 required). The last line sums it up:
#   summary rss_max_MB rss_last_MB live_MB published delivered history cpu_s load
set -euo pipefail
cd "$(dirname "$0")/../../.."
HOME_DIR=${REGIE_DIST:-$PWD/target/regie}
[ -x "$HOME_DIR/bin/regie" ] || { echo "build first: mvn -q install -DskipTests (no $HOME_DIR/bin/regie)" >&2; exit 1; }
OPTIONS=${1:?the JVM options file}
DEVICES=${2:-10000}
SECONDS_RUN=${3:-300}
OUT=${4:-$(mktemp -d /tmp/regie-memory-time.XXXXXX)}
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
HTTP=$(free_port)
export REGIE_CDS_ARCHIVE=
REGIE_JVM_OPTIONS=$OPTIONS "$HOME_DIR/bin/regie" --state-dir "$OUT/state" --http-port "$HTTP" \
    --mqtt-port "$(free_port)" --simulator-devices "$DEVICES" --log-file off > "$OUT/out" 2> "$OUT/err" &
pid=$!
while ! grep -qs '^Regie ready' "$OUT/out"; do
    kill -0 "$pid" 2>/dev/null || { echo "exited before ready" >&2; cat "$OUT/err" >&2; exit 1; }
    sleep 0.2
done
token=$(cat "$OUT/state/operator.token")
# The sum of a metric's series (all labels) in /metrics.
metric() {
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$HTTP/metrics" \
        | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%.0f\n", s }'
}
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
echo "seconds rss_MB threads published   (options $OPTIONS, $DEVICES devices, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
start=$(date +%s)
max=0
while :; do
    now=$(($(date +%s) - start))
    r=$(rss)
    [ "$r" -gt "$max" ] && max=$r
    echo "$now $r $(awk '/^Threads/ {print $2}' "/proc/$pid/status") $(metric regie_ingest_readings_published_total)"
    [ "$now" -ge "$SECONDS_RUN" ] && break
    sleep 15
done
last=$(rss)
cpu=$(awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); printf "%.0f\n", (f[12] + f[13]) / 100 }' "/proc/$pid/stat")
published=$(metric regie_ingest_readings_published_total)
delivered=$(metric regie_bus_subscriber_delivered_total)
history=$(metric regie_history_written_total)
jcmd "$pid" GC.class_histogram > "$OUT/histo"
live=$(awk '/^Total/ {printf "%.0f\n", $3 / 1048576}' "$OUT/histo")
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
[ "$status" -eq 0 ] || { echo "exit status $status" >&2; exit 1; }
echo "summary $max $last $live $published $delivered $history $cpu $(cut -d' ' -f1 /proc/loadavg)   (kept in $OUT)"
