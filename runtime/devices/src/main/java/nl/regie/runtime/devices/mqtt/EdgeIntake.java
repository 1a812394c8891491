package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.osgi.service.log.Logger;

/**
 * The core's side of the edge hop: the packs its edges forward ({@link EdgeWire}), each passed on once, in each
 * device's order. Plain Java; {@link #onMessage} is called by the MQTT client's callback thread, {@link #release} by
 * a scheduler every few milliseconds.
 *
 * <p><b>Once.</b> A pack id seen within the last {@code dedupWindow} packs is dropped and counted: the broker delivers
 * a device's message again when the edge that had it died before acknowledging it, and that edge (or another) forwards
 * it a second time.
 *
 * <p><b>In each device's order.</b> A shared subscription spreads one device's messages over the edges (Mosquitto:
 * round robin), and two edges forward at their own pace, so the core may hear a device's later pack first. Each pack
 * is therefore held for {@code hold} after it arrives, and a device's held packs are passed on in the order of their
 * time (the first reading's {@code observedAt}, which SenML's {@code bt}/{@code t} set; then arrival): a pack that
 * arrives within {@code hold} of a later one of the same device still goes first. A pack older than one already passed
 * on (later than {@code hold}: typically a pack the broker delivered again after an edge died) is passed on at once,
 * never dropped, and counted as late. With a broker that sends each device to one edge (EMQX's
 * {@code hash_clientid} strategy) the order holds without waiting, and {@code hold} can be 0.
 */
final class EdgeIntake {

    /** What the intake counted. */
    record Counts(long packs, long readings, long duplicates, long malformed, long late, int held) {
    }

    private record Key(Instant time, long arrival) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byTime = time.compareTo(other.time);
            return byTime != 0 ? byTime : Long.compare(arrival, other.arrival);
        }
    }

    private record Held(EdgeWire.Forwarded pack, long arrivedNanos) {
    }

    private final EdgeWire wire;
    private final long holdNanos;
    private final Consumer<EdgeWire.Forwarded> out;
    private final Logger log;
    private final Map<String, Boolean> seen;
    private final Map<String, TreeMap<Key, Held>> held = new HashMap<>();
    private final Map<String, Instant> lastPassed;
    private long arrivals;
    private int heldCount;
    private long packs;
    private long readings;
    private long duplicates;
    private long malformed;
    private long late;
    private long lastWarnedNanos = Long.MIN_VALUE;

    /**
     * @param wire        the site's edge topics
     * @param dedupWindow how many pack ids are remembered
     * @param hold        how long a pack waits for an earlier one of its device; zero passes each on at once
     * @param maxDevices  how many devices' last times are remembered (the least recently heard beyond it forgotten)
     * @param out         receives each pack, once, in its device's order; must not block
     */
    EdgeIntake(EdgeWire wire, int dedupWindow, Duration hold, int maxDevices, Consumer<EdgeWire.Forwarded> out,
            Logger log) {
        this.wire = Objects.requireNonNull(wire, "wire");
        if (dedupWindow < 1) {
            throw new IllegalArgumentException("the edge de-duplication window must be at least 1, was " + dedupWindow);
        }
        if (hold.isNegative()) {
            throw new IllegalArgumentException("the edge hold must not be negative, was " + hold);
        }
        this.holdNanos = hold.toNanos();
        this.out = Objects.requireNonNull(out, "out");
        this.log = Objects.requireNonNull(log, "log");
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > dedupWindow;
            }
        };
        this.lastPassed = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > maxDevices;
            }
        };
    }

    /** A message on an edge topic. Never throws: a malformed one is counted and logged at most once a minute. */
    synchronized void onMessage(String topic, byte[] payload, long nowNanos) {
        EdgeWire.Forwarded pack;
        try {
            pack = wire.decode(topic, payload);
        } catch (IllegalArgumentException e) {
            malformed++;
            if (lastWarnedNanos == Long.MIN_VALUE || nowNanos - lastWarnedNanos > 60_000_000_000L) {
                lastWarnedNanos = nowNanos;
                log.warn("Edge intake: refused a forwarded pack on {}: {} ({} refused so far)", topic,
                        Rejections.oneLine(e.getMessage()), malformed);
            }
            return;
        }
        if (seen.putIfAbsent(pack.pack(), Boolean.TRUE) != null) {
            duplicates++;
            return;
        }
        Instant time = pack.readings().get(0).observedAt();
        Instant last = lastPassed.get(pack.device());
        if (last != null && time.isBefore(last)) {
            late++;
            pass(pack);
            return;
        }
        if (holdNanos == 0) {
            pass(pack);
            return;
        }
        held.computeIfAbsent(pack.device(), d -> new TreeMap<>()).put(new Key(time, arrivals++), new Held(pack, nowNanos));
        heldCount++;
    }

    /** Passes on every held pack that waited its hold, and the earlier ones of its device. */
    synchronized void release(long nowNanos) {
        release(nowNanos, false);
    }

    /** Passes on everything held, in each device's order; when the bridge stops. */
    synchronized void releaseAll() {
        release(0, true);
    }

    private void release(long nowNanos, boolean all) {
        if (heldCount == 0) {
            return;
        }
        for (Iterator<TreeMap<Key, Held>> devices = held.values().iterator(); devices.hasNext(); ) {
            TreeMap<Key, Held> packsOfDevice = devices.next();
            Key upTo = null;
            for (Map.Entry<Key, Held> entry : packsOfDevice.entrySet()) {
                if (all || nowNanos - entry.getValue().arrivedNanos() >= holdNanos) {
                    upTo = entry.getKey();
                }
            }
            if (upTo == null) {
                continue;
            }
            List<Held> due = new ArrayList<>(packsOfDevice.headMap(upTo, true).values());
            packsOfDevice.headMap(upTo, true).clear();
            heldCount -= due.size();
            for (Held h : due) {
                pass(h.pack());
            }
            if (packsOfDevice.isEmpty()) {
                devices.remove();
            }
        }
    }

    private void pass(EdgeWire.Forwarded pack) {
        Instant time = pack.readings().get(0).observedAt();
        Instant last = lastPassed.get(pack.device());
        if (last == null || time.isAfter(last)) {
            lastPassed.put(pack.device(), time);
        }
        packs++;
        readings += pack.readings().size();
        out.accept(pack);
    }

    /** How long a pack waits for an earlier one of its device, in milliseconds. */
    long holdMillis() {
        return holdNanos / 1_000_000;
    }

    /** What was counted so far. */
    synchronized Counts counts() {
        return new Counts(packs, readings, duplicates, malformed, late, heldCount);
    }
}
