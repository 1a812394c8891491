package nl.regie.notifiers.delivery;

import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} messages a second to the gateway, with bursts of up to {@code burst} after a quiet spell:
 * the gateway's contract (an SMS provider's throughput class, a mail server's per-sender limit). Each
 * {@link #reserve} takes the next free slot and says how long to wait for it. Not thread-safe: one outbox thread
 * uses it.
 */
public final class RateLimiter {

    private final long interval;
    private final long burstCredit;
    private final LongSupplier nanoTime;
    private long next;

    /**
     * @param perSecond messages a second, more than 0
     * @param burst     how many may go at once after a quiet spell, at least 1
     * @param nanoTime  the clock, {@code System::nanoTime} outside tests
     */
    public RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be more than 0 messages a second, not " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, not " + burst);
        }
        this.interval = Math.max(1, Math.round(1_000_000_000d / perSecond));
        this.burstCredit = (burst - 1) * interval;
        this.nanoTime = nanoTime;
        this.next = nanoTime.getAsLong() - burstCredit;
    }

    /** Takes the next slot: how many nanoseconds to wait before sending in it (0: send now). */
    public long reserve() {
        long now = nanoTime.getAsLong();
        next = Math.max(next, now - burstCredit);
        long wait = Math.max(0, next - now);
        next += interval;
        return wait;
    }
}
