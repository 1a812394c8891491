package nl.regie.runtime.core.bus;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One parking of a {@link Subscriber}: the hold it is parked in, since when, and what it held and dropped since.
 * A new one for each parking, so counting needs no reset; publishers count into it without a lock.
 */
final class Parked {

    private final OpenHold hold;
    private final long sinceNanos;
    private final LongAdder held = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    Parked(OpenHold hold, long sinceNanos) {
        this.hold = hold;
        this.sinceNanos = sinceNanos;
    }

    OpenHold hold() {
        return hold;
    }

    long sinceNanos() {
        return sinceNanos;
    }

    /** A reading was queued while parked. */
    void countHeld() {
        held.increment();
        hold.countHeld();
    }

    /**
     * A reading was dropped because the queue was full while parked.
     *
     * @return true the first time, to warn once per parking
     */
    boolean countDropped() {
        dropped.increment();
        hold.countDroppedWhileHeld();
        return !overflowed.get() && overflowed.compareAndSet(false, true);
    }

    long held() {
        return held.sum();
    }

    long dropped() {
        return dropped.sum();
    }
}
