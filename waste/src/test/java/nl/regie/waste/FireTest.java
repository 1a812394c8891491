package nl.regie.waste;

import static nl.regie.waste.Fakes.T0;
import static nl.regie.waste.Fakes.config;
import static nl.regie.waste.Fakes.on;
import static nl.regie.waste.Fakes.raised;
import static nl.regie.waste.Fakes.resolved;
import static nl.regie.waste.Fakes.temperature;
import static nl.regie.waste.Fakes.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.Location;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fire detection: by temperature, by rate of rise, resolution on cooling, escalation; no false alarms. */
class FireTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(WastePlugin.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final BinMonitor monitor = new BinMonitor(kit.bus(), kit.alerts(), Settings.DEFAULTS,
            kit.log().logger(), () -> 0, () -> { });

    private void feed(String bin, Instant start, Duration every, double... celsius) {
        for (int i = 0; i < celsius.length; i++) {
            monitor.onReading(temperature(bin, celsius[i], start.plus(every.multipliedBy(i))));
        }
    }

    private List<Object> status(String bin) {
        return values(kit, "WasteContainer/" + bin + "/status");
    }

    @Test
    void hotIsAFireEvenWithoutARise() {
        feed("bin-7", T0, Duration.ofMinutes(30), 20, 65);
        assertEquals(1, raised(kit).size());
        Alert alert = kit.alerts().own().get(0);
        assertEquals("fire-bin-7", alert.key());
        assertEquals("security", alert.category());
        assertEquals("fire", alert.subCategory());
        assertEquals(AlertSeverity.HIGH, alert.severity());
        assertEquals(Fakes.bin("bin-7"), alert.about());
        assertEquals(Location.of(4.89, 52.37), alert.location());
        assertEquals(T0.plus(Duration.ofMinutes(30)), alert.validFrom());
        assertEquals("Fire in waste container bin-7: 65.0 °C", alert.description());
        assertEquals(List.of("ok", "burning"), status("bin-7"));
    }

    @Test
    void aFastRiseIsAFireBelowTheThreshold() {
        feed("bin-1", T0, Duration.ofMinutes(4), 15, 18, 25.1); // +10.1 within 8 minutes
        assertEquals(1, raised(kit).size());
        assertEquals("Fire in waste container bin-1: 25.1 °C, up 10.1 °C within 10 min", kit.alerts().own().get(0).description());
        assertEquals(List.of("ok", "burning"), status("bin-1"));
    }

    @Test
    void aRiseJustTooSmallOrTooSlowIsNot() {
        feed("bin-1", T0, Duration.ofMinutes(5), 15, 20, 24.9); // +9.9 within 10 minutes
        feed("bin-2", T0, Duration.ofMinutes(6), 15, 20, 25, 30); // +10 but over 12 minutes, +5 per 6
        assertTrue(raised(kit).isEmpty(), raised(kit).toString());
    }

    @Test
    void resolvesOnlyWhenCoolAndNotWarming() {
        feed("bin-1", T0, Duration.ofMinutes(5), 20, 70, 50, 46, 47, 44);
        assertEquals(List.of("fire-bin-1"), resolved(kit));
        assertEquals(List.of("ok", "burning", "ok"), status("bin-1"));
        assertEquals(T0.plus(Duration.ofMinutes(25)), on(kit, "WasteContainer/bin-1/status").get(2).observedAt());
        assertTrue(kit.alerts().own().isEmpty());
    }

    @Test
    void aFireCaughtByItsRiseBurnsWhileItWarms() {
        feed("bin-1", T0, Duration.ofMinutes(5), 15, 28, 35);
        assertEquals(List.of("ok", "burning"), status("bin-1"), "35 °C, below the cool temperature, but warming");
        feed("bin-1", T0.plus(Duration.ofMinutes(15)), Duration.ofMinutes(5), 34);
        assertEquals(List.of("ok", "burning", "ok"), status("bin-1"));
    }

    @Test
    void escalatesToCriticalAndStaysThereUntilOut() {
        feed("bin-1", T0, Duration.ofMinutes(5), 20, 65, 91, 85, 95, 40);
        assertEquals(List.of(AlertSeverity.HIGH, AlertSeverity.CRITICAL),
                raised(kit));
        assertEquals(List.of("fire-bin-1"), resolved(kit));
    }

    @Test
    void criticalTemperatureIsConfigurable() {
        BinMonitor custom = new BinMonitor(kit.bus(), kit.alerts(), Settings.from(config(Map.of("fire.critical.temperature", 70.0))),
                kit.log().logger(), () -> 0, () -> { });
        custom.onReading(temperature("bin-1", 75, T0));
        assertEquals(AlertSeverity.CRITICAL, kit.alerts().own().get(0).severity());
    }

    /** Three days in winter, spring and summer, 300 bins, reports every 5 minutes: not one alarm. */
    @Test
    void normalDaysNeverRaiseAnAlarm() {
        for (Instant start : List.of(Instant.parse("2026-01-10T00:00:00Z"), Instant.parse("2026-03-28T00:00:00Z"),
                Instant.parse("2026-07-15T00:00:00Z"))) {
            for (int b = 0; b < 300; b++) {
                SimulatedBin bin = new SimulatedBin(start.toEpochMilli() + b);
                for (Instant at = start; at.isBefore(start.plus(Duration.ofDays(3))); at = at.plusSeconds(300 + b % 7)) {
                    monitor.onReading(temperature("bin-" + b, bin.temperature(at), at));
                }
            }
        }
        assertTrue(raised(kit).isEmpty(), raised(kit).toString());
    }

    /** 300 simulated fires at random times: each raised by the first report that shows it, and resolved once. */
    @Test
    void simulatedFiresAreDetectedAtOnceAndResolvedAfterCooling() {
        SplittableRandom random = new SplittableRandom(42);
        for (int f = 0; f < 300; f++) {
            String id = "bin-" + f;
            SimulatedBin bin = new SimulatedBin(random.nextLong());
            Instant start = T0.plus(Duration.ofMinutes(random.nextInt(365 * 24 * 60)));
            Instant ignition = start.plus(Duration.ofMinutes(60 + random.nextInt(300)));
            bin.ignite(ignition, 60 + 30 * random.nextDouble(), 1 + random.nextDouble());
            List<Instant> reports = new ArrayList<>(List.of(ignition)); // a fire is reported at once
            for (Instant at = start; at.isBefore(ignition.plus(Duration.ofHours(12))); at = at.plusSeconds(300)) {
                reports.add(at);
            }
            reports.sort(null);
            Instant detected = null;
            Instant resolved = null;
            for (Instant report : reports) {
                monitor.onReading(temperature(id, bin.temperature(report), report));
                String key = "fire-" + id;
                if (detected == null && kit.alerts().own().stream().anyMatch(a -> a.key().equals(key))) {
                    detected = report;
                }
                if (detected != null && resolved == null
                        && kit.alerts().own().stream().noneMatch(a -> a.key().equals(key))) {
                    resolved = report;
                    assertTrue(bin.temperature(report) < 45, id + " resolved at " + bin.temperature(report));
                }
            }
            assertEquals(ignition, detected, id + " detected by the ignition report");
            assertNotNull(resolved, id + " resolved");
            assertTrue(resolved.isBefore(ignition.plus(Duration.ofHours(6))), id + " resolved within hours");
            assertEquals(List.of("ok", "burning", "ok"), status(id), id + " never flaps");
        }
    }
}
