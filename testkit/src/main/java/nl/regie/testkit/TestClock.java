package nl.regie.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The wall clock of a test: it stands still until the test moves it. Command deadlines and the times the runtime
 * stamps (a command's outcome, a notification) follow it, and moving it runs what falls due (a command that reaches its
 * deadline ends {@code EXPIRED}). Readings carry their own {@code observedAt}, which a plugin reasons with; this clock is
 * the runtime's, not the devices'.
 */
public final class TestClock extends Clock {

    private final TestScheduler runtimeScheduler;
    private final TestScheduler pluginScheduler;
    private volatile Instant now;

    TestClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
        this.runtimeScheduler = new TestScheduler(this, true);
        this.pluginScheduler = new TestScheduler(this, false);
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

    /**
     * Moves the clock forward and runs what falls due on the way, the runtime's deadlines and the plugin's
     * {@linkplain RegieTestKit#scheduler() scheduled work} alike, in order of its time, setting the clock to each
     * task's time as it runs.
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the clock does not go back: " + duration);
        }
        Instant until = now.plus(duration);
        while (true) {
            TestScheduler next = null;
            Instant due = null;
            for (TestScheduler scheduler : List.of(runtimeScheduler, pluginScheduler)) {
                Instant at = scheduler.nextDue();
                if (at != null && !at.isAfter(until) && (due == null || at.isBefore(due))) {
                    next = scheduler;
                    due = at;
                }
            }
            if (next == null) {
                break;
            }
            if (due.isAfter(now)) {
                now = due;
            }
            next.runNext(until);
        }
        now = until;
    }

    /** Moves the clock to an instant (not before now) and runs what falls due on the way. */
    public void moveTo(Instant instant) {
        advance(Duration.between(now, instant));
    }

    /** The scheduler of the runtime's own deadlines: its {@code execute} runs at once. */
    TestScheduler runtimeScheduler() {
        return runtimeScheduler;
    }

    /** The scheduler the plugin gets: {@link RegieTestKit#scheduler()}. */
    TestScheduler pluginScheduler() {
        return pluginScheduler;
    }
}
