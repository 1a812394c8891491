package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.web.access.Caller;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Commands and the stream as a party caller, not the operator, sees them. */
class PartyCallsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private static final Caller LIGHTS = new Caller("lights-app", "city", Set.of("command:Streetlight"));
    private static final Caller OTHER = new Caller("other-app", "city", Set.of("command:*"));

    private final CommandsServletTest.FakeCommands actuation = new CommandsServletTest.FakeCommands();
    private final CommandsServlet commands = new CommandsServlet(actuation, Clock.fixed(NOW, ZoneOffset.UTC));

    private ServletFakes.Response command(Caller caller, String method, String pathInfo, String body) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        commands.service(ServletFakes.as(caller, ServletFakes.request(method, "/api/commands", pathInfo,
                "application/json", body == null ? null : ServletFakes.utf8(body))), response.servlet);
        return response;
    }

    @Test
    void aCommandNeedsTheScopeOfItsTargetsType() throws Exception {
        ServletFakes.Response refused = command(LIGHTS, "POST", null,
                "{\"id\": \"c1\", \"target\": \"urn:ngsi-ld:WasteContainer:bin-1\", \"action\": \"empty\"}");
        assertEquals(403, refused.status);
        assertEquals("command:WasteContainer", refused.json().get("scope").asText());
        assertTrue(actuation.sent.isEmpty());

        ServletFakes.Response sent = command(LIGHTS, "POST", null,
                "{\"id\": \"c2\", \"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\"}");
        assertEquals(202, sent.status, sent.text());
        assertEquals(List.of("lights-app/city"), actuation.sentBy);
    }

    @Test
    void aCallerSeesTheStateOfItsOwnCommandsOnly() throws Exception {
        command(LIGHTS, "POST", null, "{\"id\": \"c3\", \"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\"}");
        assertEquals(200, command(LIGHTS, "GET", "/c3", null).status);
        assertEquals(404, command(OTHER, "GET", "/c3", null).status);
        assertEquals(200, command(Caller.LOCAL_OPERATOR, "GET", "/c3", null).status);
    }

    @Test
    void aStreamClientSeesReadingsThroughItsViewOnItsWriter() {
        List<Reading> viewed = new ArrayList<>();
        StreamHubTest.RecordingSink sink = new StreamHubTest.RecordingSink();
        Location precise = Location.of(4.91234, 52.37123);
        Location coarse = Location.of(4.9, 52.37);
        StreamClient client = new StreamClient(1, StreamFilter.ALL, sink, null, 16, 3, reading -> {
            viewed.add(reading);
            return reading.source().equals("mine") ? reading.withLocation(coarse) : null;
        });
        Reading mine = Reading.of(EntityId.of("Bin", "b1"), "level", Value.of(0.5), "/", "mine");
        Reading theirs = Reading.of(EntityId.of("Bin", "b2"), "level", Value.of(0.7), "/", "theirs");
        client.offer(new StreamClient.Item(1, theirs, precise));
        client.offer(new StreamClient.Item(2, mine, precise));
        assertTrue(viewed.isEmpty(), "the view is applied when written, not when offered");
        String batch = client.nextBatch(10);
        assertEquals(2, viewed.size());
        assertEquals(precise, viewed.get(0).location(), "the view gets the entity's location to transform");
        assertFalse(batch.contains("b2"), batch);
        assertTrue(batch.contains("urn:ngsi-ld:Bin:b1"), batch);
        assertTrue(batch.contains("[4.9,52.37]"), batch);
        assertFalse(batch.contains("4.91234"), batch);
    }

    @Test
    void aStreamOfATypeTheTokenDoesNotReadIs403() throws Exception {
        Owner runtime = new Owner("nl.regie.runtime", "1.0.0", 1);
        BusEngine bus = new BusEngine(new BusSettings(1_000, Duration.ofSeconds(30), 10), new RecordingLogger().logger());
        StreamServlet stream = new StreamServlet(bus, runtime, new CityStateComponent(bus, runtime),
                SamePartyPolicy.INSTANCE, 2, 1);
        try {
            Caller police = new Caller("p", "police", Set.of("read:CrowdFlowObserved"));
            ServletFakes.Response response = new ServletFakes.Response();
            stream.doGet(ServletFakes.as(police, ServletFakes.get("/api/stream", null, "type",
                    "CrowdFlowObserved,WasteContainer")), response.servlet);
            assertEquals(403, response.status);
            JsonNode problem = response.json();
            assertEquals("read:WasteContainer", problem.get("scope").asText());
            assertTrue(problem.get("detail").asText().contains("[WasteContainer]"), problem.toString());
            assertEquals(0, stream.hub().size());
        } finally {
            stream.deactivate();
            bus.close();
        }
    }
}
