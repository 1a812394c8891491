package nl.dijkwacht.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.notify.Notification;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The flood rule on Regie's test kit: the runtime's own alerts and notifications, the plugin's scope enforced. */
class FloodMonitorTest {

    static final Location AMSTEL = Location.of(4.9010, 52.3650); // gauge-01 in the simulated city
    static final Location PRINSENGRACHT = Location.of(4.8840, 52.3717); // gauge-04
    static final String[] POINTS = {
        "museumplein|Museumplein|4.8815|52.3581",
        "westermarkt|Westermarkt|4.8838|52.3747",
        "waterlooplein|Waterlooplein|4.9020|52.3676",
        "oosterpark|Oosterpark|4.9205|52.3604"};
    static final Instant START = Instant.parse("2026-06-01T06:00:00Z");

    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);
    private int minute;

    @AfterEach
    void close() {
        kit.close();
    }

    private Settings settings(Map<String, Object> config) {
        return Settings.from(kit.config(FloodWatcher.Config.class, config));
    }

    private FloodMonitor monitor(Map<String, Object> config) {
        return new FloodMonitor(settings(config), kit.alerts(), kit.notifications(), kit.log().logger()::warn);
    }

    private FloodMonitor monitor() {
        return monitor(Map.of("sandbag.points", POINTS, "gauge.names", new String[] {"gauge-01=Amstel"}));
    }

    private Reading reading(String gauge, Value value, String unit, Location where) {
        Instant at = START.plusSeconds(60L * minute++);
        return new Reading(EntityId.of("WaterObserved", gauge), "waterLevel", value, unit, at, at, "gauge", where);
    }

    private void feed(FloodMonitor monitor, String gauge, Location where, double... levels) {
        for (double level : levels) {
            monitor.onReading(reading(gauge, Value.of(level), "m", where));
        }
        kit.settle();
    }

    /** Every version of every alert the plugin raised, oldest first, as the city state saw them. */
    private List<AlertSeverity> severities() {
        return kit.published("Alert/+/severity").stream()
                .map(r -> AlertSeverity.valueOf(r.text().orElseThrow().toUpperCase(java.util.Locale.ROOT))).toList();
    }

    private List<String> resolved() {
        return kit.allAlerts().stream().filter(a -> !a.active()).map(Alert::key).toList();
    }

    @Test
    void raisesAboveTheLevelAndResolvesOnlyBelowTheHysteresis() {
        FloodMonitor monitor = monitor();

        feed(monitor, "gauge-01", AMSTEL, 1.30, 1.45);
        assertEquals(List.of(), kit.alerts().own(), "at the level is not above it");

        feed(monitor, "gauge-01", AMSTEL, 1.46);
        Alert raised = kit.alerts().own().get(0);
        assertEquals("flood-gauge-01", raised.key());
        assertEquals("naturalDisaster", raised.category());
        assertEquals("flood", raised.subCategory());
        assertEquals(AlertSeverity.HIGH, raised.severity());
        assertEquals(EntityId.of("WaterObserved", "gauge-01"), raised.about());
        assertEquals(AMSTEL, raised.location());
        assertEquals(START.plusSeconds(120), raised.validFrom(), "dated by the reading");
        assertEquals("Water at Amstel (gauge-01) is 1.46 m, above the flood level of 1.45 m", raised.description());

        feed(monitor, "gauge-01", AMSTEL, 1.44, 1.41, 1.40, 1.47);
        assertEquals(List.of(), resolved(), "1.40 is not below 1.45 - 0.05");
        assertEquals(List.of(AlertSeverity.HIGH), severities(), "no update while the severity stays the same");

        feed(monitor, "gauge-01", AMSTEL, 1.39);
        assertEquals(List.of("flood-gauge-01"), resolved());
        assertEquals(START.plusSeconds(60 * 7), kit.allAlerts().get(0).validTo());
        assertEquals(Map.of(), monitor.active());
    }

    @Test
    void aGaugeWithItsOwnLevelUsesIt() {
        FloodMonitor monitor = monitor(Map.of("flood.level.by.gauge", new String[] {"gauge-01=1.5"}));

        feed(monitor, "gauge-01", AMSTEL, 1.48);
        feed(monitor, "gauge-02", AMSTEL, 1.48);
        assertEquals(Map.of("flood-gauge-02", AlertSeverity.HIGH), monitor.active());

        feed(monitor, "gauge-01", AMSTEL, 1.52);
        feed(monitor, "gauge-01", AMSTEL, 1.46);
        assertEquals(List.of(), resolved(), "gauge-01 resolves below 1.45, not below 1.40");
        feed(monitor, "gauge-01", AMSTEL, 1.44);
        assertEquals(List.of("flood-gauge-01"), resolved());
    }

    @Test
    void escalatesToCriticalAndNotifiesOnceMoreThenStepsBackWithHysteresis() {
        FloodMonitor monitor = monitor();

        feed(monitor, "gauge-01", AMSTEL, 1.50, 1.60, 1.80, 1.81, 1.85, 1.76);
        assertEquals(List.of(AlertSeverity.HIGH, AlertSeverity.CRITICAL), severities(), "1.76 is within the hysteresis");
        assertEquals(2, kit.sent().size());
        assertEquals("Severe flood warning: Amstel (gauge-01)", kit.sent().get(1).subject());
        assertEquals("Water at Amstel (gauge-01) is 1.81 m, above the critical level of 1.80 m",
                kit.alerts().own().get(0).description());

        feed(monitor, "gauge-01", AMSTEL, 1.74, 1.60);
        assertEquals(List.of(AlertSeverity.HIGH, AlertSeverity.CRITICAL, AlertSeverity.HIGH), severities());
        assertEquals(2, kit.sent().size(), "stepping back to HIGH notifies nobody");
    }

    @Test
    void aFirstReadingAboveCriticalRaisesCriticalWithOneNotification() {
        feed(monitor(), "gauge-01", AMSTEL, 1.90);

        assertEquals(List.of(AlertSeverity.CRITICAL), severities());
        assertEquals(1, kit.sent().size());
    }

    @Test
    void exactlyOneNotificationPerRaiseNamingTheNearestPoint() {
        FloodMonitor monitor = monitor();

        feed(monitor, "gauge-01", AMSTEL, 1.52, 1.55, 1.60, 1.58);
        assertEquals(1, kit.sent().size());
        Notification notice = kit.sent().get(0);
        // Amstel (4.9010, 52.3650) to Waterlooplein (4.9020, 52.3676), by hand: 111,195 m a degree of latitude;
        // north 0.0026 deg = 289.1 m, east 0.0010 deg x cos(52.366 deg) 0.6106 = 67.9 m; sqrt(289.1^2 + 67.9^2) = 297 m.
        assertEquals("Flood warning: Amstel (gauge-01)", notice.subject());
        assertEquals("The water at Amstel (gauge-01) is 1.52 m, above the flood level of 1.45 m. "
                + "Nearest sandbag point: Waterlooplein, 297 m from the gauge.", notice.message());
        assertEquals(AMSTEL, notice.audience().center());
        assertEquals(500, notice.audience().radiusMetres());
        assertEquals("within 500 m of Amstel (gauge-01)", notice.audience().description());
        assertEquals(EntityId.of("Alert", "flood-gauge-01"), notice.about());
        assertEquals(Settings.PID, notice.source());

        feed(monitor, "gauge-01", AMSTEL, 1.30, 1.50);
        assertEquals(2, kit.sent().size(), "raised again after it was resolved: notified again");
    }

    @Test
    void theNearestPointDependsOnTheGauge() {
        feed(monitor(), "gauge-04", PRINSENGRACHT, 1.50);

        // Prinsengracht (4.8840, 52.3717) to Westermarkt (4.8838, 52.3747), by hand: north 0.0030 deg = 333.6 m,
        // west 0.0002 deg x 0.6105 x 111,195 = 13.6 m; sqrt(333.6^2 + 13.6^2) = 333.9 m.
        assertEquals("The water at gauge-04 is 1.50 m, above the flood level of 1.45 m. "
                + "Nearest sandbag point: Westermarkt, 334 m from the gauge.", kit.sent().get(0).message());
        assertEquals("Flood warning: gauge-04", kit.sent().get(0).subject());
    }

    @Test
    void withoutSandbagPointsTheNoticeSaysSo() {
        feed(monitor(Map.of()), "gauge-01", AMSTEL, 1.50);

        assertEquals("The water at gauge-01 is 1.50 m, above the flood level of 1.45 m. "
                + "No sandbag point has been set up.", kit.sent().get(0).message());
    }

    @Test
    void aGaugeWithoutLocationRaisesTheAlertButNotifiesNobody() {
        feed(monitor(), "gauge-09", null, 1.50, 1.55);

        assertEquals(1, kit.alerts().own().size());
        assertEquals(null, kit.alerts().own().get(0).location());
        assertEquals(List.of(), kit.sent());
        assertEquals(List.of("Flood alert flood-gauge-09 raised, but residents are not notified: gauge gauge-09 has "
                + "not reported its location"), kit.log().messages("warn"));
    }

    @Test
    void aGaugeKeepsItsLastKnownLocation() {
        FloodMonitor monitor = monitor();

        feed(monitor, "gauge-01", AMSTEL, 1.20);
        feed(monitor, "gauge-01", null, 1.50);

        assertEquals(AMSTEL, kit.sent().get(0).audience().center());
    }

    @Test
    void badReadingsAreIgnoredAndWarnedAboutEachTime() {
        FloodMonitor monitor = monitor();

        monitor.onReading(reading("gauge-01", Value.of("high"), "m", AMSTEL));
        monitor.onReading(reading("gauge-01", Value.of("high"), "m", AMSTEL));
        monitor.onReading(reading("gauge-02", Value.of(152), "cm", AMSTEL));
        kit.settle();

        assertEquals(List.of(), kit.alerts().own());
        assertEquals(List.of("Flood plugin ignores WaterObserved/gauge-01/waterLevel: expected a number in m, got high m",
                "Flood plugin ignores WaterObserved/gauge-01/waterLevel: expected a number in m, got high m",
                "Flood plugin ignores WaterObserved/gauge-02/waterLevel: expected a number in m, got 152.0 cm"),
                kit.log().messages("warn"));
    }

    @Test
    void newSettingsKeepTheActiveAlerts() {
        FloodMonitor monitor = monitor();
        feed(monitor, "gauge-01", AMSTEL, 1.50);

        monitor.apply(settings(Map.of("flood.level", 1.6, "critical.level", 2.0)));
        feed(monitor, "gauge-01", AMSTEL, 1.56);
        assertEquals(Map.of("flood-gauge-01", AlertSeverity.HIGH), monitor.active());
        assertEquals(1, kit.sent().size());

        feed(monitor, "gauge-01", AMSTEL, 1.54);
        assertEquals(List.of("flood-gauge-01"), resolved(), "the new level minus the hysteresis");
    }

    @Test
    void theNextVersionTakesOverItsAlertsWithoutNotifyingAgain() {
        feed(monitor(), "gauge-01", AMSTEL, 1.85);
        assertEquals(1, kit.sent().size());

        FloodMonitor next = monitor(); // a new instance on the same runtime: what an update makes
        assertEquals(Map.of("flood-gauge-01", AlertSeverity.CRITICAL), next.active());
        feed(next, "gauge-01", AMSTEL, 1.86, 1.70);

        assertEquals(1, kit.sent().size());
        assertEquals(List.of(AlertSeverity.CRITICAL, AlertSeverity.HIGH), severities());
    }
}
