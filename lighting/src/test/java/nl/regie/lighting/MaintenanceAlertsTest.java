package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

class MaintenanceAlertsTest {

    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-007");
    private static final Location WHERE = Location.of(4.9050, 52.3650);
    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    private final Alerts recorded = kit.alerts();

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final Logger log = kit.log().logger();

    @Test
    void anAlertIsAMaintenanceAlertOfLowSeverityAboutTheLamp() {
        MaintenanceAlerts alerts = new MaintenanceAlerts(recorded, log);
        alerts.raise("lamp-failure-lamp-007", "lampFailure", "It failed", LAMP, WHERE, T0);
        Alert alert = KitAlerts.get(kit, "lamp-failure-lamp-007").orElseThrow();
        assertEquals("maintenance", alert.category());
        assertEquals("lampFailure", alert.subCategory());
        assertEquals(AlertSeverity.LOW, alert.severity());
        assertEquals("It failed", alert.description());
        assertEquals(LAMP, alert.about());
        assertEquals(WHERE, alert.location());
        assertEquals(T0, alert.validFrom());

        alerts.resolve("lamp-failure-lamp-007", T0.plusSeconds(60));
        assertFalse(KitAlerts.isActive(kit, "lamp-failure-lamp-007"));
        assertEquals(T0.plusSeconds(60), KitAlerts.get(kit, "lamp-failure-lamp-007").orElseThrow().validTo());
    }

    @Test
    void aLongDescriptionIsCutToWhatAnAlertTakes() {
        new MaintenanceAlerts(recorded, log).raise("k", "lampFailure", "x".repeat(600), LAMP, WHERE, T0);
        String description = KitAlerts.raised(kit).get(0).description();
        assertEquals(500, description.length());
        assertTrue(description.endsWith("x..."), description.substring(490));
        new MaintenanceAlerts(recorded, log).raise("k", "lampFailure", "y".repeat(500), LAMP, WHERE, T0);
        assertEquals("y".repeat(500), KitAlerts.raised(kit).get(1).description(), "500 fits");
    }

    @Test
    void aKeyIsThePrefixAndTheLampIdInCharactersKeysTake() {
        assertEquals("command-failed-lamp-001", MaintenanceAlerts.key("command-failed-", EntityId.of("Streetlight", "lamp-001")));
        assertEquals("lamp-failure-dam_1_north", MaintenanceAlerts.key("lamp-failure-", EntityId.of("Streetlight", "dam:1:north")));
        String longKey = MaintenanceAlerts.key("lamp-failure-", EntityId.of("Streetlight", "l".repeat(128)));
        assertEquals(128, longKey.length());
        assertTrue(longKey.startsWith("lamp-failure-lll"));
    }

    @Test
    void aServiceThatRefusesBecomesARateLimitedWarningNotAnException() {
        MaintenanceAlerts alerts = new MaintenanceAlerts(new Alerts() {
            @Override
            public Alert raise(AlertRequest request) {
                throw new IllegalStateException("another plugin has " + request.key());
            }

            @Override
            public Optional<Alert> resolve(String key, Instant at) {
                throw new IllegalStateException("alerts are down");
            }

            @Override
            public List<Alert> active() {
                return List.of();
            }

            @Override
            public List<Alert> own() {
                return List.of();
            }
        }, log);
        assertDoesNotThrow(() -> alerts.raise("lamp-failure-lamp-007", "lampFailure", "It failed", LAMP, WHERE, T0));
        assertDoesNotThrow(() -> alerts.raise("lamp-failure-lamp-007", "lampFailure", "It failed", LAMP, WHERE, T0));
        assertDoesNotThrow(() -> alerts.resolve("command-failed-lamp-007", T0));
        assertEquals(List.of("Could not raise alert lamp-failure-lamp-007: another plugin has lamp-failure-lamp-007",
                "Could not raise alert lamp-failure-lamp-007: another plugin has lamp-failure-lamp-007",
                "Could not resolve alert command-failed-lamp-007: alerts are down"), kit.log().messages("warn"));
    }
}
