package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wiring from meter readings to lamp-failure alerts; the rule itself is {@link LampFailureDetectorTest}'s. */
class LampFailureAlertsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");
    private static final String KEY = "lamp-failure-lamp-007";

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    private final Alerts recorded = kit.alerts();

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final LampFailureAlerts failures = new LampFailureAlerts(new MaintenanceAlerts(recorded,
            kit.log().logger()), 1.0, 2);
    private final Lamp lamp = lamp(true, 0.3);

    @Test
    void aFailureRaisesAnAlertDatedByTheReadingThatShowedIt() {
        failures.powerConsumption(lamp, 0.0, T0);
        assertTrue(KitAlerts.raised(kit).isEmpty());
        failures.powerConsumption(lamp, 0.2, T0.plusSeconds(300));
        Alert alert = KitAlerts.get(kit, KEY).orElseThrow();
        assertEquals("lampFailure", alert.subCategory());
        assertEquals(lamp.id, alert.about());
        assertEquals(lamp.location, alert.location());
        assertEquals(T0.plusSeconds(300), alert.validFrom());
        assertEquals("Streetlight lamp-007 is on at level 0.3 but draws 0.2 W (less than 1.0 W) on 2 reports in a row:"
                + " the lamp or its driver has failed", alert.description());
    }

    @Test
    void aRecoveryResolvesItAtTheReadingsTime() {
        failures.powerConsumption(lamp, 0.0, T0);
        failures.powerConsumption(lamp, 0.0, T0.plusSeconds(300));
        failures.powerConsumption(lamp, 14.2, T0.plusSeconds(600));
        assertFalse(KitAlerts.isActive(kit, KEY));
        assertEquals(T0.plusSeconds(600), KitAlerts.get(kit, KEY).orElseThrow().validTo());
    }

    @Test
    void aLampWhosePowerStateOrLevelIsUnknownIsNotJudged() {
        Lamp noState = lamp(null, 0.3);
        Lamp noLevel = lamp(true, null);
        for (int i = 0; i < 3; i++) {
            failures.powerConsumption(noState, 0.0, T0.plusSeconds(i));
            failures.powerConsumption(noLevel, 0.0, T0.plusSeconds(i));
        }
        assertTrue(KitAlerts.raised(kit).isEmpty());
    }

    @Test
    void newThresholdsApplyAndTheAlertSaysThem() {
        failures.configure(20.0, 3);
        failures.powerConsumption(lamp, 15.0, T0);
        failures.powerConsumption(lamp, 15.0, T0.plusSeconds(1));
        assertTrue(KitAlerts.raised(kit).isEmpty());
        failures.powerConsumption(lamp, 15.0, T0.plusSeconds(2));
        assertTrue(KitAlerts.get(kit, KEY).orElseThrow().description().contains("(less than 20.0 W) on 3 reports in a row"));
    }

    @Test
    void aFailureTakenOverFromBeforeARestartIsResolvedOnRecovery() {
        recorded.raise(new AlertRequest(KEY, "maintenance", "lampFailure",
                AlertSeverity.LOW, "old", lamp.id, null, T0.minusSeconds(3600)));
        failures.takeOver(lamp.id);
        failures.powerConsumption(lamp, 60.0, T0);
        assertFalse(KitAlerts.isActive(kit, KEY));
    }

    private static Lamp lamp(Boolean on, Double level) {
        Lamp lamp = new Lamp(EntityId.of("Streetlight", "lamp-007"));
        lamp.location = Location.of(4.9050, 52.3650);
        lamp.on = on;
        lamp.reported = level;
        return lamp;
    }
}
