package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.runtime.core.alert.AlertService;
import nl.regie.runtime.core.alert.AlertStore;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class AlertsServletTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final AlertService alerts = new AlertService(new AlertStore(), bus,
            new CityStateComponent(bus, new Owner("nl.regie.runtime", "0.1.0", 1)), Clock.fixed(T0, ZoneOffset.UTC),
            log.logger());
    private final AlertsServlet servlet = new AlertsServlet(alerts, SamePartyPolicy.INSTANCE);

    @AfterEach
    void close() {
        bus.close();
    }

    private ServletFakes.Response get(String pathInfo, String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.get("/api/alerts", pathInfo, query), response.servlet);
        return response;
    }

    private void raise(String source, String key, String category, AlertSeverity severity, int minutes) {
        alerts.raise(source, new AlertRequest(key, category, "", severity, "About " + key, null, null,
                T0.plusSeconds(60L * minutes)));
    }

    private static List<String> keys(JsonNode body) {
        List<String> keys = new ArrayList<>();
        body.get("alerts").forEach(a -> keys.add(a.get("key").textValue()));
        return keys;
    }

    @Test
    void oneAlertHasEveryField() throws Exception {
        alerts.raise("nl.regie.waste", new AlertRequest("fire-bin-007", "security", "fire", AlertSeverity.HIGH,
                "Bin 007 is burning", EntityId.of("WasteContainer", "bin-007"), Location.of(4.9, 52.37), T0));

        ServletFakes.Response response = get("/fire-bin-007");

        assertEquals(200, response.status);
        assertEquals("application/json", response.contentType);
        JsonNode json = response.json();
        assertEquals(List.of("id", "key", "category", "subCategory", "severity", "description", "about", "location",
                "validFrom", "validTo", "updatedAt", "source", "active"), fieldNames(json));
        assertEquals("urn:ngsi-ld:Alert:fire-bin-007", json.get("id").textValue());
        assertEquals("fire-bin-007", json.get("key").textValue());
        assertEquals("security", json.get("category").textValue());
        assertEquals("fire", json.get("subCategory").textValue());
        assertEquals("high", json.get("severity").textValue());
        assertEquals("Bin 007 is burning", json.get("description").textValue());
        assertEquals("urn:ngsi-ld:WasteContainer:bin-007", json.get("about").textValue());
        assertEquals(4.9, json.get("location").get(0).doubleValue());
        assertEquals(52.37, json.get("location").get(1).doubleValue());
        assertEquals("2026-06-01T10:00:00Z", json.get("validFrom").textValue());
        assertTrue(json.get("validTo").isNull());
        assertEquals("2026-06-01T10:00:00Z", json.get("updatedAt").textValue());
        assertEquals("nl.regie.waste", json.get("source").textValue());
        assertTrue(json.get("active").booleanValue());
        assertEquals(json, get("/urn:ngsi-ld:Alert:fire-bin-007").json(), "by URN too");
    }

    @Test
    void aResolvedAlertIsStillFoundWithItsEnd() throws Exception {
        raise("nl.regie.mobility", "crowd-001", "security", AlertSeverity.HIGH, 0);
        alerts.resolve("nl.regie.mobility", "crowd-001", T0.plusSeconds(600));

        JsonNode json = get("/crowd-001").json();

        assertFalse(json.get("active").booleanValue());
        assertEquals("2026-06-01T10:10:00Z", json.get("validTo").textValue());
        assertTrue(json.get("about").isNull());
        assertTrue(json.get("location").isNull());
        assertEquals("", json.get("subCategory").textValue());
    }

    @Test
    void listsActiveAlertsByDefaultInAPagedEnvelope() throws Exception {
        raise("nl.regie.waste", "low", "maintenance", AlertSeverity.LOW, 0);
        raise("nl.regie.waste", "critical", "security", AlertSeverity.CRITICAL, 1);
        raise("nl.regie.mobility", "jam", "traffic", AlertSeverity.MEDIUM, 2);
        raise("nl.regie.mobility", "gone", "traffic", AlertSeverity.HIGH, 3);
        alerts.resolve("nl.regie.mobility", "gone", T0.plusSeconds(3600));

        JsonNode all = get(null).json();
        assertEquals(List.of("total", "offset", "limit", "alerts"), fieldNames(all));
        assertEquals(3, all.get("total").intValue());
        assertEquals(0, all.get("offset").intValue());
        assertEquals(100, all.get("limit").intValue());
        assertEquals(List.of("critical", "jam", "low"), keys(all));

        JsonNode page = get("/", "limit", "1", "offset", "1").json();
        assertEquals(3, page.get("total").intValue());
        assertEquals(1, page.get("limit").intValue());
        assertEquals(List.of("jam"), keys(page));

        assertEquals(List.of("gone"), keys(get(null, "state", "resolved").json()));
        assertEquals(List.of("critical", "jam", "low", "gone"), keys(get(null, "state", "all").json()));
        assertEquals(List.of("jam", "gone"), keys(get(null, "state", "all", "category", "traffic").json()));
        assertEquals(List.of("critical", "low"), keys(get(null, "source", "nl.regie.waste").json()));
        assertEquals(List.of(), keys(get(null, "source", "nl.example.nobody").json()));
    }

    @Test
    void badParametersAre400NamingTheParameterAndWhatIsAllowed() throws Exception {
        assertProblem(400, "parameter 'state' must be active, resolved or all, was 'open'", get(null, "state", "open"));
        assertProblem(400, "parameter 'limit' must be between 1 and 10000, was 0", get(null, "limit", "0"));
        assertProblem(400, "parameter 'offset' must be a whole number, was 'x'", get(null, "offset", "x"));
        assertProblem(400, "parameter 'category' must be given once, with a value",
                get(null, "category", "a", "category", "b"));
        assertProblem(400, "unknown query parameter 'severity'; known are [state, category, source, limit, offset]",
                get(null, "severity", "high"));
    }

    @Test
    void anUnknownAlertIs404AndAMalformedId400() throws Exception {
        assertProblem(404, "no alert nothing-here is known (or it was resolved long ago)", get("/nothing-here"));
        assertProblem(400, "'urn:ngsi-ld:WasteContainer:bin-1' is not an alert: an alert's URN is urn:ngsi-ld:Alert:{key}",
                get("/urn:ngsi-ld:WasteContainer:bin-1"));
        ServletFakes.Response malformed = get("/bad key");
        assertEquals(400, malformed.status);
        assertTrue(malformed.json().get("detail").textValue().startsWith("alert key 'bad key' must be"));
        assertEquals(400, get("/a/b").status);
        assertEquals(400, get("/urn:ngsi-ld:Alert").status);
    }

    private static void assertProblem(int status, String detail, ServletFakes.Response response) throws Exception {
        assertEquals(status, response.status, response.text());
        assertEquals("application/problem+json", response.contentType);
        JsonNode json = response.json();
        assertEquals(status, json.get("status").intValue());
        assertEquals("about:blank", json.get("type").textValue());
        assertEquals(detail, json.get("detail").textValue());
    }

    static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
