package nl.regie.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The wall clock of a test: it stands still until the test moves it. Command deadlines and the times the runtime
 * stamps (a command's outcome, a notification) follow it, and moving it runs what falls due (a command that reaches its
 * deadline ends {@code EXPIRED}). Readings carry their own {@code observedAt}, which a plugin reasons with; this clock is
 * the runtime's, not the devices'.
 */
public final class TestClock extends Clock {

    private final VirtualTimeScheduler scheduler;
    private volatile Instant now;

    TestClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
        this.scheduler = new VirtualTimeScheduler(this);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is in UTC");
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Moves the clock forward and runs what falls due on the way, in order of its time. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the clock does not go back: " + duration);
        }
        scheduler.runUntil(now.plus(duration));
    }

    /** Moves the clock to an instant (not before now) and runs what falls due on the way. */
    public void moveTo(Instant instant) {
        advance(Duration.between(now, instant));
    }

    /** Sets the time; only the scheduler calls it, task by task. */
    void set(Instant instant) {
        now = instant;
    }

    VirtualTimeScheduler scheduler() {
        return scheduler;
    }
}
