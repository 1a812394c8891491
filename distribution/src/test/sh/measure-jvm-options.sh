#!/usr/bin/env bash
# What the JVM options give: time to `Regie ready` and resident memory, per set of options, runs interleaved.
#
#   distribution/src/test/sh/measure-jvm-options.sh [RUNS] [SET...]
#
# RUNS (default 5) rounds; each round starts Regie once with every SET, in turn, through the distribution's
# bin/regie (build it first: mvn -q install -DskipTests). A SET is a name below; the default is all of them.
# Each start: a fresh state folder, free loopback ports, the default simulator (120 devices). Measured:
#   ready  wall-clock seconds from starting bin/regie to the `Regie ready` line on stdout
#   rss    VmRSS of the JVM, IDLE seconds (default 30) after the ready line
#   cpu    CPU seconds (user and system, /proc/<pid>/stat) the JVM had used at the ready line: less inflated by other
#          processes' load than the wall-clock time
#   main_cpu  of that, the launcher's own thread: it installs and starts the bundles and, through FileInstall's start,
#          runs the plugins' lifecycle operations
# then SIGTERM, and the exit status must be 0. Prints every run, then per set the median and the range.
# DEVICES=10000 IDLE=180 measures with 10,000 simulated devices instead (3 minutes after ready).
# A SET ending in @b runs the distribution in REGIE_DIST_B instead (another build, to compare two launchers).
# A SET that names a file (a path with a /) takes its JVM options from that file, as config/jvm.options does.
# arena-default is the shipped options with glibc's own number of malloc arenas instead of bin/regie's 2; a SET ending
# in +arena1 runs that set with one malloc arena (MALLOC_ARENA_MAX=1).
# Also printed per start: live, the heap in use after a full collection (jcmd GC.class_histogram's total, MB), just
# after RSS is read; errors, the ERROR lines the start logged (a run with errors, such as a full disk that kept
# DuckDB's library from unpacking, is not the set's footprint: its figures are left out of the medians).
# Sets with "broker" in their name use an external Mosquitto (Debian's mosquitto, anonymous, on a free port).
# RESTART=1 measures restarts, as a service restarts: each set keeps one state folder for all its runs, made by one
# unmeasured start before the rounds (the plugins then come back as they ran before; without it, every start is a first).
set -euo pipefail
cd "$(dirname "$0")/../../.."
HOME_DIR=${REGIE_DIST:-$PWD/target/regie}
[ -x "$HOME_DIR/bin/regie" ] || { echo "build first: mvn -q install -DskipTests (no $HOME_DIR/bin/regie)" >&2; exit 1; }
RUNS=${1:-5}
shift || true
IDLE=${IDLE:-30}
DEVICES=${DEVICES:-120}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/regie-measure.XXXXXX")
# bin/regie's own class-data sharing archive is off here: the cds sets below name theirs.
export REGIE_CDS_ARCHIVE=
SHIPPED=$HOME_DIR/config/jvm.options
# One archive per distribution: an archive made with another launcher jar is refused by the JVM (silently, as
# -Xlog:cds is off), so a cds@b set gets REGIE_DIST_B's own.
CDS_ARCHIVE=$WORK/regie.jsa
CDS_ARCHIVE_B=$WORK/regie-b.jsa

# name [archive] -> JVM options, one per line (the shipped file's lines, or changes to them).
options_for() {
    local archive=${2:-$CDS_ARCHIVE}
    local shipped
    shipped=$(grep -v '^\s*#' "$SHIPPED" | grep . || true)
    case $1 in
        none | none-broker) ;;
        shipped | shipped-broker) echo "$shipped" ;;
        heap-only) echo "-Xmx96m" ;;
        g1) echo "$shipped" | sed 's/-XX:+UseSerialGC/-XX:+UseG1GC/' ;;
        c2) echo "$shipped" | grep -v -e TieredStopAtLevel -e ReservedCodeCacheSize ;;
        cds | cds-broker) echo "$shipped"; echo "-XX:SharedArchiveFile=$archive"; echo "-Xlog:cds*=off" ;;
        arena-default) echo "$shipped" ;;
        */*) [ -r "$1" ] || { echo "cannot read the options file $1" >&2; exit 2; }; grep -v '^\s*#' "$1" | grep . || true ;;
        *) echo "unknown set $1" >&2; exit 2 ;;
    esac
}
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=(none shipped cds heap-only g1 c2 none-broker shipped-broker cds-broker)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

MOSQUITTO_PID=
BROKER_PORT=
start_mosquitto() {
    BROKER_PORT=$(free_port)
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\nset_tcp_nodelay true\npersistence false\n' \
        "$BROKER_PORT" > "$WORK/mosquitto.conf"
    mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
    MOSQUITTO_PID=$!
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null && return; sleep 0.05; done
    echo "mosquitto did not start" >&2; exit 1
}
cleanup() { [ -n "$MOSQUITTO_PID" ] && kill "$MOSQUITTO_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# One start: prints "ready_seconds rss_mb".
measure() {
    local set=$1 run=$2 dir=$WORK/${1//\//_}-$2 args=() arenas home=$HOME_DIR
    mkdir -p "$dir"
    local state=$dir/state
    [ "${RESTART:-0}" = 1 ] && state=$WORK/state-${1//\//_}
    local archive=$CDS_ARCHIVE
    if [[ $set == *@b ]]; then home=$REGIE_DIST_B; archive=$CDS_ARCHIVE_B; set=${set%@b}; fi
    arenas=2
    if [[ $set == *+arena1 ]]; then arenas=1; set=${set%+arena1}; fi
    options_for "$set" "$archive" > "$dir/jvm.options"
    [[ $set == *broker* ]] && args=(--broker "tcp://127.0.0.1:$BROKER_PORT") || args=(--mqtt-port "$(free_port)")
    local start end pid rss live status cpu errors
    start=$(date +%s%N)
    # bin/regie sets MALLOC_ARENA_MAX=2 unless it is set; arena-default gives glibc's own (8 per core).
    [[ $set == arena-default ]] && arenas=$((8 * $(nproc)))
    MALLOC_ARENA_MAX=$arenas REGIE_JVM_OPTIONS=$dir/jvm.options "$home/bin/regie" --state-dir "$state" --http-port "$(free_port)" \
        "${args[@]}" --simulator-devices "$DEVICES" --log-file off > "$dir/out" 2> "$dir/err" &
    pid=$!
    while ! grep -qs '^Regie ready' "$dir/out"; do
        kill -0 "$pid" 2>/dev/null || { echo "$set run $run: exited before ready" >&2; cat "$dir/err" >&2; exit 1; }
        sleep 0.01
    done
    end=$(date +%s%N)
    cpu=$(awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$pid/stat")
    # The launcher's own thread (Java's main thread, which keeps the native name "java"; the process's first thread
    # only waits for it), which installs and starts the bundles, and through FileInstall's start the plugins' lifecycle
    # operations: its CPU alone, which other threads and other processes inflate least of all.
    main_cpu=0
    for task in /proc/$pid/task/*; do
        if [ "$(cat "$task/comm" 2>/dev/null)" = java ]; then
            main_cpu=$(awk -v p="$main_cpu" '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print p + f[12] + f[13] }' "$task/stat")
        fi
    done
    sleep "$IDLE"
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    live=$(jcmd "$pid" GC.class_histogram 2>/dev/null | awk '/^Total/ {print $3}')
    kill -TERM "$pid"
    status=0; wait "$pid" || status=$?
    [ "$status" -eq 0 ] || { echo "$set run $run: exit status $status" >&2; exit 1; }
    errors=$(cat "$dir/out" "$dir/err" | grep -c ' ERROR ' || true)
    awk -v s="$start" -v e="$end" -v r="$rss" -v l="${live:-0}" -v c="$cpu" \
        -v pc="$main_cpu" -v x="$errors" \
        'BEGIN { printf "%.2f %.0f %.0f %.2f %.2f %d\n", (e - s) / 1e9, r / 1024, l / 1048576, c / 100, pc / 100, x }'
}

for set in "${SETS[@]}"; do
    [[ $set == *broker* ]] && [ -z "$MOSQUITTO_PID" ] && start_mosquitto
    archive=$CDS_ARCHIVE home=$HOME_DIR training=$WORK/training
    [[ $set == *@b ]] && { archive=$CDS_ARCHIVE_B; home=$REGIE_DIST_B; training=$WORK/training-b; }
    if [[ $set == cds* ]] && [ ! -f "$archive" ]; then
        # The archive, from one training start with the shipped options (the JVM writes it when it exits).
        mkdir -p "$training"
        (options_for shipped; echo "-XX:ArchiveClassesAtExit=$archive"; echo "-Xlog:cds*=off") > "$training/jvm.options"
        REGIE_JVM_OPTIONS=$training/jvm.options "$home/bin/regie" --state-dir "$training/state" \
            --http-port "$(free_port)" --mqtt-port "$(free_port)" --log-file off > "$training/out" 2>&1 &
        pid=$!
        while ! grep -qs '^Regie ready' "$training/out"; do sleep 0.05; done
        kill -TERM "$pid"; wait "$pid" || true
    fi
done

if [ "${RESTART:-0}" = 1 ]; then
    for set in "${SETS[@]}"; do measure "$set" 0 > /dev/null; done
fi
echo "set run ready_s rss_MB live_MB cpu_s main_cpu_s errors   (devices $DEVICES, rss $IDLE s after ready; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq 1 "$RUNS"); do
    for set in "${SETS[@]}"; do
        result=$(measure "$set" "$run")
        echo "$set $run $result" | tee -a "$WORK/results"
    done
done
echo
echo "set: ready median (range) s; rss median (range) MB; live heap median (range) MB; cpu at ready median (range) s; the launcher thread's cpu at ready median (range) s; runs without errors"
for set in "${SETS[@]}"; do
    awk -v set="$set" 'BEGIN { n = 0 } $1 == set && $8 == 0 { r[n] = $3; m[n] = $4; l[n] = $5; c[n] = $6; p[n] = $7; n++ }
        function median(a, n,   i, j, t) { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[int(n / 2)] : (a[n / 2 - 1] + a[n / 2]) / 2 }
        END { if (n == 0) { printf "%-15s no run without errors\n", set; exit }
            printf "%-15s %5.2f (%.2f-%.2f) s   %4.0f (%.0f-%.0f) MB   %4.0f (%.0f-%.0f) MB   %5.2f (%.2f-%.2f) s   %5.2f (%.2f-%.2f) s   %d runs\n", set,
            median(r, n), r[0], r[n - 1], median(m, n), m[0], m[n - 1], median(l, n), l[0], l[n - 1], median(c, n), c[0], c[n - 1],
            median(p, n), p[0], p[n - 1], n }' \
        "$WORK/results"
done
