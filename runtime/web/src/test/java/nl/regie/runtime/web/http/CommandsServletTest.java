package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.actuation.Commands;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class CommandsServletTest {

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    /** A command service that accepts every command, keeps it in progress and remembers who sent it. */
    static final class FakeCommands implements Commands {
        final List<Command> sent = new CopyOnWriteArrayList<>();
        final List<String> sentBy = new CopyOnWriteArrayList<>();
        final Map<String, CommandResult> states = new ConcurrentHashMap<>();
        final Map<String, String> senders = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<CommandResult> send(String actor, String party, Command command) {
            CommandResult current = states.get(command.id());
            if (current != null && !current.state().isFinal()) {
                throw new IllegalArgumentException("command " + command.id() + " is already in progress");
            }
            sent.add(command);
            sentBy.add(actor + "/" + party);
            senders.put(command.id(), actor);
            states.put(command.id(), new CommandResult(command.id(), CommandState.ACCEPTED, "", NOW));
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<CommandResult> reject(String actor, String party, Command command, String reason) {
            throw new UnsupportedOperationException("the servlet never rejects on its own");
        }

        @Override
        public Optional<CommandResult> status(String commandId) {
            return Optional.ofNullable(states.get(commandId));
        }

        @Override
        public Optional<String> sender(String commandId) {
            return Optional.ofNullable(senders.get(commandId));
        }
    }

    private final FakeCommands actuation = new FakeCommands();
    private final CommandsServlet servlet = new CommandsServlet(actuation, Clock.fixed(NOW, ZoneOffset.UTC));

    private ServletFakes.Response call(String method, String pathInfo, String contentType, String body) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.request(method, "/api/commands", pathInfo, contentType,
                body == null ? null : ServletFakes.utf8(body)), response.servlet);
        return response;
    }

    private ServletFakes.Response post(String body) throws Exception {
        return call("POST", null, "application/json; charset=UTF-8", body);
    }

    private String problem(ServletFakes.Response response) throws Exception {
        assertEquals("application/problem+json", response.contentType, response.text());
        return response.json().get("detail").textValue();
    }

    @Test
    void aCommandIsAcceptedWithItsLocation() throws Exception {
        ServletFakes.Response response = post("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\","
                + " \"parameters\": {\"level\": 0.3, \"smooth\": true, \"mode\": \"eco\"}, \"timeoutSeconds\": 10}");
        assertEquals(202, response.status, response.text());
        Command command = actuation.sent.get(0);
        assertEquals(EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), command.target());
        assertEquals("dim", command.action());
        assertEquals(Map.of("level", Value.of(0.3), "smooth", Value.of(true), "mode", Value.of("eco")),
                command.parameters());
        assertEquals(NOW.plusSeconds(10), command.deadline());
        assertEquals("/api/commands/" + command.id(), response.headers.get("Location"));
        JsonNode json = response.json();
        assertEquals(command.id(), json.get("id").textValue());
        assertEquals("ACCEPTED", json.get("state").textValue());
        assertEquals(NOW.plusSeconds(10).toString(), json.get("deadline").textValue());

        ServletFakes.Response status = call("GET", "/" + command.id(), null, null);
        assertEquals(200, status.status);
        assertEquals("ACCEPTED", status.json().get("state").textValue());
        assertEquals(false, status.json().get("final").booleanValue());
    }

    @Test
    void aDeadlineAndAnIdMayBeGiven() throws Exception {
        ServletFakes.Response response = post("{\"id\": \"my-1\", \"target\": \"urn:ngsi-ld:Streetlight:lamp-7\","
                + " \"action\": \"switch\", \"deadline\": \"2026-06-01T10:05:00Z\"}");
        assertEquals(202, response.status, response.text());
        assertEquals("my-1", actuation.sent.get(0).id());
        assertEquals(Instant.parse("2026-06-01T10:05:00Z"), actuation.sent.get(0).deadline());
        // The same id while the first is in progress: conflict.
        ServletFakes.Response again = post("{\"id\": \"my-1\", \"target\": \"urn:ngsi-ld:Streetlight:lamp-7\","
                + " \"action\": \"switch\"}");
        assertEquals(409, again.status);
        assertTrue(problem(again).contains("already in progress"));
    }

    @Test
    void withoutTimeoutOrDeadlineTheDefaultApplies() throws Exception {
        assertEquals(202, post("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"switch\"}").status);
        assertEquals(NOW.plusSeconds(CommandsServlet.DEFAULT_TIMEOUT_SECONDS), actuation.sent.get(0).deadline());
    }

    @Test
    void badRequestsGetAProblemNamingWhatIsWrong() throws Exception {
        record Case(String body, String expected) {
        }
        List<Case> cases = List.of(
                new Case("{\"target\": ", "not valid JSON"),
                new Case("[1]", "must be a JSON object"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"colour\": 1}",
                        "unknown field(s) [colour]"),
                new Case("{\"target\": \"lamp-7\", \"action\": \"dim\"}", "'target': entity id 'lamp-7' must start with"),
                new Case("{\"action\": \"dim\"}", "'target' is required"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\"}", "'action' is required"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"Dim!\"}",
                        "command action 'Dim!' must start with a lower-case letter"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"parameters\":"
                        + " {\"level\": [1]}}", "parameter 'level' must be a number, a boolean or a text"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"timeoutSeconds\": 0}",
                        "'timeoutSeconds' must be a number more than 0"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"timeoutSeconds\": 5,"
                        + " \"deadline\": \"2026-06-01T10:05:00Z\"}", "either 'timeoutSeconds' or 'deadline'"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"deadline\": \"soon\"}",
                        "'deadline' must be an ISO-8601 instant"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"deadline\":"
                        + " \"2026-06-01T09:00:00Z\"}", "has already passed"),
                new Case("{\"id\": \"no spaces\", \"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\"}",
                        "command id 'no spaces'"),
                new Case("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"action\": \"x\"}",
                        "Duplicate field 'action'"));
        for (Case c : cases) {
            ServletFakes.Response response = post(c.body());
            assertEquals(400, response.status, c.body() + " -> " + response.text());
            String detail = problem(response);
            assertTrue(detail.contains(c.expected()), c.body() + " -> " + detail);
        }
        assertEquals(List.of(), actuation.sent);
    }

    @Test
    void wrongMediaTypeAndTooLargeBodiesAreRefused() throws Exception {
        ServletFakes.Response text = call("POST", null, "text/plain", "{}");
        assertEquals(415, text.status);
        assertTrue(problem(text).contains("must be application/json, was text/plain"));
        assertEquals("application/json", text.headers.get("Accept-Post"));
        assertEquals(415, call("POST", null, null, "{}").status);

        String large = "{\"target\": \"urn:ngsi-ld:Streetlight:lamp-7\", \"action\": \"dim\", \"parameters\": {\"x\": \""
                + "a".repeat(CommandsServlet.MAX_BODY_BYTES) + "\"}}";
        ServletFakes.Response tooLarge = post(large);
        assertEquals(413, tooLarge.status);
        assertTrue(problem(tooLarge).contains("larger than 65536 bytes"));
        assertEquals(List.of(), actuation.sent);
    }

    @Test
    void statusOfUnknownOrMalformedIdsAndWrongMethods() throws Exception {
        ServletFakes.Response unknown = call("GET", "/nope", null, null);
        assertEquals(404, unknown.status);
        assertTrue(problem(unknown).contains("no command nope is known"));
        ServletFakes.Response malformed = call("GET", "/a b", null, null);
        assertEquals(400, malformed.status);
        ServletFakes.Response list = call("GET", null, null, null);
        assertEquals(405, list.status);
        assertEquals("POST", list.headers.get("Allow"));
        ServletFakes.Response delete = call("DELETE", "/x", null, null);
        assertEquals(405, delete.status);
        assertEquals("GET, HEAD", delete.headers.get("Allow"));
    }
}
