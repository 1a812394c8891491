package nl.regie.runtime.sovereignty.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import nl.regie.runtime.spi.audit.AuditEvent;

import org.junit.jupiter.api.Test;

class AuditLinesTest {

    @Test
    void anEventSurvivesTheRoundTrip() {
        AuditEvent event = new AuditEvent(Instant.parse("2026-11-28T03:00:00.123456Z"), "plugin", "folder", "",
                "update", "nl.regie.waste 1.0.0 -> 1.1.0", "ROLLED_BACK", "not healthy: \"x\"");
        String line = AuditLines.line(event);
        assertEquals(-1, line.indexOf('\n'));
        assertEquals(event, AuditLines.event(line));
    }

    @Test
    void whatIsNotAnEventIsNull() {
        assertNull(AuditLines.event(""));
        assertNull(AuditLines.event("{\"time\":\"2026"));
        assertNull(AuditLines.event("{\"time\":\"yesterday\",\"kind\":\"a\",\"actor\":\"a\",\"party\":\"\","
                + "\"action\":\"a\",\"target\":\"a\",\"outcome\":\"a\",\"detail\":\"\"}"));
        assertNull(AuditLines.event("[1,2]"));
    }
}
