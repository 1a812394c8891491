package nl.regie.lighting;

import static nl.regie.api.actuation.CommandState.REJECTED;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;

import org.junit.jupiter.api.Test;

/** The engine's maintenance alerts: commands that keep failing, and lamps that are on but draw no power. */
class LightingEngineAlertsTest extends EngineFixture {

    // --- command outcomes ----------------------------------------------------------------------------------------

    @Test
    void aCommandThatKeepsFailingIsRetriedThenAlertedAndResolvedByALaterSuccess() {
        report("lamp-001", FAR, "2026-12-03T17:30", "on", 1.0, 60);
        for (int attempt = 1; attempt <= 4; attempt++) {
            actuation.last().complete(REJECTED);
            actuation.runReady();
            actuation.advance(Duration.ofSeconds(8));
        }
        assertEquals(4, actuation.sent().size(), "one try and three retries");
        String key = "command-failed-lamp-001";
        Alert alert = KitAlerts.get(kit, key).orElseThrow();
        assertTrue(alert.active());
        assertEquals("maintenance", alert.category());
        assertEquals("commandFailed", alert.subCategory());
        assertEquals(AlertSeverity.LOW, alert.severity());
        assertEquals(lamp("lamp-001"), alert.about());
        assertTrue(warnings().stream().anyMatch(w -> w.contains("Gave up") && w.contains("lamp-001")), warnings().toString());

        // The lamp keeps showing full light; after the grace the target goes out again, and this time it works.
        report("lamp-001", FAR, "2026-12-03T17:40", "on", 1.0, 60);
        report("lamp-001", FAR, "2026-12-03T18:10", "on", 1.0, 60);
        assertEquals(5, actuation.sent().size());
        complete();
        assertFalse(KitAlerts.isActive(kit, key));
        assertEquals(List.of(key), KitAlerts.resolved(kit));
    }

    @Test
    void aCommandFailedAlertFromBeforeARestartIsResolved() {
        alerts.raise(new nl.regie.api.alert.AlertRequest("command-failed-lamp-001", "maintenance", "commandFailed",
                AlertSeverity.LOW, "old", lamp("lamp-001"), FAR, at("2026-12-03T12:00")));
        engine.restore(alerts.own());
        report("lamp-001", FAR, "2026-12-03T17:30", "on", 1.0, 60);
        complete();
        assertFalse(KitAlerts.isActive(kit, "command-failed-lamp-001"));
    }

    // --- failed lamps --------------------------------------------------------------------------------------------

    @Test
    void aLampThatIsOnButDrawsNoPowerRaisesAMaintenanceAlertUntilItDrawsPowerAgain() {
        report("lamp-007", FAR, "2026-12-03T18:00", "on", 0.3, 0.0);
        assertTrue(KitAlerts.raised(kit).isEmpty(), "one report is not enough");
        report("lamp-007", FAR, "2026-12-03T18:05", "on", 0.3, 0.0);
        Alert alert = KitAlerts.get(kit, "lamp-failure-lamp-007").orElseThrow();
        assertTrue(alert.active());
        assertEquals("maintenance", alert.category());
        assertEquals("lampFailure", alert.subCategory());
        assertEquals(AlertSeverity.LOW, alert.severity());
        assertEquals(lamp("lamp-007"), alert.about());
        assertEquals(FAR, alert.location());
        assertEquals(at("2026-12-03T18:05"), alert.validFrom(), "event time");
        report("lamp-007", FAR, "2026-12-03T18:10", "on", 0.3, 0.0);
        assertEquals(1, KitAlerts.raised(kit).size(), "raised once");

        report("lamp-007", FAR, "2026-12-03T18:15", "on", 0.3, 14.2);
        assertFalse(KitAlerts.isActive(kit, "lamp-failure-lamp-007"));
        assertEquals(at("2026-12-03T18:15"), KitAlerts.get(kit, "lamp-failure-lamp-007").orElseThrow().validTo());
    }

    @Test
    void aLampThatIsOffDrawingNothingIsHealthy() {
        report("lamp-007", FAR, "2026-12-03T12:00", "off", 0.0, 0.0);
        report("lamp-007", FAR, "2026-12-03T12:05", "off", 0.0, 0.0);
        report("lamp-007", FAR, "2026-12-03T12:10", "off", 0.0, 0.0);
        assertTrue(KitAlerts.raised(kit).isEmpty());
    }
}
