package nl.regie.runtime.web.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import nl.regie.api.model.Deletion;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Server-Sent Events as text: the event framing and the JSON of a change. */
final class SseFormat {

    /** The entity type whose changes are sent as {@code event: alert}. */
    static final String ALERT_TYPE = "Alert";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private SseFormat() {
    }

    /**
     * One event: {@code id:} (when {@code id >= 0}), {@code event:}, and every line of {@code data} as its own
     * {@code data:} line (CR, LF and CRLF all end a line), then the blank line that dispatches it.
     */
    static String event(long id, String name, String data) {
        return event(id >= 0 ? Long.toString(id) : null, name, data);
    }

    /** One event, as {@link #event(long, String, String)}, with an id as text ({@code null}: none). */
    static String event(String id, String name, String data) {
        StringBuilder text = new StringBuilder(data.length() + 48);
        if (id != null) {
            text.append("id: ").append(id).append('\n');
        }
        text.append("event: ").append(name).append('\n');
        if (data.indexOf('\n') < 0 && data.indexOf('\r') < 0) {
            // The usual case (JSON escapes line breaks in strings): one line, no regular expression.
            text.append("data: ").append(data).append('\n');
        } else {
            for (String line : LINE_BREAK.split(data, -1)) {
                text.append("data: ").append(line).append('\n');
            }
        }
        return text.append('\n').toString();
    }

    /** A comment line, which clients ignore: the heartbeat. */
    static String comment(String text) {
        return ": " + text.replaceAll("[\r\n]", " ") + "\n\n";
    }

    /** The {@code retry:} hint, in milliseconds. */
    static String retry(long millis) {
        return "retry: " + millis + "\n\n";
    }

    /** A reading as an event: {@code alert} for the Alert entity type, {@code change} for every other. */
    static String reading(String id, Reading reading, Location location) {
        String name = ALERT_TYPE.equals(reading.entityType()) ? "alert" : "change";
        return event(id, name, json(change(reading, location)));
    }

    /**
     * A deletion as an event: {@code event: delete}, data {@code {id, type, attribute, source, deletedAt}} with a null
     * attribute when the whole entity is deleted.
     */
    static String deletion(String id, Deletion deletion) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", deletion.entity().toString());
        json.put("type", deletion.entity().type());
        json.put("attribute", deletion.attribute());
        json.put("source", deletion.source());
        json.put("deletedAt", deletion.deletedAt().toString());
        return event(id, "delete", json(json));
    }

    /**
     * The data of a change: entity id, type, attribute, value, unit, observedAt, source, location [lon, lat] or null.
     * The source lets the page mark what came from another site ({@code {site}:{party}/...}).
     */
    static Map<String, Object> change(Reading reading, Location location) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", reading.entity().toString());
        json.put("type", reading.entityType());
        json.put("attribute", reading.attribute());
        json.put("value", reading.value().asObject());
        json.put("unit", reading.unit());
        json.put("observedAt", reading.observedAt().toString());
        json.put("source", reading.source());
        json.put("location", location == null ? null : List.of(location.longitude(), location.latitude()));
        return json;
    }

    static String json(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
    }
}
