package nl.regie.runtime.sovereignty.audit;

import java.time.Instant;

import nl.regie.runtime.spi.audit.AuditEvent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One audit event as one line of JSON, and back: the fields of {@link AuditEvent}, {@code time} in ISO-8601. */
final class AuditLines {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] TEXT_FIELDS = {"kind", "actor", "party", "action", "target", "outcome", "detail"};

    private AuditLines() {
    }

    /** The event as a JSON object without line breaks. */
    static String line(AuditEvent event) {
        try {
            return MAPPER.writeValueAsString(event.fields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit event as JSON: " + e.getMessage(), e);
        }
    }

    /** The event a line holds, or null when the line is not one (a line cut short by a crash). */
    static AuditEvent event(String line) {
        try {
            JsonNode json = MAPPER.readTree(line);
            if (json == null || !json.isObject() || !json.path("time").isTextual()) {
                return null;
            }
            String[] texts = new String[TEXT_FIELDS.length];
            for (int i = 0; i < TEXT_FIELDS.length; i++) {
                JsonNode field = json.get(TEXT_FIELDS[i]);
                if (field == null || !field.isTextual()) {
                    return null;
                }
                texts[i] = field.asText();
            }
            return new AuditEvent(Instant.parse(json.get("time").asText()), texts[0], texts[1], texts[2], texts[3],
                    texts[4], texts[5], texts[6]);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }
}
