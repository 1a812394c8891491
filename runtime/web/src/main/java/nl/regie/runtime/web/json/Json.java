package nl.regie.runtime.web.json;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JSON for the HTTP API: responses, RFC 9457 problem details, and the JSON shape of API types.
 * The shapes are explicit maps rather than reflection over records, so the wire format is stated here
 * and does not change when a record gains a field.
 */
public final class Json {

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    public static void write(HttpServletResponse response, int status, Object body) throws IOException {
        send(response, status, JSON, body);
    }

    /**
     * Writes an RFC 9457 problem: {@code type} is about:blank, so {@code title} is the status's phrase and
     * {@code detail} says what exactly was wrong with this request.
     */
    public static void problem(HttpServletResponse response, int status, String title, String detail, String instance)
            throws IOException {
        problem(response, status, title, detail, instance, Map.of());
    }

    /** A problem with extension members (RFC 9457, section 3.2) after the standard ones; also the access filter's. */
    public static void problem(HttpServletResponse response, int status, String title, String detail, String instance,
            Map<String, Object> extensions) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", instance);
        problem.putAll(extensions);
        send(response, status, PROBLEM_JSON, problem);
    }

    private static void send(HttpServletResponse response, int status, String contentType, Object body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        MAPPER.writeValue(response.getOutputStream(), body);
    }

    /** An entity as NGSI-LD-like JSON: id, type, location as GeoJSON point, attributes with value, unit, observedAt. */
    public static Map<String, Object> entity(EntityState entity) {
        return entity(entity, id -> Set.of());
    }

    /**
     * An entity, with {@code "stale": true} on each attribute {@code staleOf} names for it: the last value a plugin
     * published before it was uninstalled, which nothing will update; and {@code "stale": true} on the entity itself
     * when every attribute it has is stale.
     */
    public static Map<String, Object> entity(EntityState entity, Function<EntityId, Set<String>> staleOf) {
        Set<String> stale = staleOf.apply(entity.id());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", entity.id().toString());
        json.put("type", entity.id().type());
        if (entity.location() != null) {
            json.put("location", point(entity.location()));
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, AttributeState> a : entity.attributes().entrySet()) {
            attributes.put(a.getKey(), attribute(a.getValue(), stale.contains(a.getKey())));
        }
        json.put("attributes", attributes);
        json.put("updatedAt", entity.updatedAt().toString());
        if (!attributes.isEmpty() && stale.containsAll(entity.attributes().keySet())) {
            json.put("stale", true);
        }
        return json;
    }

    public static List<Map<String, Object>> entities(List<EntityState> entities) {
        return entities(entities, id -> Set.of());
    }

    /** Entities, marking the values of removed plugins stale (see {@link #entity(EntityState, Function)}). */
    public static List<Map<String, Object>> entities(List<EntityState> entities,
            Function<EntityId, Set<String>> staleOf) {
        return entities.stream().map(e -> entity(e, staleOf)).toList();
    }

    private static Map<String, Object> attribute(AttributeState state, boolean stale) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("value", state.value().asObject());
        json.put("unit", state.unit());
        json.put("observedAt", state.observedAt().toString());
        json.put("source", state.source());
        if (stale) {
            json.put("stale", true);
        }
        return json;
    }

    private static Map<String, Object> point(Location location) {
        return Map.of("type", "Point", "coordinates", List.of(location.longitude(), location.latitude()));
    }
}
