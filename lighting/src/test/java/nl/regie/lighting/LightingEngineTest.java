package nl.regie.lighting;

import static nl.regie.api.actuation.CommandState.COMPLETED;
import static nl.regie.api.actuation.CommandState.REJECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;

/**
 * The plugin's behaviour from readings to commands and alerts, with a fake actuation, recording alerts and a
 * manual scheduler. Dates are 3 and 4 December 2026 in Amsterdam: sunset 16:30, sunrise on the 4th 08:32 (CET).
 */
class LightingEngineTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    private static final Location DAM = Location.of(4.8925, 52.3731);
    private static final Location NEAR = north(DAM, 30);
    private static final Location FAR = Location.of(4.9050, 52.3650);
    private static final EntityId DAM_ZONE = EntityId.of("CrowdFlowObserved", "crowd-001");

    private final FakeActuation actuation = new FakeActuation();
    private final RecordingAlerts alerts = new RecordingAlerts();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Map<EntityId, Location> locations = new HashMap<>();
    private final Map<EntityId, Double> areas = new HashMap<>(Map.of(DAM_ZONE, 12_500.0));
    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private LightingEngine engine = engine(Map.of("dim.from", "17:00"));

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
        assertTrue(warnings.stream().anyMatch(w -> w.contains("lamp-001") && w.contains("no known location")), warnings.toString());
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

    // --- crowd boost ---------------------------------------------------------------------------------------------

    @Test
    void aBusyZoneBringsNearbyLampsToFullAndBackWhenItCalmsDown() {
        report("lamp-near", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        report("lamp-far", FAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:01", DAM);
        assertEquals(1, actuation.sent().size(), "at once, not at the lamp's next report");
        assertEquals("lamp-near", actuation.last().lamp());
        assertEquals(1.0, actuation.last().level());
        complete();
        report("lamp-near", NEAR, "2026-12-03T18:05", "on", 1.0, 60);
        crowd("crowd-001", "critical", "2026-12-03T18:06", DAM);
        assertEquals(1, actuation.sent().size(), "still full");
        crowd("crowd-001", "normal", "2026-12-03T19:00", DAM);
        assertEquals(2, actuation.sent().size());
        assertEquals("lamp-near", actuation.last().lamp());
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void aBoostIsNotHeldBackByACommandStillUnderWay() {
        report("lamp-near", NEAR, "2026-12-03T17:30", "on", 1.0, 60);
        assertEquals(0.3, actuation.last().level(), "its photocell lit it fully; the profile says dimmed");
        // That command is acknowledged late (or not at all); the crowd's light goes out at once regardless.
        crowd("crowd-001", "busy", "2026-12-03T17:54", DAM);
        assertEquals(2, actuation.sent().size());
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void aStaleZoneCountsAsCalmSoLampsReturnWhenMobilityDisappears() {
        report("lamp-near", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:00", DAM);
        complete();
        report("lamp-near", NEAR, "2026-12-03T18:05", "on", 1.0, 60);
        report("lamp-near", NEAR, "2026-12-03T18:14", "on", 1.0, 60);
        assertEquals(1, actuation.sent().size());
        // Mobility is gone: no more crowd levels. Fifteen minutes after the last one the zone counts as calm.
        report("lamp-near", NEAR, "2026-12-03T18:15", "on", 1.0, 60);
        assertEquals(2, actuation.sent().size());
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void aZoneThatComesBackAfterGoingStaleBoostsAgain() {
        report("lamp-near", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:00", DAM);
        complete();
        report("lamp-near", NEAR, "2026-12-03T18:30", "on", 1.0, 60);
        complete();
        assertEquals(0.3, actuation.last().level());
        crowd("crowd-001", "busy", "2026-12-03T18:40", DAM);
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void withoutAnyZoneLampsFollowTheProfile() {
        report("lamp-near", NEAR, "2026-12-03T16:00", "off", 0.0, 0);
        report("lamp-near", NEAR, "2026-12-03T16:35", "off", 0.0, 0);
        assertEquals(1.0, actuation.last().level());
        complete();
        report("lamp-near", NEAR, "2026-12-03T17:00", "on", 1.0, 60);
        assertEquals(0.3, actuation.last().level());
        assertEquals(2, actuation.sent().size());
    }

    @Test
    void aCrowdNeverSwitchesLampsOnInDaylight() {
        report("lamp-near", NEAR, "2026-12-03T12:00", "off", 0.0, 0);
        crowd("crowd-001", "critical", "2026-12-03T12:01", DAM);
        report("lamp-near", NEAR, "2026-12-03T12:05", "off", 0.0, 0);
        assertEquals(0, actuation.sent().size());
        // At sunset the boost applies: full light rather than the dimmed level.
        crowd("crowd-001", "critical", "2026-12-03T17:20", DAM);
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void aZoneWithoutAreaReachesTheDefaultRadiusAndItsLocationComesFromTheCityState() {
        areas.clear();
        locations.put(DAM_ZONE, DAM);
        report("lamp-90", north(DAM, 90), "2026-12-03T18:00", "on", 0.3, 20);
        report("lamp-110", north(DAM, 110), "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:01", null);
        assertEquals(1, actuation.sent().size());
        assertEquals("lamp-90", actuation.last().lamp());
    }

    // --- command outcomes ----------------------------------------------------------------------------------------

    @Test
    void aCommandThatKeepsFailingIsRetriedThenAlertedAndResolvedByALaterSuccess() {
        report("lamp-001", FAR, "2026-12-03T17:30", "on", 1.0, 60);
        for (int attempt = 1; attempt <= 4; attempt++) {
            actuation.last().complete(REJECTED);
            scheduler.runReady();
            scheduler.advance(Duration.ofSeconds(8));
        }
        assertEquals(4, actuation.sent().size(), "one try and three retries");
        String key = "command-failed-lamp-001";
        Alert alert = alerts.get(key).orElseThrow();
        assertTrue(alert.active());
        assertEquals("maintenance", alert.category());
        assertEquals("commandFailed", alert.subCategory());
        assertEquals(AlertSeverity.LOW, alert.severity());
        assertEquals(lamp("lamp-001"), alert.about());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("Gave up") && w.contains("lamp-001")), warnings.toString());

        // The lamp keeps showing full light; after the grace the target goes out again, and this time it works.
        report("lamp-001", FAR, "2026-12-03T17:40", "on", 1.0, 60);
        report("lamp-001", FAR, "2026-12-03T18:10", "on", 1.0, 60);
        assertEquals(5, actuation.sent().size());
        complete();
        assertFalse(alerts.isActive(key));
        assertEquals(List.of(key), alerts.resolved);
    }

    @Test
    void aCommandFailedAlertFromBeforeARestartIsResolved() {
        alerts.raise(new nl.regie.api.alert.AlertRequest("command-failed-lamp-001", "maintenance", "commandFailed",
                AlertSeverity.LOW, "old", lamp("lamp-001"), FAR, at("2026-12-03T12:00")));
        engine.restore(alerts.active(), LightingComponent.SYMBOLIC_NAME);
        report("lamp-001", FAR, "2026-12-03T17:30", "on", 1.0, 60);
        complete();
        assertFalse(alerts.isActive("command-failed-lamp-001"));
    }

    // --- failed lamps --------------------------------------------------------------------------------------------

    @Test
    void aLampThatIsOnButDrawsNoPowerRaisesAMaintenanceAlertUntilItDrawsPowerAgain() {
        report("lamp-007", FAR, "2026-12-03T18:00", "on", 0.3, 0.0);
        assertTrue(alerts.raised.isEmpty(), "one report is not enough");
        report("lamp-007", FAR, "2026-12-03T18:05", "on", 0.3, 0.0);
        Alert alert = alerts.get("lamp-failure-lamp-007").orElseThrow();
        assertTrue(alert.active());
        assertEquals("maintenance", alert.category());
        assertEquals("lampFailure", alert.subCategory());
        assertEquals(AlertSeverity.LOW, alert.severity());
        assertEquals(lamp("lamp-007"), alert.about());
        assertEquals(FAR, alert.location());
        assertEquals(at("2026-12-03T18:05"), alert.validFrom(), "event time");
        report("lamp-007", FAR, "2026-12-03T18:10", "on", 0.3, 0.0);
        assertEquals(1, alerts.raised.size(), "raised once");

        report("lamp-007", FAR, "2026-12-03T18:15", "on", 0.3, 14.2);
        assertFalse(alerts.isActive("lamp-failure-lamp-007"));
        assertEquals(at("2026-12-03T18:15"), alerts.get("lamp-failure-lamp-007").orElseThrow().validTo());
    }

    @Test
    void aLampThatIsOffDrawingNothingIsHealthy() {
        report("lamp-007", FAR, "2026-12-03T12:00", "off", 0.0, 0.0);
        report("lamp-007", FAR, "2026-12-03T12:05", "off", 0.0, 0.0);
        report("lamp-007", FAR, "2026-12-03T12:10", "off", 0.0, 0.0);
        assertTrue(alerts.raised.isEmpty());
    }

    // --- bad input -----------------------------------------------------------------------------------------------

    @Test
    void badValuesAreIgnoredWithARateLimitedWarning() {
        for (int i = 0; i < 5; i++) {
            engine.onReading(reading(lamp("lamp-001"), "illuminanceLevel", Value.of("bright"), "", at("2026-12-03T18:00"), FAR));
            engine.onReading(reading(lamp("lamp-001"), "illuminanceLevel", Value.of(3.0), "/", at("2026-12-03T18:00"), FAR));
        }
        engine.onReading(reading(lamp("lamp-001"), "powerState", Value.of(1.0), "", at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(lamp("lamp-001"), "powerConsumption", Value.of(-3.0), "W", at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(DAM_ZONE, "crowdLevel", Value.of("heaving"), "", at("2026-12-03T18:00"), DAM));
        engine.onReading(reading(DAM_ZONE, "crowdLevel", Value.of(3.0), "", at("2026-12-03T18:00"), DAM));
        assertEquals(0, actuation.sent().size());
        assertEquals(1, warnings.stream().filter(w -> w.contains("illuminanceLevel")).count(), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("powerState")));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("powerConsumption")));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("heaving")));
    }

    @Test
    void otherAttributesAndEntityTypesAreIgnored() {
        engine.onReading(reading(lamp("lamp-001"), "temperature", Value.of(12.0), "Cel", at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(EntityId.of("StreetlightGroup", "lampgroup-01"), "illuminanceLevel", Value.of(1.0), "/",
                at("2026-12-03T18:00"), FAR));
        engine.onReading(reading(DAM_ZONE, "peopleCount", Value.of(9000.0), "count", at("2026-12-03T18:00"), DAM));
        assertEquals(0, actuation.sent().size());
        assertTrue(warnings.isEmpty(), warnings.toString());
        assertEquals(1, engine.lampCount(), "groups are left to operators");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private LightingEngine engine(Map<String, Object> config) {
        CityLookup city = new CityLookup() {
            @Override
            public Optional<Location> location(EntityId entity) {
                return Optional.ofNullable(locations.get(entity));
            }

            @Override
            public OptionalDouble area(EntityId zone) {
                Double area = areas.get(zone);
                return area == null ? OptionalDouble.empty() : OptionalDouble.of(area);
            }
        };
        return new LightingEngine(settings(config), actuation, alerts, city, scheduler,
                Clock.fixed(Instant.parse("2026-12-03T17:00:00Z"), ZoneOffset.UTC), new LightingLog() {
                    @Override
                    public void info(String message) {
                        infos.add(message);
                    }

                    @Override
                    public void warn(String message) {
                        warnings.add(message);
                    }
                });
    }

    private static Settings settings(Map<String, Object> config) {
        return Settings.from(Configs.of(config));
    }

    /** Completes every command under way and lets the engine take the outcomes. */
    private void complete() {
        actuation.pending().forEach(sent -> sent.complete(COMPLETED));
        scheduler.runReady();
    }

    /** One telemetry pack of a lamp, in the simulator's order. */
    private void report(String id, Location where, String localTime, String power, double level, double watts) {
        Instant at = at(localTime);
        engine.onReading(reading(lamp(id), "powerState", Value.of(power), "", at, where));
        engine.onReading(reading(lamp(id), "illuminanceLevel", Value.of(level), "/", at, where));
        engine.onReading(reading(lamp(id), "powerConsumption", Value.of(watts), "W", at, where));
    }

    private void crowd(String zone, String level, String localTime, Location where) {
        engine.onReading(reading(EntityId.of("CrowdFlowObserved", zone), "crowdLevel", Value.of(level), "",
                at(localTime), where));
    }

    private static Reading reading(EntityId entity, String attribute, Value value, String unit, Instant at,
            Location where) {
        return new Reading(entity, attribute, value, unit, at, at, "test", where);
    }

    private static EntityId lamp(String id) {
        return EntityId.of("Streetlight", id);
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }

    private static Location north(Location from, double metres) {
        return Location.of(from.longitude(), from.latitude() + metres / 111_195.0);
    }
}
