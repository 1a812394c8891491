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

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.history.HistoryComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.web.access.Caller;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The history endpoints on the real bus, city state and history (DuckDB in memory): readings published on the bus
 * come back through {@code /api/entities/{id}/history} and {@code /api/history}, as each caller may see them, and bad
 * requests are 400 problems naming the parameter. The history's clock and the servlets' default end are fixed.
 */
class HistoryServletTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Owner RUNTIME = new Owner("nl.regie.runtime", "0.1.0", 1);
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    static final EntityId FAR_BIN = EntityId.of("WasteContainer", "bin-2");

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(new BusSettings(10_000, Duration.ofSeconds(30), 10), log.logger());
    private final CityStateComponent city = new CityStateComponent(bus, RUNTIME);
    private HistoryComponent history;
    private EntitiesServlet entities;
    private HistoryServlet area;

    @BeforeEach
    void start() throws Exception {
        history = new HistoryComponent(bus, RUNTIME, null, HistoryComponent.config(Map.of("memoryLimitMb", 32,
                "threads", 1)), CLOCK, log.logger());
        entities = new EntitiesServlet(city, SamePartyPolicy.INSTANCE, history, CLOCK);
        area = new HistoryServlet(history, SamePartyPolicy.INSTANCE, CLOCK);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = NOW.minus(Duration.ofMinutes(60 - i));
            readings.add(new Reading(BIN, "fillingLevel", Value.of(i / 100.0), "/", at, at, "bin-device",
                    Location.of(4.90, 52.37)));
            readings.add(new Reading(FAR_BIN, "fillingLevel", Value.of(0.5), "/", at, at, "bin-device",
                    Location.of(5.50, 52.00)));
        }
        readings.add(new Reading(BIN, "status", Value.of("ok"), "", NOW.minusSeconds(30), NOW.minusSeconds(30),
                "bin-device", Location.of(4.90, 52.37)));
        readings.forEach(r -> bus.publish("bin-device", r));
        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == readings.size());
    }

    @AfterEach
    void stop() throws InterruptedException {
        history.close();
        bus.close();
    }

    private ServletFakes.Response entityHistory(Caller caller, String id, String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        entities.service(ServletFakes.as(caller, ServletFakes.get("/api/entities", "/" + id + "/history", query)),
                response.servlet);
        return response;
    }

    private ServletFakes.Response areaHistory(String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        area.service(ServletFakes.get("/api/history", null, query), response.servlet);
        return response;
    }

    @Test
    void readingsPublishedOnTheBusComeBackRaw() throws Exception {
        ServletFakes.Response response = entityHistory(Caller.LOCAL_OPERATOR, BIN.toString(), "attrs", "fillingLevel",
                "from", "2031-05-04T11:00:00Z", "to", "2031-05-04T11:03:00Z");

        assertEquals(200, response.status, response.text());
        JsonNode body = response.json();
        assertEquals(BIN.toString(), body.get("id").textValue());
        JsonNode level = body.get("attributes").get(0);
        assertEquals("fillingLevel", level.get("name").textValue());
        assertEquals("/", level.get("unit").textValue());
        assertEquals("[[\"2031-05-04T11:00:00Z\",0.0],[\"2031-05-04T11:01:00Z\",0.01],[\"2031-05-04T11:02:00Z\",0.02]]",
                level.get("points").toString());
    }

    @Test
    void bucketsAndTheTemporalRepresentation() throws Exception {
        ServletFakes.Response buckets = entityHistory(Caller.LOCAL_OPERATOR, BIN.toString(), "from",
                "2031-05-04T11:00:00Z", "to", "2031-05-04T12:00:00Z", "bucket", "30m", "aggregate", "max");
        ServletFakes.Response temporal = entityHistory(Caller.LOCAL_OPERATOR, BIN.toString(), "attrs", "status",
                "options", "temporal");

        assertEquals(200, buckets.status, buckets.text());
        assertEquals("[[\"2031-05-04T11:00:00Z\",0.29],[\"2031-05-04T11:30:00Z\",0.59]]",
                buckets.json().get("attributes").get(0).get("points").toString());
        assertEquals("max", buckets.json().get("aggregate").textValue());
        assertEquals(200, temporal.status, temporal.text());
        assertEquals("{\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\",\"status\":[{\"type\":"
                + "\"Property\",\"value\":\"ok\",\"observedAt\":\"2031-05-04T11:59:30Z\"}]}", temporal.text());
    }

    @Test
    void aTypeWithinAnAreaGivesEachEntityInIt() throws Exception {
        ServletFakes.Response inside = areaHistory("type", "WasteContainer", "bbox", "4.8,52.3,5.0,52.4", "bucket",
                "1h", "aggregate", "count");
        ServletFakes.Response all = areaHistory("type", "WasteContainer", "attrs", "fillingLevel", "bucket", "1h",
                "format", "ngsi-ld");

        assertEquals(200, inside.status, inside.text());
        JsonNode entitiesInside = inside.json().get("entities");
        assertEquals(1, entitiesInside.size());
        assertEquals(BIN.toString(), entitiesInside.get(0).get("id").textValue());
        assertEquals("[[\"2031-05-04T11:00:00Z\",60.0]]",
                entitiesInside.get(0).get("attributes").get(0).get("points").toString());
        assertEquals(200, all.status, all.text());
        assertEquals(2, all.json().size());
        assertEquals("Property", all.json().get(1).get("fillingLevel").get(0).get("type").textValue());
    }

    @Test
    void onlyWhatTheCallersPartyMaySee() throws Exception {
        Caller sameParty = new Caller("bins-app", nl.regie.runtime.spi.policy.AccessPolicy.DEFAULT_PARTY,
                Set.of("read:WasteContainer"));
        Caller otherParty = new Caller("police-app", "police", Set.of("read:*"));
        Caller otherType = new Caller("lamps-app", nl.regie.runtime.spi.policy.AccessPolicy.DEFAULT_PARTY,
                Set.of("read:Streetlight"));

        assertEquals(200, entityHistory(sameParty, BIN.toString()).status);
        assertEquals(404, entityHistory(otherParty, BIN.toString()).status, "as if unknown");
        assertEquals(404, entityHistory(otherType, BIN.toString()).status);
        ServletFakes.Response areaForOther = new ServletFakes.Response();
        area.service(ServletFakes.as(otherParty, ServletFakes.get("/api/history", null, "type", "WasteContainer")),
                areaForOther.servlet);
        assertEquals(200, areaForOther.status);
        assertEquals(0, areaForOther.json().get("entities").size());
    }

    @Test
    void unknownEntitiesAndAMissingHistoryAre404() throws Exception {
        assertEquals(404, entityHistory(Caller.LOCAL_OPERATOR, "urn:ngsi-ld:WasteContainer:nowhere").status);
        EntitiesServlet withoutHistory = new EntitiesServlet(city, SamePartyPolicy.INSTANCE, null, CLOCK);
        ServletFakes.Response response = new ServletFakes.Response();
        withoutHistory.service(ServletFakes.get("/api/entities", "/" + BIN + "/history"), response.servlet);
        assertEquals(404, response.status);
        assertTrue(response.text().contains("history is not installed"), response.text());
    }

    @Test
    void badRequestsAre400ProblemsNamingTheParameter() throws Exception {
        for (String[] query : List.of(new String[] {"from", "noon"}, new String[] {"bucket", "1s"},
                new String[] {"bucket", "5m", "aggregate", "median"},
                new String[] {"from", "2031-05-04T12:00:00Z", "to", "2031-05-04T11:00:00Z"})) {
            ServletFakes.Response response = entityHistory(Caller.LOCAL_OPERATOR, BIN.toString(), query);
            assertEquals(400, response.status, response.text());
            assertEquals("application/problem+json", response.contentType);
            assertTrue(response.json().get("detail").textValue().contains("'" + query[query.length - 2] + "'")
                    || response.json().get("detail").textValue().contains("'" + query[0] + "'"), response.text());
        }
        assertEquals(400, entityHistory(Caller.LOCAL_OPERATOR, "not-a-urn").status);
        assertEquals(400, areaHistory("bbox", "1,2,3,4").status, "type is required");
    }

    @Test
    void tooManyPointsIs400WithTheLimit() throws Exception {
        // 7 days at one-minute buckets is 10,080 buckets: refused before the history is asked.
        ServletFakes.Response tooFine = areaHistory("type", "WasteContainer", "from", "2031-04-27T12:00:00Z",
                "bucket", "1m");
        assertEquals(400, tooFine.status, tooFine.text());
        assertTrue(tooFine.json().get("detail").textValue().contains("'bucket'"), tooFine.text());
        // 398 days at hourly buckets (9,552) is fine for one entity but not for six: 57,312 points.
        long before = history.status().written();
        for (int i = 3; i <= 6; i++) {
            bus.publish("bin-device", new Reading(EntityId.of("WasteContainer", "bin-" + i), "fillingLevel",
                    Value.of(0.1), "/", NOW.minusSeconds(5), NOW.minusSeconds(5), "bin-device", null));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == before + 4);
        assertEquals(200, entityHistory(Caller.LOCAL_OPERATOR, BIN.toString(), "from", "2030-04-01T12:00:00Z",
                "bucket", "1h").status);
        ServletFakes.Response tooMany = areaHistory("type", "WasteContainer", "from", "2030-04-01T12:00:00Z",
                "bucket", "1h");
        assertEquals(400, tooMany.status, tooMany.text());
        assertEquals(HistoryAnswers.MAX_POINTS, tooMany.json().get("limit").intValue());
        assertTrue(tooMany.json().get("detail").textValue().contains("'from', 'to', 'bucket' and 'attrs'"),
                tooMany.text());
    }
}
