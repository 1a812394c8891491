package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import nl.regie.api.actuation.Command;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON body of {@code POST /api/commands}, read and checked; see {@link CommandsServlet} for its fields. */
final class CommandBody {

    private static final Set<String> FIELDS = Set.of("id", "target", "action", "parameters", "timeoutSeconds", "deadline");
    private static final int DEFAULT_TIMEOUT_SECONDS = CommandsServlet.DEFAULT_TIMEOUT_SECONDS;
    private static final long MAX_TIMEOUT_SECONDS = CommandsServlet.MAX_TIMEOUT_SECONDS;

    private CommandBody() {
    }

    /**
     * Reads a command from a request body.
     *
     * @throws IllegalArgumentException with what is wrong, naming the field
     */
    static Command read(ObjectMapper mapper, Clock clock, byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with 'target' and 'action'");
        }
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field(s) " + unknown + "; known are " + List.copyOf(
                    new java.util.TreeSet<>(FIELDS)));
        }
        String id = text(root, "id", false);
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        EntityId target;
        try {
            target = EntityId.parse(text(root, "target", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'target': " + e.getMessage(), e);
        }
        String action = text(root, "action", true);
        Map<String, Value> parameters = parameters(root.get("parameters"));
        Instant deadline = deadline(root, clock);
        try {
            return new Command(id, target, action, parameters, deadline);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a text");
        }
        return node.textValue();
    }

    private static Map<String, Value> parameters(JsonNode node) {
        Map<String, Value> parameters = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return parameters;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("'parameters' must be an object of numbers, booleans and texts");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode value = p.getValue();
            if (value.isNumber()) {
                double number = value.doubleValue();
                if (!Double.isFinite(number)) {
                    throw new IllegalArgumentException("parameter '" + p.getKey() + "' must be a finite number");
                }
                parameters.put(p.getKey(), Value.of(number));
            } else if (value.isBoolean()) {
                parameters.put(p.getKey(), Value.of(value.booleanValue()));
            } else if (value.isTextual()) {
                parameters.put(p.getKey(), Value.of(value.textValue()));
            } else {
                throw new IllegalArgumentException("parameter '" + p.getKey() + "' must be a number, a boolean or a text");
            }
        }
        return parameters;
    }

    private static Instant deadline(JsonNode root, Clock clock) {
        JsonNode timeout = root.get("timeoutSeconds");
        JsonNode deadline = root.get("deadline");
        if (timeout != null && deadline != null) {
            throw new IllegalArgumentException("give either 'timeoutSeconds' or 'deadline', not both");
        }
        Instant now = clock.instant();
        if (deadline != null) {
            if (!deadline.isTextual()) {
                throw new IllegalArgumentException("'deadline' must be an ISO-8601 instant such as 2026-06-01T12:00:00Z");
            }
            Instant at;
            try {
                at = Instant.parse(deadline.textValue());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'deadline' must be an ISO-8601 instant such as 2026-06-01T12:00:00Z,"
                        + " was '" + deadline.textValue() + "'", e);
            }
            if (!at.isAfter(now)) {
                throw new IllegalArgumentException("'deadline' " + at + " has already passed");
            }
            if (at.isAfter(now.plusSeconds(MAX_TIMEOUT_SECONDS))) {
                throw new IllegalArgumentException("'deadline' " + at + " is more than a day away");
            }
            return at;
        }
        if (timeout == null) {
            return now.plusSeconds(DEFAULT_TIMEOUT_SECONDS);
        }
        double seconds = timeout.isNumber() ? timeout.doubleValue() : Double.NaN;
        if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
            throw new IllegalArgumentException("'timeoutSeconds' must be a number more than 0 and at most "
                    + MAX_TIMEOUT_SECONDS);
        }
        return now.plus(Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))));
    }
}
