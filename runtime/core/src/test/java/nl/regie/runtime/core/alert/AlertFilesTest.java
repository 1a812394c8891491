package nl.regie.runtime.core.alert;

import static nl.regie.runtime.core.alert.AlertStoreTest.T0;
import static nl.regie.runtime.core.alert.AlertStoreTest.WASTE;
import static nl.regie.runtime.core.alert.AlertStoreTest.fire;
import static nl.regie.runtime.core.alert.AlertStoreTest.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.alert.AlertFilter;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts, active and resolved, kept in a state folder across a crash and a clean stop. */
class AlertFilesTest {

    private static final AlertFilter ALL = new AlertFilter(AlertFilter.State.ALL, null, null);

    @TempDir
    Path state;

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime", "0.1.0", 1));

    @AfterEach
    void close() {
        bus.close();
    }

    private AlertService open() {
        AlertService service = new AlertService(new AlertStore(), bus, city, Clock.fixed(T0, ZoneOffset.UTC),
                log.logger());
        service.keepIn(state.resolve("alerts"));
        return service;
    }

    @Test
    void activeAlertsAndTheirHistoryComeBackAfterACrash() {
        AlertService before = open();
        before.raise(WASTE, fire(AlertSeverity.HIGH, 0));
        before.raise(WASTE, fire(AlertSeverity.CRITICAL, 5));
        before.resolve(WASTE, "fire-bin-007", T0.plusSeconds(900));
        before.raise(WASTE, fire(AlertSeverity.LOW, 20)); // the same key raised again: a new episode
        before.raise(WASTE, request("full-bin-9", "environment", AlertSeverity.MEDIUM, 3));
        before.raise(WASTE, request("full-bin-10", "environment", AlertSeverity.LOW, 4));
        before.resolve(WASTE, "full-bin-10", T0.plusSeconds(1200));
        // Not deactivated: killed.

        AlertService after = open();
        assertEquals(before.active(), after.active());
        assertEquals(List.of("fire-bin-007", "full-bin-9"), after.active().stream().map(Alert::key).sorted().toList());
        List<Alert> resolved = after.query(ALL, 0, 100).alerts().stream()
                .filter(a -> !a.active()).toList();
        assertEquals(List.of("full-bin-10", "fire-bin-007"), resolved.stream().map(Alert::key).toList(),
                "the history, most recently resolved first");
        assertEquals(T0.plusSeconds(900), resolved.get(1).validTo());
        assertEquals(AlertSeverity.CRITICAL, resolved.get(1).severity());
        assertTrue(log.messages("info").stream().anyMatch(m -> m.contains("Alerts restored from")
                && m.contains("2 active, 2 resolved")), log.entries().toString());
        after.deactivate();
        before.deactivate();

        AlertService again = open(); // after a clean stop: from the snapshot
        assertEquals(after.active(), again.active());
        assertEquals(after.query(ALL, 0, 100),
                again.query(ALL, 0, 100));
        again.deactivate();
    }
}
