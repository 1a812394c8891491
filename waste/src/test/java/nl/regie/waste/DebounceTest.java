package nl.regie.waste;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The debounce, on a clock the test moves. */
class DebounceTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Debounce debounce = new Debounce(Duration.ofSeconds(5), clock::get);

    @Test
    void theFirstChangeRunsAtOnceAndTheNextOnesWaitForTheInterval() {
        assertEquals(0, debounce.changed());
        assertEquals(-1, debounce.changed(), "covered by the pending run");
        debounce.started();
        clock.addAndGet(1_200);
        assertEquals(3_800, debounce.changed());
        assertEquals(-1, debounce.changed());
        clock.addAndGet(3_800);
        debounce.started();
        clock.addAndGet(60_000);
        assertEquals(0, debounce.changed(), "after a quiet spell: at once");
    }

    @Test
    void aNewIntervalAppliesToTheNextChange() {
        debounce.changed();
        debounce.started();
        debounce.interval(Duration.ofSeconds(30));
        assertEquals(30_000, debounce.changed());
    }
}
