package nl.regie.runtime.pub;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.Location;
import nl.regie.runtime.core.alert.AlertService;
import nl.regie.runtime.core.alert.AlertStore;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.pub.cap.CapFeed;
import nl.regie.runtime.pub.cap.CapMessage;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed follows alerts as they change, on the real bus and alert service: raised, changed and ended, each message
 * issued when it happens, not when the feed is read; a new component instance on the same folder issues nothing again.
 */
class AlertFeedServletTest {

    private static final Instant T0 = Instant.parse("2030-03-01T06:00:00Z");
    private static final Location AMSTEL = Location.of(4.9045, 52.3665);
    private static final String FLOOD = "nl.dijkwacht.flood";
    private static final Owner PUBLIC = new Owner("nl.regie.runtime.public", "0.1.0", 7);

    @TempDir
    Path state;
    private final RecordingLogger log = new RecordingLogger();
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime", "0.1.0", 1));
    private final AlertService alerts = new AlertService(new AlertStore(), bus, city, clock, log.logger());
    private AlertFeedServlet servlet;

    @AfterEach
    void close() {
        if (servlet != null) {
            servlet.deactivate();
        }
        bus.close();
    }

    private AlertFeedServlet start() {
        servlet = new AlertFeedServlet(config(Map.of("alertCategories", new String[] {"naturalDisaster/flood"})),
                "demo", state, alerts, city, bus, PUBLIC, log.logger(), clock);
        return servlet;
    }

    private void raise(String key, AlertSeverity severity, String description, int minute) {
        alerts.raise(FLOOD, new AlertRequest(key, "naturalDisaster", "flood", severity, description, null, AMSTEL,
                T0.plusSeconds(60L * minute)));
    }

    private static List<String> types(CapFeed feed) {
        return feed.latest(10).stream().map(m -> m.alertKey() + ":" + m.msgType()).sorted().toList();
    }

    @Test
    void eachChangeOfAnAlertIssuesItsMessageAsItHappensAndARestartIssuesNothingAgain() {
        CapFeed feed = start().feed();
        raise("flood-gauge-01", AlertSeverity.HIGH, "Water at Amstel is 1.52 m", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> types(feed), t -> t.equals(List.of(
                "flood-gauge-01:Alert")));
        raise("flood-gauge-01", AlertSeverity.CRITICAL, "Water at Amstel is 1.85 m", 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> types(feed), t -> t.equals(List.of(
                "flood-gauge-01:Update")));
        alerts.resolve(FLOOD, "flood-gauge-01", T0.plusSeconds(3600));
        await().atMost(Duration.ofSeconds(10)).until(() -> types(feed), t -> t.equals(List.of(
                "flood-gauge-01:Cancel")));
        CapMessage cancel = feed.latest(1).get(0);
        assertEquals(2, cancel.references().size(), cancel.references().toString());
        assertEquals(3, feed.issued());

        servlet.deactivate();
        raise("flood-gauge-02", AlertSeverity.HIGH, "Water at the IJ is 1.40 m", 70); // while the feed is down
        CapFeed again = start().feed();
        assertEquals(List.of("flood-gauge-01:Cancel", "flood-gauge-02:Alert"), types(again),
                "a new instance keeps what was issued and catches up on what it missed");
        assertEquals(1, again.issued(), "only the alert raised while it was down is new");
        assertEquals(cancel, again.message(cancel.identifier()).orElseThrow());

        servlet.deactivate();
        alerts.resolve(FLOOD, "flood-gauge-02", T0.plusSeconds(7200)); // ended while the feed is down
        CapFeed third = start().feed();
        assertEquals(List.of("flood-gauge-01:Cancel", "flood-gauge-02:Cancel"), types(third),
                "an alert that ended while the feed was down gets its Cancel at the next start");
        assertEquals(1, third.issued());
    }

    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Map<String, Object> overrides) {
        Class<PublicSettings> type = PublicSettings.class;
        Map<String, Object> values = new HashMap<>(overrides);
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "config " + overrides;
                case "annotationType" -> type;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        });
    }
}
