package nl.regie.runtime.core.alert;

import static nl.regie.runtime.core.alert.AlertStoreTest.BIN;
import static nl.regie.runtime.core.alert.AlertStoreTest.HERE;
import static nl.regie.runtime.core.alert.AlertStoreTest.T0;
import static nl.regie.runtime.core.alert.AlertStoreTest.WASTE;
import static nl.regie.runtime.core.alert.AlertStoreTest.fire;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import nl.regie.runtime.core.limits.PluginQuota;
import nl.regie.runtime.spi.alert.RuntimeAlerts;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/** The alerts service and a plugin's view of it, on a real bus and city state. */
class AlertServiceTest {

    private static final Instant WALL = Instant.parse("2026-06-01T12:00:00Z");
    private static final Owner RUNTIME = new Owner("nl.regie.runtime", "0.1.0", 1);

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final CityStateComponent cityState = new CityStateComponent(bus, RUNTIME);
    private final Queue<Reading> published = new ConcurrentLinkedQueue<>();
    private final AlertService service = new AlertService(new AlertStore(), bus, cityState,
            Clock.fixed(WALL, ZoneOffset.UTC), log.logger());
    private final BundleAlerts waste = new BundleAlerts(service, WASTE, PluginQuota.UNLIMITED);

    AlertServiceTest() {
        bus.subscribe(new Owner("test", "1.0.0", 99), List.of("Alert/#"), published::add);
    }

    @AfterEach
    void close() {
        bus.close();
    }

    /** Waits for {@code count} alert readings in all, and returns the last ones, by attribute. */
    private Map<String, Reading> awaitReadings(int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() >= count);
        assertEquals(count, published.size());
        List<Reading> all = new ArrayList<>(published);
        Map<String, Reading> last = new TreeMap<>();
        all.forEach(r -> last.put(r.attribute(), r));
        return last;
    }

    private static String text(Map<String, Reading> readings, String attribute) {
        return ((Value.Text) readings.get(attribute).value()).value();
    }

    @Test
    void theRuntimesOwnAlertsAreItsAloneAndNoPluginCanTouchThem() {
        Alert alert = service.raise(AlertStoreTest.request("config-changed-x", "security", AlertSeverity.HIGH, 0));
        assertEquals(RuntimeAlerts.SOURCE, alert.source());
        assertEquals("regie:runtime", awaitReadings(8).get("active").source());

        assertEquals(Optional.empty(), waste.resolve("config-changed-x", T0.plusSeconds(60)));
        IllegalStateException taken = assertThrows(IllegalStateException.class,
                () -> waste.raise(AlertStoreTest.request("config-changed-x", "security", AlertSeverity.LOW, 1)));
        assertTrue(taken.getMessage().contains("regie:runtime"), taken.getMessage());
        assertTrue(service.find("config-changed-x").orElseThrow().active());

        assertTrue(service.resolve("config-changed-x", T0.plusSeconds(60)).isPresent());
        assertFalse(service.find("config-changed-x").orElseThrow().active());
    }

    @Test
    void aRaisedAlertIsPublishedAsReadingsOfItsEntityUnderThePlugin() {
        Alert alert = waste.raise(fire(AlertSeverity.HIGH, 0));

        assertEquals(WASTE, alert.source());
        Map<String, Reading> readings = awaitReadings(8);
        assertEquals(List.of("active", "alertSource", "category", "description", "severity", "subCategory", "validFrom",
                "validTo"), List.copyOf(readings.keySet()));
        assertEquals("", text(readings, "validTo"), "empty while active");
        assertEquals("security", text(readings, "category"));
        assertEquals("fire", text(readings, "subCategory"));
        assertEquals("high", text(readings, "severity"));
        assertEquals("Bin 007 is burning", text(readings, "description"));
        assertEquals("urn:ngsi-ld:WasteContainer:bin-007", text(readings, "alertSource"));
        assertEquals("2026-06-01T10:00:00Z", text(readings, "validFrom"));
        assertEquals(Value.of(true), readings.get("active").value());
        for (Reading reading : readings.values()) {
            assertEquals(EntityId.of("Alert", "fire-bin-007"), reading.entity());
            assertEquals("Alert/fire-bin-007/" + reading.attribute(), reading.topic());
            assertEquals(WASTE, reading.source());
            assertEquals(T0, reading.observedAt());
            assertEquals(WALL, reading.receivedAt());
            assertEquals(HERE, reading.location());
            assertEquals("", reading.unit());
        }
        assertEquals(Map.of(WASTE, 8L), bus.publishedBy());
        assertEquals(List.of("Alert fire-bin-007 raised by nl.regie.waste: high security/fire: Bin 007 is burning"),
                log.messages("info"));
    }

    @Test
    void anUnchangedRaisePublishesAndLogsNothing() {
        Alert first = waste.raise(fire(AlertSeverity.HIGH, 0));
        Alert again = waste.raise(fire(AlertSeverity.HIGH, 1));

        assertEquals(first, again);
        assertEquals(Map.of(WASTE, 8L), bus.publishedBy());
        assertEquals(1, log.messages("info").size());
    }

    @Test
    void anUpdateIsPublishedAndASeverityChangeLogged() {
        waste.raise(fire(AlertSeverity.HIGH, 0));
        waste.raise(fire(AlertSeverity.CRITICAL, 2));

        Map<String, Reading> readings = awaitReadings(16);
        assertEquals("critical", text(readings, "severity"));
        assertEquals("2026-06-01T10:00:00Z", text(readings, "validFrom"));
        assertEquals(T0.plusSeconds(120), readings.get("severity").observedAt());
        assertEquals("Alert fire-bin-007 of nl.regie.waste is now critical (was high): Bin 007 is burning",
                log.messages("info").get(1));
    }

    @Test
    void aResolvedAlertIsPublishedWithValidToAndInactive() {
        waste.raise(fire(AlertSeverity.HIGH, 0));

        Optional<Alert> resolved = waste.resolve("fire-bin-007", T0.plusSeconds(600));

        assertTrue(resolved.isPresent());
        Map<String, Reading> readings = awaitReadings(16);
        assertEquals("2026-06-01T10:10:00Z", text(readings, "validTo"));
        assertEquals(Value.of(false), readings.get("active").value());
        assertEquals(T0.plusSeconds(600), readings.get("active").observedAt());
        assertEquals(List.of(), waste.active());
        assertEquals("Alert fire-bin-007 resolved by nl.regie.waste: Bin 007 is burning", log.messages("info").get(1));
        assertEquals(Optional.empty(), waste.resolve("fire-bin-007", T0.plusSeconds(700)));
        assertEquals(2, log.messages("info").size());
    }

    @Test
    void withoutALocationTheAlertTakesTheLocationOfWhatItIsAbout() {
        Location bin = Location.of(4.8951, 52.3702);
        bus.publish("device", Reading.of(BIN, "temperature", Value.of(80), "Cel", "bin-007").withLocation(bin));
        await().atMost(Duration.ofSeconds(5)).until(() -> cityState.entity(BIN).isPresent());

        Alert alert = waste.raise(new AlertRequest("fire-bin-007", "security", "fire", AlertSeverity.HIGH,
                "Bin 007 is burning", BIN, null, T0));

        assertEquals(bin, alert.location());
        assertEquals(bin, awaitReadings(8).get("active").location());
        Alert nowhere = waste.raise(new AlertRequest("unknown-place", "security", "", AlertSeverity.LOW,
                "Somewhere unknown", EntityId.of("WasteContainer", "bin-999"), null, T0));
        assertNull(nowhere.location());
    }

    @Test
    void aPluginCannotTakeOverOrResolveAnotherPluginsAlert() {
        waste.raise(fire(AlertSeverity.HIGH, 0));
        BundleAlerts other = new BundleAlerts(service, "nl.example.other", PluginQuota.UNLIMITED);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.raise(fire(AlertSeverity.LOW, 1)));

        assertTrue(e.getMessage().contains("raised by nl.regie.waste"), e.getMessage());
        assertEquals(Optional.empty(), other.resolve("fire-bin-007", T0.plusSeconds(60)));
        assertEquals(List.of(WASTE), other.active().stream().map(Alert::source).toList(), "every plugin sees all alerts");
        assertFalse(bus.publishedBy().containsKey("nl.example.other"));
    }

    @Test
    void aPluginsOwnAlertsAreItsActiveOnesOnly() {
        waste.raise(fire(AlertSeverity.HIGH, 0));
        waste.raise(AlertStoreTest.request("full-bin-001", "maintenance", AlertSeverity.LOW, 1));
        BundleAlerts mobility = new BundleAlerts(service, "nl.regie.mobility", PluginQuota.UNLIMITED);
        mobility.raise(AlertStoreTest.request("crowd-1", "security", AlertSeverity.HIGH, 2));
        waste.resolve("full-bin-001", T0.plusSeconds(60));

        assertEquals(List.of("fire-bin-007"), waste.own().stream().map(Alert::key).toList());
        assertEquals(List.of("crowd-1"), mobility.own().stream().map(Alert::key).toList());
        assertEquals(3 - 1, service.active().size());
    }

    @Test
    void aRemovedPluginsAlertsAreResolvedAsOfTheirLastUpdate() {
        waste.raise(fire(AlertSeverity.HIGH, 0));
        waste.raise(AlertStoreTest.request("full-bin-001", "maintenance", AlertSeverity.LOW, 1));
        new BundleAlerts(service, "nl.regie.mobility", PluginQuota.UNLIMITED).raise(AlertStoreTest.request("crowd-1", "security",
                AlertSeverity.HIGH, 2));

        service.pluginRemoved(WASTE);

        assertEquals(List.of("crowd-1"), service.active().stream().map(Alert::key).toList());
        Alert resolved = service.find("fire-bin-007").orElseThrow();
        assertEquals(resolved.validFrom(), resolved.validTo(), "dated in the plugin's clock, not the wall clock");
        assertNotEquals(WALL, resolved.validTo());
        assertEquals("Plugin nl.regie.waste was uninstalled; resolved its 2 active alert(s): fire-bin-007, full-bin-001",
                log.messages("info").get(3));
        Map<String, Reading> readings = awaitReadings(8 * 5);
        assertEquals(WASTE, readings.get("validTo").source());
    }

    @Test
    void anUninstallResolvesThePluginsAlertsButAnUpdateDoesNot() {
        List<BundleListener> listeners = new ArrayList<>();
        List<Bundle> installed = new ArrayList<>();
        AlertService framed = new AlertService(bus, cityState, log.logger(), context(listeners, installed));
        Bundle plugin = bundle(WASTE, 42);
        installed.add(plugin);
        new BundleAlerts(framed, WASTE, PluginQuota.UNLIMITED).raise(fire(AlertSeverity.HIGH, 0));
        assertEquals(1, listeners.size());

        listeners.get(0).bundleChanged(new BundleEvent(BundleEvent.UPDATED, plugin));
        listeners.get(0).bundleChanged(new BundleEvent(BundleEvent.STOPPED, plugin));
        assertEquals(1, framed.active().size(), "an update or a stop keeps the alert");

        Bundle secondCopy = bundle(WASTE, 43);
        installed.add(secondCopy);
        installed.remove(plugin);
        listeners.get(0).bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, plugin));
        assertEquals(1, framed.active().size(), "another bundle with the name is still installed");

        installed.remove(secondCopy);
        listeners.get(0).bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, secondCopy));
        assertEquals(List.of(), framed.active());
        assertFalse(framed.find("fire-bin-007").orElseThrow().active());

        framed.deactivate();
        assertEquals(List.of(), listeners);
    }

    private static BundleContext context(List<BundleListener> listeners, List<Bundle> installed) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "addBundleListener" -> listeners.add((BundleListener) args[0]);
                    case "removeBundleListener" -> listeners.remove(args[0]);
                    case "getBundles" -> installed.toArray(new Bundle[0]);
                    case "getProperty" -> null; // no regie.state.dir: the alerts stay in memory
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "BundleContext";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Bundle bundle(String symbolicName, long id) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getBundleId" -> id;
                    case "getState" -> Bundle.ACTIVE;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> symbolicName + " [" + id + "]";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
