package nl.regie.runtime.ngsild.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.Location;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.LdContext;

/**
 * An entity of the city state in NGSI-LD (clause 4.5): {@code id} (Regie's URN), {@code type}, the entity's location as
 * the GeoProperty {@code location} (a GeoJSON Point), and each attribute as a Property with its value, {@code unitCode}
 * and {@code observedAt}, in the {@linkplain Format format} asked for. Names are compacted against the request's
 * context. Plain Java, stateless.
 */
public final class Representation {

    /** The name of the entity's location, a GeoProperty, in every context. */
    public static final String LOCATION = "location";

    private Representation() {
    }

    /**
     * The entity as an ordered JSON object.
     *
     * @param attrs   Regie names of the attributes to show ({@code location} among them), or null for all
     * @param context null to leave {@code @context} out (application/json), else the context to put in the body
     */
    public static Map<String, Object> entity(EntityState entity, Format format, LdContext names, Set<String> attrs,
            Object context) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", entity.id().toString());
        json.put("type", names.term(entity.id().type()));
        if (entity.location() != null && (attrs == null || attrs.contains(LOCATION))) {
            json.put(LOCATION, location(entity.location(), format));
        }
        for (Map.Entry<String, AttributeState> a : entity.attributes().entrySet()) {
            if (attrs == null || attrs.contains(a.getKey())) {
                json.put(names.term(a.getKey()), attribute(a.getValue(), format));
            }
        }
        if (context != null) {
            json.put("@context", context);
        }
        return json;
    }

    /** One attribute in the format: the value alone in keyValues, and in concise when nothing else goes with it. */
    public static Object attribute(AttributeState state, Format format) {
        Object value = state.value().asObject();
        if (format == Format.KEY_VALUES) {
            return value;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        if (format == Format.NORMALIZED) {
            json.put("type", "Property");
        }
        json.put("value", value);
        String code = UnitCodes.codeOf(state.unit());
        if (code != null) {
            json.put("unitCode", code);
        }
        json.put("observedAt", state.observedAt().toString());
        return json;
    }

    /** The location: a GeoProperty in normalized form, the GeoJSON alone otherwise (concise leaves GeoJSON bare). */
    public static Object location(Location location, Format format) {
        Map<String, Object> point = point(location);
        if (format != Format.NORMALIZED) {
            return point;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "GeoProperty");
        json.put("value", point);
        return json;
    }

    /** A GeoJSON Point. */
    public static Map<String, Object> point(Location location) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("type", "Point");
        point.put("coordinates", List.of(location.longitude(), location.latitude()));
        return point;
    }
}
