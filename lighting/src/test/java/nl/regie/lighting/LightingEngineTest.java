package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;

/**
 * The engine from streetlight readings to commands: the night profile, de-duplication, locations, a new
 * configuration, the bound on commands in flight, and input it ignores. Crowd zones are
 * {@link LightingEngineCrowdTest}'s, alerts {@link LightingEngineAlertsTest}'s.
 */
class LightingEngineTest extends EngineFixture {

    // --- the night profile and de-duplication ----------------------------------------------------------------

    @Test
    void onFirstSightOnlyLampsThatDisagreeGetACommand() {
        report("lamp-001", FAR, "2026-12-03T17:30", "on", 1.0, 60);
        report("lamp-002", NEAR, "2026-12-03T17:30", "on", 0.3, 20);
        assertEquals(1, actuation.sent().size());
        assertEquals("lamp-001", actuation.last().lamp());
        assertEquals(0.3, actuation.last().level());
        assertEquals(Optional.of(0.3), engine.commanded(lamp("lamp-002")), "an agreeing lamp is adopted");
    }

    @Test
    void sendsOnlyWhenTheTargetChanges() {
        engine = engine(Map.of()); // dim from 00:00
        report("lamp-001", FAR, "2026-12-03T16:00", "off", 0.0, 0);
        assertEquals(0, actuation.sent().size(), "day, and the lamp is off");
        report("lamp-001", FAR, "2026-12-03T16:35", "off", 0.0, 0);
        assertEquals(1.0, actuation.last().level(), "sunset: full");
        complete();
        for (String time : List.of("16:40", "17:00", "20:00", "23:55")) {
            report("lamp-001", FAR, "2026-12-03T" + time, "on", 1.0, 60);
        }
        assertEquals(1, actuation.sent().size(), "no repeats while the target holds");
        report("lamp-001", FAR, "2026-12-04T00:00", "on", 1.0, 60);
        assertEquals(2, actuation.sent().size());
        assertEquals(0.3, actuation.last().level(), "dim.from");
        complete();
        report("lamp-001", FAR, "2026-12-04T00:05", "on", 0.3, 20);
        report("lamp-001", FAR, "2026-12-04T08:40", "on", 0.3, 20);
        assertEquals(3, actuation.sent().size());
        assertEquals(0.0, actuation.last().level(), "sunrise: off");
    }

    @Test
    void aTargetTheLampAlreadyShowsNeedsNoCommand() {
        engine = engine(Map.of());
        report("lamp-001", FAR, "2026-12-04T06:00", "on", 0.3, 20);
        // Its photocell switches it off before sunrise; at sunrise the target becomes off too.
        report("lamp-001", FAR, "2026-12-04T08:15", "off", 0.0, 0);
        report("lamp-001", FAR, "2026-12-04T08:40", "off", 0.0, 0);
        assertEquals(0, actuation.sent().size(), "within the grace, then agreeing: nothing to send");
    }

    @Test
    void aLampThatKeepsDisagreingGetsItsTargetAgainAfterTheGrace() {
        report("lamp-001", FAR, "2026-12-03T18:00", "on", 0.3, 20);
        report("lamp-001", FAR, "2026-12-03T18:05", "on", 1.0, 60); // someone switched it
        report("lamp-001", FAR, "2026-12-03T18:30", "on", 1.0, 60);
        assertEquals(0, actuation.sent().size(), "25 minutes: within the 30-minute grace");
        report("lamp-001", FAR, "2026-12-03T18:35", "on", 1.0, 60);
        assertEquals(1, actuation.sent().size());
        assertEquals(0.3, actuation.last().level());
        report("lamp-001", FAR, "2026-12-03T18:40", "on", 1.0, 60);
        assertEquals(1, actuation.sent().size(), "not again while the command is under way");
    }

    @Test
    void anOldReadingDoesNotOverrideANewerOne() {
        report("lamp-001", FAR, "2026-12-03T18:00", "on", 0.3, 20);
        engine.onReading(reading(lamp("lamp-001"), "illuminanceLevel", Value.of(1.0), "/", at("2026-12-03T17:00"), FAR));
        report("lamp-001", FAR, "2026-12-03T18:40", "on", 0.3, 20);
        assertEquals(0, actuation.sent().size());
    }

    @Test
    void aLampWithoutLocationInItsReadingsIsLocatedThroughTheCityState() {
        locations.put(lamp("lamp-001"), FAR);
        report("lamp-001", null, "2026-12-03T17:30", "on", 1.0, 60);
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void aLampWithNoKnownLocationIsLeftAloneWithAWarning() {
        report("lamp-001", null, "2026-12-03T17:30", "on", 1.0, 60);
        assertEquals(0, actuation.sent().size());
        assertTrue(warnings().stream().anyMatch(w -> w.contains("lamp-001") && w.contains("no known location")), warnings().toString());
    }

    @Test
    void aNewConfigurationAppliesAtOnceAndKeepsState() {
        report("lamp-001", FAR, "2026-12-03T18:00", "on", 0.3, 20);
        report("lamp-002", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:01", DAM);
        assertEquals(1.0, actuation.last().level());
        complete();
        engine.apply(settings(Map.of("dim.from", "17:00", "dim.level", 0.5)));
        assertEquals(2, actuation.sent().size(), "only the dimmed lamp changes; the boosted one stays full");
        assertEquals("lamp-001", actuation.last().lamp());
        assertEquals(0.5, actuation.last().level());
    }

    @Test
    void aProfileChangeOverManyLampsKeepsTheBound() {
        engine = engine(Map.of("dim.from", "17:00", "command.max.in.flight", 100));
        for (int i = 1; i <= 250; i++) {
            report(String.format("lamp-%03d", i), FAR, "2026-12-03T17:30", "on", 1.0, 60);
        }
        assertEquals(100, actuation.sent().size());
        assertEquals(100, engine.inFlight());
        assertEquals(150, engine.waiting());
        complete();
        assertEquals(200, actuation.sent().size());
    }

    // --- bad input -----------------------------------------------------------------------------------------------

    @Test
    void badValuesAreIgnoredWithAWarningEach() {
        for (int i = 0; i < 5; i++) {
            engine.onReading(reading(lamp("lamp-001"), "illuminanceLevel", Value.of("bright"), "", at("2026-12-03T18:00"), FAR));
            engine.onReading(reading(lamp("lamp-001"), "illuminanceLevel", Value.of(3.0), "/", at("2026-12-03T18:00"), FAR));
        }
        engine.onReading(reading(lamp("lamp-001"), "powerState", Value.of(1.0), "", at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(lamp("lamp-001"), "powerConsumption", Value.of(-3.0), "W", at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(DAM_ZONE, "crowdLevel", Value.of("heaving"), "", at("2026-12-03T18:00"), DAM));
        engine.onReading(reading(DAM_ZONE, "crowdLevel", Value.of(3.0), "", at("2026-12-03T18:00"), DAM));
        assertEquals(0, actuation.sent().size());
        assertEquals(10, warnings().stream().filter(w -> w.contains("illuminanceLevel")).count(), warnings().toString());
        assertTrue(warnings().contains("Ignored Streetlight/lamp-001/illuminanceLevel = bright from test: expected a number"
                + " from 0 to 1"), warnings().toString());
        assertTrue(warnings().stream().anyMatch(w -> w.contains("powerState")));
        assertTrue(warnings().stream().anyMatch(w -> w.contains("powerConsumption")));
        assertTrue(warnings().stream().anyMatch(w -> w.contains("heaving")));
    }

    @Test
    void otherAttributesAndEntityTypesAreIgnored() {
        engine.onReading(reading(lamp("lamp-001"), "temperature", Value.of(12.0), "Cel", at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(EntityId.of("StreetlightGroup", "lampgroup-01"), "illuminanceLevel", Value.of(1.0), "/",
                at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(DAM_ZONE, "peopleCount", Value.of(9000.0), "count", at("2026-12-03T18:00"), DAM));
        assertEquals(0, actuation.sent().size());
        assertTrue(warnings().isEmpty(), warnings().toString());
        assertEquals(1, engine.lampCount(), "groups are left to operators");
    }
}
