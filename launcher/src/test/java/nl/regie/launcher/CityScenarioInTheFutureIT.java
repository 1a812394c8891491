package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * The city scenario with the simulated clock a year ahead of the wall clock: nothing a plugin or the runtime dates
 * by the wall clock may end up older than the devices' readings and be ignored, or newer and pin the picture.
 */
class CityScenarioInTheFutureIT extends CityScenario {

    @Override
    LocalDateTime start() {
        LocalDateTime start = thirdOfDecember(1);
        assertTrue(start.atZone(AMSTERDAM).toInstant().isAfter(Instant.now()), start + " is in the future");
        return start;
    }
}
