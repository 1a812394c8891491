package nl.regie.runtime.core.bus;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import nl.regie.runtime.spi.bus.BusHolds;

/**
 * A hold the {@link BusEngine} has open: which durable subscriptions of the held symbolic name are parked now,
 * and what the hold has counted. Publishers count into it (lock-free); the engine parks, takes over and ends under
 * its own lock; any thread may read it.
 */
final class OpenHold implements BusHolds.Hold {

    private final String symbolicName;
    private final Consumer<OpenHold> onClose;
    /** The parked subscriptions by durable name; changed by the engine under its lock. */
    private final Map<String, Subscriber> parked = new ConcurrentHashMap<>();
    private final LongAdder held = new LongAdder();
    private final LongAdder droppedWhileHeld = new LongAdder();
    private final LongAdder droppedAtEnd = new LongAdder();
    private final AtomicLong longestEndedGapNanos = new AtomicLong();
    private volatile boolean ended;

    OpenHold(String symbolicName, Consumer<OpenHold> onClose) {
        this.symbolicName = symbolicName;
        this.onClose = onClose;
    }

    @Override
    public String symbolicName() {
        return symbolicName;
    }

    @Override
    public Set<String> parked() {
        return new TreeSet<>(parked.keySet());
    }

    @Override
    public long held() {
        return held.sum();
    }

    @Override
    public long droppedWhileHeld() {
        return droppedWhileHeld.sum();
    }

    @Override
    public long droppedAtEnd() {
        return droppedAtEnd.sum();
    }

    @Override
    public Duration longestGap() {
        long longest = longestEndedGapNanos.get();
        long now = System.nanoTime();
        for (Subscriber subscriber : parked.values()) {
            longest = Math.max(longest, now - subscriber.parked().sinceNanos());
        }
        return Duration.ofNanos(longest);
    }

    @Override
    public void close() {
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "hold of " + symbolicName + (ended ? " (ended)" : "") + ": parked " + parked() + ", held " + held()
                + ", dropped while held " + droppedWhileHeld() + ", longest gap " + longestGap().toMillis() + " ms";
    }

    // What the engine and the subscribers call.

    boolean isEnded() {
        return ended;
    }

    void parked(Subscriber subscriber) {
        parked.put(subscriber.durableName(), subscriber);
    }

    /** A parked subscription was taken over after the given gap. */
    void tookOver(Subscriber subscriber, long gapNanos) {
        longestEndedGapNanos.accumulateAndGet(gapNanos, Math::max); // first, so longestGap() never misses it
        parked.remove(subscriber.durableName(), subscriber);
    }

    /** Ends the hold: records the gaps of what is still parked, forgets it, and returns it for the engine to close. */
    Map<String, Subscriber> end(long nowNanos) {
        ended = true;
        Map<String, Subscriber> unclaimed = Map.copyOf(parked);
        unclaimed.values().forEach(s -> longestEndedGapNanos.accumulateAndGet(nowNanos - s.parked().sinceNanos(), Math::max));
        parked.clear();
        return unclaimed;
    }

    void countHeld() {
        held.increment();
    }

    void countDroppedWhileHeld() {
        droppedWhileHeld.increment();
    }

    void countDroppedAtEnd(long readings) {
        droppedAtEnd.add(readings);
    }
}
