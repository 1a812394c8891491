package nl.regie.runtime.ngsild.temporal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.history.HistoryComponent;
import nl.regie.runtime.ngsild.subscription.Http;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The temporal API over the real history store (DuckDB, in memory) fed by the real bus: the representations, the
 * ranges, lastN, aggregations in the store's buckets, and only what the caller's party may see.
 */
class TemporalServletTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Owner RUNTIME = new Owner("nl.regie.runtime", "0.1.0", 1);
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-001");
    static final EntityId BIN2 = EntityId.of("WasteContainer", "bin-002");
    static final String REGIE_LINK = "<http://localhost:8080/ngsi-ld/v1/jsonldContexts/regie-context.jsonld>;"
            + " rel=\"http://www.w3.org/ns/json-ld#context\"";
    static final Http.Caller CONTRACTOR = new Http.Caller("bins-app", "contractor", Set.of("WasteContainer"));
    static final Http.Caller WATERBOARD = new Http.Caller("wb-app", "waterboard", Set.of("WasteContainer"));
    static final Http.Caller LAMPS = new Http.Caller("lamps-app", "contractor", Set.of("Streetlight"));

    private final ObjectMapper mapper = new ObjectMapper();
    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(new BusSettings(10_000, Duration.ofSeconds(30), 10), log.logger());
    private final PolicyEngine policy = new PolicyEngine(new RecordingAuditLog());
    private HistoryComponent history;
    private TemporalServlet servlet;

    @BeforeEach
    void start() throws Exception {
        policy.apply(Map.of("defaultParty", "city", "devices", "bin-*=contractor"));
        history = new HistoryComponent(bus, RUNTIME, null, HistoryComponent.config(Map.of("memoryLimitMb", 32,
                "threads", 1)), CLOCK, log.logger());
        servlet = new TemporalServlet(history, policy, log.logger(), CLOCK);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = NOW.minus(Duration.ofMinutes(60 - i));
            readings.add(new Reading(BIN, "fillingLevel", Value.of(i / 100.0), "/", at, at, "bin-001",
                    Location.of(4.90, 52.37)));
            readings.add(new Reading(BIN2, "fillingLevel", Value.of(0.5), "/", at, at, "bin-002",
                    Location.of(4.91, 52.37)));
        }
        readings.add(new Reading(BIN, "temperature", Value.of(21.5), "Cel", NOW.minusSeconds(30),
                NOW.minusSeconds(30), "bin-001", Location.of(4.90, 52.37)));
        readings.forEach(r -> bus.publish(r.source(), r));
        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == readings.size());
    }

    @AfterEach
    void stop() throws InterruptedException {
        history.close();
        bus.close();
    }

    private Http.Response get(Http.Caller caller, String pathInfo, String... query) throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            parameters.put(query[i], query[i + 1]);
        }
        Http.Response response = new Http.Response();
        servlet.service(Http.request("/ngsi-ld/v1/temporal/entities", "GET", pathInfo, caller, null, null,
                Map.of("Link", REGIE_LINK), parameters), response.servlet);
        return response;
    }

    private JsonNode json(Http.Response response) throws Exception {
        return mapper.readTree(response.text());
    }

    @Test
    void oneEntitysHistoryNormalizedWithLastN() throws Exception {
        Http.Response r = get(CONTRACTOR, "/" + BIN, "timerel", "between", "timeAt", "2031-05-04T11:00:00Z",
                "endTimeAt", "2031-05-04T12:00:00Z", "attrs", "fillingLevel", "lastN", "3");
        assertEquals(200, r.status, r.text());
        JsonNode entity = json(r);
        assertEquals(BIN.toString(), entity.get("id").asText());
        assertEquals("WasteContainer", entity.get("type").asText());
        JsonNode instances = entity.get("fillingLevel");
        assertEquals(3, instances.size(), entity.toString());
        assertEquals("Property", instances.get(0).get("type").asText());
        assertEquals(0.57, instances.get(0).get("value").asDouble(), 1e-9);
        assertEquals("2031-05-04T11:59:00Z", instances.get(2).get("observedAt").asText());
        assertFalse(entity.has("temperature"), "attrs");
        assertTrue(r.headers.get("Link").contains("regie-context"), r.headers.toString());
    }

    @Test
    void temporalValuesAndAggregatedValues() throws Exception {
        JsonNode simplified = json(get(CONTRACTOR, "/" + BIN, "timerel", "after", "timeAt", "2031-05-04T11:58:00Z",
                "options", "temporalValues"));
        assertEquals("Property", simplified.get("fillingLevel").get("type").asText());
        assertEquals("[[0.58,\"2031-05-04T11:58:00Z\"],[0.59,\"2031-05-04T11:59:00Z\"]]",
                simplified.get("fillingLevel").get("values").toString());
        assertEquals("[[21.5,\"2031-05-04T11:59:30Z\"]]", simplified.get("temperature").get("values").toString());

        Http.Response r = get(CONTRACTOR, "/" + BIN, "timerel", "between", "timeAt", "2031-05-04T11:00:00Z",
                "endTimeAt", "2031-05-04T12:00:00Z", "attrs", "fillingLevel", "options", "aggregatedValues",
                "aggrMethods", "avg,max,totalCount", "aggrPeriodDuration", "PT30M");
        assertEquals(200, r.status, r.text());
        JsonNode level = json(r).get("fillingLevel");
        assertEquals("Property", level.get("type").asText());
        assertEquals(2, level.get("avg").size(), level.toString());
        assertEquals(0.145, level.get("avg").get(0).get(0).asDouble(), 1e-9);
        assertEquals("2031-05-04T11:00:00Z", level.get("avg").get(0).get(1).asText());
        assertEquals("2031-05-04T11:30:00Z", level.get("avg").get(0).get(2).asText());
        assertEquals(0.59, level.get("max").get(1).get(0).asDouble(), 1e-9);
        assertEquals(30, level.get("totalCount").get(1).get(0).asInt());
    }

    @Test
    void aTypesEntitiesWithCountAndOnlyWhatThePartySees() throws Exception {
        Http.Response r = get(CONTRACTOR, null, "type", "WasteContainer", "timerel", "after", "timeAt",
                "2031-05-04T11:55:00Z", "attrs", "fillingLevel", "count", "true");
        assertEquals(200, r.status, r.text());
        JsonNode entities = json(r);
        assertEquals(2, entities.size());
        assertEquals(BIN.toString(), entities.get(0).get("id").asText());
        assertEquals(5, entities.get(1).get("fillingLevel").size());
        assertEquals("2", r.headers.get("NGSILD-Results-Count"));

        // The bins are the contractor's: the waterboard reads the type, but its party sees none of them.
        JsonNode none = json(get(WATERBOARD, null, "type", "WasteContainer", "timerel", "after", "timeAt",
                "2031-05-04T11:55:00Z"));
        assertEquals(0, none.size());
        assertEquals(404, get(WATERBOARD, "/" + BIN, "lastN", "1").status);
        // A token that does not read the type sees nothing either.
        assertEquals(0, json(get(LAMPS, null, "type", "WasteContainer", "timerel", "before", "timeAt",
                "2031-05-04T12:00:00Z")).size());
        assertEquals(404, get(LAMPS, "/" + BIN).status);
    }

    @Test
    void badQueriesAreTheStandardsErrors() throws Exception {
        String[][] bad = {
            {"type", "WasteContainer"},
            {"type", "WasteContainer", "timerel", "between", "timeAt", "2031-05-04T11:00:00Z"},
            {"type", "WasteContainer", "timerel", "during", "timeAt", "2031-05-04T11:00:00Z"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "yesterday"},
            {"type", "WasteContainer", "timerel", "after", "timeAt", "2040-01-01T00:00:00Z"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "lastN", "0"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "options",
                "aggregatedValues"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "options",
                "aggregatedValues", "aggrMethods", "avg", "aggrPeriodDuration", "an hour"},
            {"timerel", "before", "timeAt", "2031-05-04T11:00:00Z"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "colour", "red"}};
        for (String[] query : bad) {
            Http.Response r = get(CONTRACTOR, null, query);
            assertEquals(400, r.status, String.join(" ", query) + ": " + r.text());
            assertEquals("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", json(r).get("type").asText());
        }
        for (String[] query : new String[][] {
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "q", "a>1"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "options",
                "aggregatedValues", "aggrMethods", "stddev"},
            {"type", "WasteContainer", "timerel", "before", "timeAt", "2031-05-04T11:00:00Z", "timeproperty",
                "modifiedAt"}}) {
            Http.Response r = get(CONTRACTOR, null, query);
            assertEquals(422, r.status, String.join(" ", query) + ": " + r.text());
            assertEquals("https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported", json(r).get("type").asText());
        }
        assertEquals(400, get(CONTRACTOR, "/not-an-urn").status);
    }
}
