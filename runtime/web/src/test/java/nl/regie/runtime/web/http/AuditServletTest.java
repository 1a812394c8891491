package nl.regie.runtime.web.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import nl.regie.runtime.sovereignty.audit.AuditFile;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

class AuditServletTest {

    private static final Instant T0 = Instant.parse("2026-11-28T03:00:00Z");

    @TempDir
    Path folder;

    private AuditFile log;
    private AuditServlet servlet;

    @BeforeEach
    void log() throws Exception {
        log = new AuditFile(folder, 1 << 20, 100, message -> { });
        servlet = new AuditServlet(log);
        log.record(new AuditEvent(T0, AuditEvent.POLICY, "operator", "", "apply", "nl.regie.runtime.policy",
                "applied", "v1: grants added [city>police CrowdFlowObserved/#]"));
        log.record(new AuditEvent(T0.plusSeconds(1), AuditEvent.READ, "nl.police.watch", "police", "read",
                "WasteContainer/+/fillingLevel", "denied", "owned by contractor"));
        log.record(new AuditEvent(T0.plusSeconds(2), AuditEvent.READ, "nl.regie.lighting", "city", "read",
                "Resident/+/address", "denied", "personal"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.read(AuditQuery.latest(10)).size() == 3);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private ServletFakes.Response get(String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.get("/api/audit", null, query), response.servlet);
        return response;
    }

    @Test
    void listsEventsNewestFirstWithEveryField() throws Exception {
        ServletFakes.Response response = get();
        assertEquals(200, response.status);
        JsonNode body = response.json();
        assertEquals(3, body.get("count").intValue());
        assertEquals(100, body.get("limit").intValue());
        assertEquals(0, body.get("lost").intValue());
        JsonNode newest = body.get("events").get(0);
        assertEquals("2026-11-28T03:00:02Z", newest.get("time").textValue());
        List<String> fields = List.of("time", "kind", "actor", "party", "action", "target", "outcome", "detail");
        List<String> names = new java.util.ArrayList<>();
        newest.fieldNames().forEachRemaining(names::add);
        assertEquals(fields, names);
        assertEquals("applied", body.get("events").get(2).get("outcome").textValue());
    }

    @Test
    void filtersByTheParameters() throws Exception {
        assertEquals(2, get("kind", "read").json().get("count").intValue());
        assertEquals(1, get("kind", "read", "party", "police").json().get("count").intValue());
        assertEquals(1, get("actor", "nl.regie.lighting").json().get("count").intValue());
        assertEquals(2, get("since", "2026-11-28T03:00:01Z").json().get("count").intValue());
        JsonNode limited = get("limit", "1").json();
        assertEquals(1, limited.get("count").intValue());
        assertEquals("nl.regie.lighting", limited.get("events").get(0).get("actor").textValue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kind | reads | parameter 'kind' must be one of scope, read, policy, plugin, command, access, device, service, limit, config, federation, was 'reads'",
        "since | yesterday | parameter 'since' must be an ISO-8601 instant",
        "limit | 0 | parameter 'limit' must be between 1 and 10000, was 0",
        "limit | ten | parameter 'limit' must be a whole number, was 'ten'",
        "actor | ' ' | parameter 'actor' must be given once, with a value",
        "who | me | unknown query parameter 'who'",
    })
    void aBadParameterIsA400NamingIt(String name, String value, String expected) throws Exception {
        ServletFakes.Response response = get(name, value);
        assertEquals(400, response.status);
        assertEquals("application/problem+json", response.contentType);
        String detail = response.json().get("detail").textValue();
        assertTrue(detail.startsWith(expected), detail);
    }
}
