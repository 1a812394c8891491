package nl.regie.notifiers.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The limiter on a clock the test moves: no time passes, nothing is timed. */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    @Test
    void spacesMessagesAtTheRate() {
        RateLimiter limiter = new RateLimiter(4, 1, now::get);
        assertEquals(0, limiter.reserve());
        assertEquals(SECOND / 4, limiter.reserve());
        assertEquals(2 * SECOND / 4, limiter.reserve());
        now.addAndGet(SECOND / 2); // the first three slots: 0, 0.25 and 0.5 s; now is 0.5 s
        assertEquals(SECOND / 4, limiter.reserve());
    }

    @Test
    void letsABurstGoAtOnceAfterAQuietSpellAndNoMore() {
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        assertEquals(0, limiter.reserve());
        assertEquals(0, limiter.reserve());
        assertEquals(0, limiter.reserve());
        assertEquals(SECOND / 2, limiter.reserve());
        now.addAndGet(60 * SECOND); // quiet for a minute: a burst of 3 again, not 120
        assertEquals(0, limiter.reserve());
        assertEquals(0, limiter.reserve());
        assertEquals(0, limiter.reserve());
        assertEquals(SECOND / 2, limiter.reserve());
    }

    @Test
    void refusesBadSettings() {
        assertEquals("rate must be more than 0 messages a second, not 0.0",
                assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 1, now::get)).getMessage());
        assertEquals("burst must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, 0, now::get)).getMessage());
    }
}
