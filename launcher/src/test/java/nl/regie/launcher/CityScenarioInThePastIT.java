package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * The city scenario with the simulated clock a year behind the wall clock: everything the plugins derive (the
 * collection route above all) must follow the devices' time, though the wall clock is a year later.
 */
class CityScenarioInThePastIT extends CityScenario {

    @Override
    LocalDateTime start() {
        LocalDateTime start = thirdOfDecember(-1);
        assertTrue(start.atZone(AMSTERDAM).toInstant().isBefore(Instant.now()), start + " is in the past");
        return start;
    }
}
