#!/bin/sh
# Resident memory of the launcher with and without the history (issue 16): starts launcher/target/regie-launcher.jar
# with the small-memory flags of docs/configuration.md ("Memory"), on free loopback ports and a fresh state folder,
# waits for the ready line and SECONDS more (default 120) with the simulated city running, and prints VmRSS; then the
# same with --without history. Run from the repository root after `mvn install -DskipTests`.
set -eu
WAIT=${1:-120}
JAR=launcher/target/regie-launcher.jar
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
measure() {
    dir=$(mktemp -d)
    java -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -Xss512k -jar "$JAR" \
        --http-port "$(free_port)" --mqtt-port "$(free_port)" --state-dir "$dir/state" \
        "$@" > "$dir/out.log" 2>&1 &
    pid=$!
    i=0
    until grep -q "Regie ready" "$dir/out.log" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 240 ] || { echo "no ready line"; cat "$dir/out.log"; kill $pid; exit 1; }; sleep 0.5
    done
    sleep "$WAIT"
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    hist=$(du -sk "$dir/state/history" 2>/dev/null | cut -f1 || echo 0)
    echo "${*:-with history}: VmRSS $((rss / 1024)) MB after ${WAIT}s; state/history ${hist:-0} KB"
    kill $pid; wait $pid 2>/dev/null || true
    rm -rf "$dir"
}
measure
measure --without history
