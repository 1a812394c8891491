package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandFailedAlertsTest {

    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-001");
    private static final Location WHERE = Location.of(4.9050, 52.3650);
    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");
    private static final String KEY = "command-failed-lamp-001";

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    private final Alerts recorded = kit.alerts();

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final CommandFailedAlerts alerts = new CommandFailedAlerts(new MaintenanceAlerts(recorded,
            kit.log().logger()), kit.log().logger());

    @Test
    void givingUpWarnsAndRaisesAnAlertSayingHowTheLastAttemptEnded() {
        alerts.gaveUp(LAMP, 0.3, CommandResult.of("c-4", CommandState.REJECTED, "device busy"), 4, WHERE, T0);
        assertEquals(List.of("WARN Gave up dimming streetlight lamp-001 to 0.3 after 4 attempts; the last ended"
                + " REJECTED (device busy)"), kit.log().problems());
        Alert alert = KitAlerts.get(kit, KEY).orElseThrow();
        assertEquals("commandFailed", alert.subCategory());
        assertEquals(LAMP, alert.about());
        assertEquals(WHERE, alert.location());
        assertEquals(T0, alert.validFrom());
        assertEquals("Streetlight lamp-001 did not carry out dim 0.3 in 4 attempts; the last ended REJECTED (device busy)",
                alert.description());
    }

    @Test
    void aLastAttemptWithoutReasonSaysOnlyItsState() {
        alerts.gaveUp(LAMP, 1.0, CommandResult.of("c-1", CommandState.EXPIRED, ""), 1, null, T0);
        assertTrue(KitAlerts.get(kit, KEY).orElseThrow().description().endsWith("the last ended EXPIRED"));
    }

    @Test
    void aLaterCompletedCommandResolvesTheAlertOnce() {
        alerts.gaveUp(LAMP, 0.3, CommandResult.of("c-4", CommandState.FAILED, ""), 4, WHERE, T0);
        alerts.completed(LAMP, 0.3, T0.plusSeconds(1800));
        assertFalse(KitAlerts.isActive(kit, KEY));
        assertEquals(T0.plusSeconds(1800), KitAlerts.get(kit, KEY).orElseThrow().validTo());
        List<String> infos = kit.log().messages("info");
        assertEquals("Streetlight lamp-001 carries out commands again (dim 0.3)", infos.get(infos.size() - 1));
        alerts.completed(LAMP, 0.3, T0.plusSeconds(1900));
        assertEquals(List.of(KEY), KitAlerts.resolved(kit), "resolved once");
    }

    @Test
    void aCompletedCommandWithoutAlertAsksNothing() {
        // An active alert of that key that this plugin does not know of (say, raised by hand) is left alone.
        recorded.raise(new AlertRequest(KEY, "maintenance", "commandFailed", AlertSeverity.LOW, "by hand", LAMP, WHERE, T0));
        alerts.completed(LAMP, 1.0, T0.plusSeconds(60));
        assertTrue(KitAlerts.isActive(kit, KEY));
        assertEquals(List.of(), kit.log().entries());
    }

    @Test
    void anAlertTakenOverFromBeforeARestartIsResolvedByTheNextCompletedCommand() {
        recorded.raise(new AlertRequest(KEY, "maintenance", "commandFailed", AlertSeverity.LOW, "old", LAMP, WHERE, T0));
        alerts.takeOver(KEY);
        alerts.completed(LAMP, 1.0, T0.plusSeconds(60));
        assertFalse(KitAlerts.isActive(kit, KEY));
    }
}
