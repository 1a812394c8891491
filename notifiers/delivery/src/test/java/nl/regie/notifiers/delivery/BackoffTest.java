package nl.regie.notifiers.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheLongestWait() {
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10), 6);
        assertEquals(Duration.ofSeconds(2), backoff.after(1));
        assertEquals(Duration.ofSeconds(4), backoff.after(2));
        assertEquals(Duration.ofSeconds(8), backoff.after(3));
        assertEquals(Duration.ofSeconds(10), backoff.after(4));
        assertEquals(Duration.ofSeconds(10), backoff.after(1_000));
    }

    @Test
    void refusesBadSettingsNamingThem() {
        assertEquals("retry wait must be more than 0, not 0 ms", assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 3)).getMessage());
        assertEquals("longest retry wait (1000 ms) must be at least the first (2000 ms)",
                assertThrows(IllegalArgumentException.class,
                        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 3)).getMessage());
        assertEquals("attempts must be at least 1, not 0", assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0)).getMessage());
    }
}
