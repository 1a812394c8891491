#!/usr/bin/env bash
# Where Regie's resident memory goes: starts the built distribution's bin/regie once with native memory tracking,
# waits IDLE seconds after `Regie ready`, and keeps what the JVM and the kernel say, in OUT (default a new folder
# under /tmp), then stops it (exit status 0 required).
#
#   distribution/src/test/sh/where-memory-goes.sh [DEVICES [IDLE [OUT]]]     # defaults: 120 devices, 20 s
#   REGIE_JAVA_OPTS=-Xmx128m distribution/src/test/sh/where-memory-goes.sh 10000 120
#
# Kept: status (VmRSS, RssAnon, RssFile, Threads, the load average), nmt (jcmd VM.native_memory summary; tracking
# itself adds about 5 MB), heap (GC.heap_info), histo (GC.class_histogram: the heap after a full collection), threads
# (Thread.print), pmap (pmap -x: what is resident per mapping, DuckDB's library and glibc's arenas among them), out and
# err of the launcher. Prints status and the NMT summary's committed lines.
set -euo pipefail
cd "$(dirname "$0")/../../.."
HOME_DIR=${REGIE_DIST:-$PWD/target/regie}
[ -x "$HOME_DIR/bin/regie" ] || { echo "build first: mvn -q install -DskipTests (no $HOME_DIR/bin/regie)" >&2; exit 1; }
DEVICES=${1:-120}
IDLE=${2:-20}
OUT=${3:-$(mktemp -d /tmp/regie-memory.XXXXXX)}
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export REGIE_CDS_ARCHIVE=${REGIE_CDS_ARCHIVE-}
REGIE_JAVA_OPTS="-XX:NativeMemoryTracking=summary ${REGIE_JAVA_OPTS:-}" "$HOME_DIR/bin/regie" --state-dir "$OUT/state" \
    --http-port "$(free_port)" --mqtt-port "$(free_port)" --simulator-devices "$DEVICES" --log-file off > "$OUT/out" 2> "$OUT/err" &
pid=$!
while ! grep -qs '^Regie ready' "$OUT/out"; do
    kill -0 "$pid" 2>/dev/null || { echo "exited before ready" >&2; cat "$OUT/err" >&2; exit 1; }
    sleep 0.2
done
sleep "$IDLE"
{ grep -E 'VmRSS|RssAnon|RssFile|Threads' "/proc/$pid/status"; echo "load $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$OUT/status"
jcmd "$pid" VM.native_memory summary > "$OUT/nmt"
jcmd "$pid" GC.heap_info > "$OUT/heap"
jcmd "$pid" Thread.print > "$OUT/threads"
pmap -x "$pid" > "$OUT/pmap"
jcmd "$pid" GC.class_histogram > "$OUT/histo"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
echo "exit $status" >> "$OUT/status"
grep -q 'simulator: [0-9]' "$OUT/out" || echo "WARNING: the simulator did not start (see $OUT/err)" | tee -a "$OUT/status"
cat "$OUT/status"
grep -E '^Total|^-' "$OUT/nmt" | sed -E 's/reserved=[0-9]+KB, //'
echo "kept in $OUT"
[ "$status" -eq 0 ]
