package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.federation.FederationStatus;

import org.junit.jupiter.api.Test;

/** What {@code GET /api/federation} answers: every field of the status, refusals by every reason. */
class FederationServletTest {

    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");

    @Test
    void theBodyHasTheLinkTheRulesAndEveryRefusalReason() {
        FederationStatus.Snapshot snapshot = new FederationStatus.Snapshot("gent", true, 4,
                new FederationStatus.Link("tcp://broker:1884", "connected", T, null, 3, 100_000, 120, 80, 12.5, 8.0,
                        14, 2),
                Map.of("city>roeselare Alert/#", 7L), Map.of("roeselare:waterboard WaterObserved/#", 80L),
                Map.of("duplicate", 2L), Map.of("queue-full", 1L),
                new FederationStatus.Refusal(T, "roeselare", "regie/v1/roeselare/share/gent/X/y/z", "duplicate",
                        "reading id r-1 was received already"));
        Map<String, Object> body = FederationServlet.body(snapshot);
        assertEquals("gent", body.get("site"));
        assertEquals(true, body.get("enabled"));
        @SuppressWarnings("unchecked")
        Map<String, Object> link = ((List<Map<String, Object>>) body.get("links")).get(0);
        assertEquals("connected", link.get("state"));
        assertEquals(T.toString(), link.get("since"));
        assertEquals(14L, link.get("lagMillis"));
        assertEquals(2L, link.get("connectionsRefused"));
        assertEquals(List.of(Map.of("rule", "city>roeselare Alert/#", "exported", 7L)), body.get("exports"));
        assertEquals(List.of(Map.of("rule", "roeselare:waterboard WaterObserved/#", "imported", 80L)),
                body.get("imports"));
        assertEquals(Map.of("outside-grant", 0L, "malformed", 0L, "hops", 0L, "duplicate", 2L, "loop", 0L),
                body.get("refused"));
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) body.get("lastRefusal");
        assertEquals("duplicate", last.get("reason"));
    }

    @Test
    void anIdleFederationSaysSo() {
        Map<String, Object> body = FederationServlet.body(new FederationStatus.Snapshot("demo", false, 0,
                new FederationStatus.Link("", "idle", null, null, 0, 0, 0, 0, 0, 0, -1, 0), Map.of(), Map.of(), Map.of(),
                Map.of(), null));
        @SuppressWarnings("unchecked")
        Map<String, Object> link = ((List<Map<String, Object>>) body.get("links")).get(0);
        assertEquals("idle", link.get("state"));
        assertNull(link.get("lagMillis"));
        assertNull(body.get("lastRefusal"));
    }
}
