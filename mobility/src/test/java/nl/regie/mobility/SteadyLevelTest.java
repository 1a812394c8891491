package nl.regie.mobility;

import static nl.regie.mobility.Input.minute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SteadyLevelTest {

    private static final Duration HOLD = Duration.ofMinutes(15);

    @Test
    void risesAtOnceAndFallsOnlyAfterTheLowerVerdictHeld() {
        SteadyLevel level = new SteadyLevel();
        assertEquals(-1, level.level());
        assertEquals(0, level.update(0, minute(0), HOLD));
        assertEquals(2, level.update(2, minute(5), HOLD));
        assertEquals(2, level.update(1, minute(10), HOLD));
        assertEquals(2, level.update(2, minute(15), HOLD), "back up: the wait starts over");
        assertEquals(2, level.update(1, minute(20), HOLD));
        assertEquals(2, level.update(0, minute(30), HOLD));
        assertEquals(0, level.update(0, minute(35), HOLD), "15 minutes below: the latest verdict");
    }

    @Test
    void noHoldFallsAtOnce() {
        SteadyLevel level = new SteadyLevel();
        level.update(3, minute(0), Duration.ZERO);
        assertEquals(1, level.update(1, minute(1), Duration.ZERO));
    }
}
