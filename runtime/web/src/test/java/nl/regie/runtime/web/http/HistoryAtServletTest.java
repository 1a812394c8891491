package nl.regie.runtime.web.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.alert.AlertService;
import nl.regie.runtime.core.alert.AlertStore;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.history.HistoryComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.web.access.Caller;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /api/history/at} on the real bus, history (DuckDB in memory) and alert service: the city as it was at a
 * time, its alerts open then, as each caller may see them; bad parameters are 400 problems naming the parameter. The
 * clocks are fixed: today's date never matters.
 */
class HistoryAtServletTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Owner RUNTIME = new Owner("nl.regie.runtime", "0.1.0", 1);
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    static final EntityId FAR_BIN = EntityId.of("WasteContainer", "bin-2");
    static final EntityId LAMP = EntityId.of("Streetlight", "lamp-1");
    static final Location HERE = Location.of(4.90, 52.37);
    static final Location FAR = Location.of(5.50, 52.00);

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(new BusSettings(10_000, Duration.ofSeconds(30), 10), log.logger());
    private final CityStateComponent city = new CityStateComponent(bus, RUNTIME);
    private final AlertService alerts = new AlertService(new AlertStore(), bus, city, CLOCK, log.logger());
    private HistoryComponent history;
    private HistoryAtServlet servlet;

    @BeforeEach
    void start() throws Exception {
        history = new HistoryComponent(bus, RUNTIME, null, HistoryComponent.config(Map.of("memoryLimitMb", 32,
                "threads", 1)), CLOCK, log.logger());
        servlet = new HistoryAtServlet(history, alerts, SamePartyPolicy.INSTANCE, CLOCK);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = NOW.minus(Duration.ofMinutes(60 - i));
            readings.add(new Reading(BIN, "fillingLevel", Value.of(i / 100.0), "/", at, at, "bin-device", HERE));
            readings.add(new Reading(FAR_BIN, "fillingLevel", Value.of(0.5), "/", at, at, "bin-device", FAR));
        }
        // A second source of the same attribute, between two of the device's readings.
        Instant between = NOW.minus(Duration.ofMinutes(30)).minusSeconds(10);
        readings.add(new Reading(BIN, "fillingLevel", Value.of(0.99), "/", between, between, "recalibrator", HERE));
        readings.add(new Reading(BIN, "status", Value.of("ok"), "", NOW.minusSeconds(30), NOW.minusSeconds(30),
                "bin-device", HERE));
        readings.add(new Reading(LAMP, "illuminanceLevel", Value.of(0.3), "/", NOW.minusSeconds(90),
                NOW.minusSeconds(90), "lamp-device", HERE));
        readings.forEach(r -> bus.publish(r.source(), r));
        alerts.raise("nl.regie.waste", new AlertRequest("fire-bin-1", "fire", "bin", AlertSeverity.HIGH, "Fire in bin-1",
                BIN, HERE, NOW.minus(Duration.ofMinutes(40))));
        alerts.resolve("nl.regie.waste", "fire-bin-1", NOW.minus(Duration.ofMinutes(20)));
        alerts.raise("nl.regie.waste", new AlertRequest("full-bin-2", "waste", "full", AlertSeverity.LOW, "bin-2 full",
                FAR_BIN, FAR, NOW.minus(Duration.ofMinutes(10))));
        // The alert service publishes each alert change on the bus too: 8 readings per change.
        int expected = readings.size() + 3 * 8;
        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() >= expected);
    }

    @AfterEach
    void stop() throws InterruptedException {
        history.close();
        bus.close();
    }

    private ServletFakes.Response at(Caller caller, String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.as(caller, ServletFakes.get("/api/history/at", null, query)), response.servlet);
        return response;
    }

    private static JsonNode entity(JsonNode body, EntityId id) {
        for (JsonNode entity : body.get("entities")) {
            if (entity.get("id").textValue().equals(id.toString())) {
                return entity;
            }
        }
        return null;
    }

    private static List<String> alertKeys(JsonNode body) {
        List<String> keys = new ArrayList<>();
        body.get("alerts").forEach(a -> keys.add(a.get("key").textValue()));
        return keys;
    }

    @Test
    void eachAttributeAsItWasLastObservedAtOrBeforeTheTime() throws Exception {
        ServletFakes.Response response = at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T11:30:00Z", "type",
                "WasteContainer,Streetlight");

        assertEquals(200, response.status, response.text());
        JsonNode body = response.json();
        assertEquals("2031-05-04T11:30:00Z", body.get("time").textValue());
        assertEquals("PT1H", body.get("lookBack").textValue());
        assertEquals("2031-05-04T10:30:00Z", body.get("from").textValue());
        assertEquals("[\"WasteContainer\",\"Streetlight\"]", body.get("types").toString());
        JsonNode bin = entity(body, BIN);
        // The device's reading at exactly 11:30 counts; the status, observed at 11:59:30, was not there yet.
        assertEquals(0.30, bin.at("/attributes/fillingLevel/value").doubleValue());
        assertEquals("2031-05-04T11:30:00Z", bin.at("/attributes/fillingLevel/observedAt").textValue());
        assertEquals("bin-device", bin.at("/attributes/fillingLevel/source").textValue());
        assertTrue(bin.at("/attributes/status").isMissingNode(), bin.toString());
        assertEquals("[4.9,52.37]", bin.at("/location/coordinates").toString());
        assertEquals(0.5, entity(body, FAR_BIN).at("/attributes/fillingLevel/value").doubleValue());
        // The lamp reported first at 11:58:30.
        assertEquals(null, entity(body, LAMP));

        // Five seconds before 11:30 the other source's reading (11:29:50) is the newest of the two.
        JsonNode earlier = entity(at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T11:29:55Z", "type", "WasteContainer")
                .json(), BIN);
        assertEquals(0.99, earlier.at("/attributes/fillingLevel/value").doubleValue());
        assertEquals("recalibrator", earlier.at("/attributes/fillingLevel/source").textValue());

        // Now (the default time): the newest of everything, text too.
        JsonNode now = at(Caller.LOCAL_OPERATOR, "type", "WasteContainer,Streetlight").json();
        assertEquals("ok", entity(now, BIN).at("/attributes/status/value").textValue());
        assertEquals(0.59, entity(now, BIN).at("/attributes/fillingLevel/value").doubleValue());
        assertEquals(0.3, entity(now, LAMP).at("/attributes/illuminanceLevel/value").doubleValue());
    }

    @Test
    void theLookBackAreaAndAttributesBoundWhatIsFound() throws Exception {
        // Two hours after the last reading: nothing within the default hour, everything within six.
        String later = "2031-05-04T14:00:00Z";
        assertEquals(0, at(Caller.LOCAL_OPERATOR, "time", later, "type", "WasteContainer").json().get("entities")
                .size());
        JsonNode wide = at(Caller.LOCAL_OPERATOR, "time", later, "type", "WasteContainer", "lookBack", "6h").json();
        assertEquals(2, wide.get("entities").size());
        assertEquals("PT6H", wide.get("lookBack").textValue());
        // Before the first reading: nothing.
        assertEquals(0, at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T10:59:59Z", "type", "WasteContainer").json()
                .get("entities").size());

        JsonNode inside = at(Caller.LOCAL_OPERATOR, "type", "WasteContainer", "bbox", "4.8,52.3,5.0,52.4", "attrs",
                "status").json();
        assertEquals(1, inside.get("entities").size());
        assertEquals(List.of("status"), fieldNames(entity(inside, BIN).get("attributes")));
        // The area selects the alerts too: bin-2's is outside it.
        assertEquals(List.of(), alertKeys(inside));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theAlertsOpenAtTheTime() throws Exception {
        assertEquals(List.of(), alertKeys(at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T11:19:59Z", "type",
                "WasteContainer").json()));
        JsonNode during = at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T11:20:00Z", "type", "WasteContainer").json();
        assertEquals(List.of("fire-bin-1"), alertKeys(during));
        JsonNode fire = during.get("alerts").get(0);
        assertEquals("high", fire.get("severity").textValue());
        assertEquals(BIN.toString(), fire.get("about").textValue());
        assertEquals("2031-05-04T11:40:00Z", fire.get("validTo").textValue());
        // Resolved at 11:40: open until just before it.
        assertEquals(List.of("fire-bin-1"), alertKeys(at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T11:39:59.999Z",
                "type", "WasteContainer").json()));
        assertEquals(List.of(), alertKeys(at(Caller.LOCAL_OPERATOR, "time", "2031-05-04T11:40:00Z", "type",
                "WasteContainer").json()));
        assertEquals(List.of("full-bin-2"), alertKeys(at(Caller.LOCAL_OPERATOR, "type", "WasteContainer").json()));
    }

    @Test
    void onlyWhatTheCallersPartyAndTokenMaySee() throws Exception {
        Caller sameParty = new Caller("bins-app", AccessPolicy.DEFAULT_PARTY, Set.of("read:WasteContainer"));
        Caller otherParty = new Caller("police-app", "police", Set.of("read:*"));
        Caller otherType = new Caller("lamps-app", AccessPolicy.DEFAULT_PARTY, Set.of("read:Streetlight"));
        String[] query = {"time", "2031-05-04T11:30:00Z", "type", "WasteContainer,Streetlight"};

        JsonNode same = at(sameParty, query).json();
        assertEquals(2, same.get("entities").size());
        assertEquals(List.of(), alertKeys(same), "its token does not read type Alert");
        JsonNode other = at(otherParty, query).json();
        assertEquals(0, other.get("entities").size());
        assertEquals(List.of(), alertKeys(other));
        assertEquals(0, at(otherType, query).json().get("entities").size());
        JsonNode withAlerts = at(new Caller("bins-app", AccessPolicy.DEFAULT_PARTY, Set.of("read:WasteContainer",
                "read:Alert")), "time", "2031-05-04T11:30:00Z", "type", "WasteContainer").json();
        assertEquals(List.of("fire-bin-1"), alertKeys(withAlerts));
    }

    @Test
    void badParametersAre400ProblemsNamingTheParameter() throws Exception {
        List<String[]> bad = List.of(
                new String[] {"time", "2031-05-04T11:30:00Z"},
                new String[] {"type", "wasteContainer"},
                new String[] {"type", "WasteContainer,"},
                new String[] {"type", "A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q,R,S,T,U"},
                new String[] {"type", "WasteContainer", "time", "noon"},
                new String[] {"type", "WasteContainer", "time", "2031-05-04T11:30:00"},
                new String[] {"type", "WasteContainer", "lookBack", "7h"},
                new String[] {"type", "WasteContainer", "lookBack", "0s"},
                new String[] {"type", "WasteContainer", "lookBack", "-PT1H"},
                new String[] {"type", "WasteContainer", "lookBack", "PT99999999999999H"},
                new String[] {"type", "WasteContainer", "bbox", "1,2,3"},
                new String[] {"type", "WasteContainer", "bbox", "1,5,3,4"},
                new String[] {"type", "WasteContainer", "attrs", "Bad Name"},
                new String[] {"type", "WasteContainer", "at", "2031-05-04T11:30:00Z"});
        for (String[] query : bad) {
            ServletFakes.Response response = at(Caller.LOCAL_OPERATOR, query);
            assertEquals(400, response.status, String.join(" ", query) + ": " + response.text());
            assertEquals("application/problem+json", response.contentType);
            String named = query[0].equals("time") ? "type" : query[query.length - 2];
            assertTrue(response.json().get("detail").textValue().contains("'" + named + "'"),
                    String.join(" ", query) + ": " + response.text());
        }
    }

    @Test
    void moreSeriesThanTheLimitIs400AndAFailedStoreIs503() throws Exception {
        // A history double: the first type fills the answer exactly, the second has one series more.
        History full = new StubHistory() {
            @Override
            public List<Series> latest(HistoryQuery query) {
                int n = query.type().equals("WasteContainer") ? HistoryAtServlet.MAX_SERIES : 1;
                assertTrue(n <= query.maxPoints() || query.maxPoints() == 1, "asked for " + query.maxPoints());
                List<Series> series = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    series.add(new Series(EntityId.of(query.type(), "e-" + i), "x", "", "s", null,
                            List.of(new Point(NOW, Value.of(i)))));
                }
                return series;
            }
        };
        ServletFakes.Response tooMany = new ServletFakes.Response();
        new HistoryAtServlet(full, alerts, SamePartyPolicy.INSTANCE, CLOCK).service(ServletFakes.get(
                "/api/history/at", null, "type", "WasteContainer,Streetlight"), tooMany.servlet);
        assertEquals(400, tooMany.status, tooMany.text());
        assertEquals(HistoryAtServlet.MAX_SERIES, tooMany.json().get("limit").intValue());
        assertTrue(tooMany.json().get("detail").textValue().contains("'type', 'bbox' and 'attrs'"), tooMany.text());

        History limited = new StubHistory() {
            @Override
            public List<Series> latest(HistoryQuery query) {
                throw new HistoryLimitException(query.maxPoints());
            }
        };
        ServletFakes.Response refused = new ServletFakes.Response();
        new HistoryAtServlet(limited, alerts, SamePartyPolicy.INSTANCE, CLOCK).service(ServletFakes.get(
                "/api/history/at", null, "type", "WasteContainer"), refused.servlet);
        assertEquals(400, refused.status, refused.text());

        History failed = new StubHistory() {
            @Override
            public List<Series> latest(HistoryQuery query) {
                throw new IllegalStateException("the history store could not answer: disk gone");
            }
        };
        ServletFakes.Response unavailable = new ServletFakes.Response();
        new HistoryAtServlet(failed, alerts, SamePartyPolicy.INSTANCE, CLOCK).service(ServletFakes.get(
                "/api/history/at", null, "type", "WasteContainer"), unavailable.servlet);
        assertEquals(503, unavailable.status, unavailable.text());
        assertTrue(unavailable.text().contains("disk gone"), unavailable.text());
    }

    /** A history that answers nothing but what a test overrides. */
    private abstract static class StubHistory implements History {
        @Override
        public List<Series> query(HistoryQuery query) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean knows(EntityId entity) {
            return false;
        }

        @Override
        public HistoryStatus status() {
            return new HistoryStatus(0, 0, 0, 0, 0, null);
        }
    }
}
