package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

class SimClockTest {

    private static final long ORIGIN = 1_780_000_000_000L;

    @Test
    void aStoppedClockStaysAtItsOriginUntilStartedThenRunsAtItsSpeed() {
        SimClock clock = SimClock.stopped(ORIGIN, 600);
        LockSupport.parkNanos(5_000_000);
        assertEquals(ORIGIN, clock.now(), "stopped: the origin, however long it waits");

        clock.start();
        long started = System.nanoTime();
        LockSupport.parkNanos(5_000_000);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        long simulated = clock.now() - ORIGIN;
        assertTrue(simulated >= 5 * 600 && simulated <= (elapsedMillis + 1) * 600, simulated + " ms after " + elapsedMillis + " ms");

        long before = clock.now();
        clock.start();
        assertTrue(clock.now() >= before, "starting again does not set it back");
    }
}
