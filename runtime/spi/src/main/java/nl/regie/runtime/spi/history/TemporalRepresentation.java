package nl.regie.runtime.spi.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import nl.regie.api.model.EntityId;

/**
 * An entity's history in the NGSI-LD temporal representation (ETSI GS CIM 009, clause 4.5.9), shared by
 * {@code /api/history?options=temporal} and the NGSI-LD API's {@code /ngsi-ld/v1/temporal/entities}: each attribute
 * an array of {@code {type: Property, value, observedAt}} in time order (the series of several sources merged), or in
 * the simplified form ({@code options=temporalValues}) one {@code {type: Property, values: [[value, observedAt],
 * ...]}}.
 */
public final class TemporalRepresentation {

    private TemporalRepresentation() {
    }

    /**
     * The entity.
     *
     * @param names      an entity type or attribute in the answer's terms (the identity for Regie's own names)
     * @param lastN      keep only the last N instances of each attribute; 0 for all
     * @param simplified the temporalValues form
     */
    public static Map<String, Object> entity(EntityId id, List<Series> series, UnaryOperator<String> names, int lastN,
            boolean simplified) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("id", id.toString());
        entity.put("type", names.apply(id.type()));
        for (Map.Entry<String, List<Point>> e : byAttribute(series).entrySet()) {
            List<Point> points = e.getValue();
            if (lastN > 0 && points.size() > lastN) {
                points = points.subList(points.size() - lastN, points.size());
            }
            if (simplified) {
                List<Object[]> values = new ArrayList<>(points.size());
                for (Point point : points) {
                    values.add(new Object[] {point.value().asObject(), point.time().toString()});
                }
                Map<String, Object> attribute = new LinkedHashMap<>();
                attribute.put("type", "Property");
                attribute.put("values", values);
                entity.put(names.apply(e.getKey()), attribute);
                continue;
            }
            List<Map<String, Object>> instances = new ArrayList<>(points.size());
            for (Point point : points) {
                Map<String, Object> instance = new LinkedHashMap<>();
                instance.put("type", "Property");
                instance.put("value", point.value().asObject());
                instance.put("observedAt", point.time().toString());
                instances.add(instance);
            }
            entity.put(names.apply(e.getKey()), instances);
        }
        return entity;
    }

    /** The points of each attribute in time order, the series of several sources merged. */
    public static Map<String, List<Point>> byAttribute(List<Series> series) {
        Map<String, List<Point>> byAttribute = new LinkedHashMap<>();
        for (Series s : series) {
            byAttribute.computeIfAbsent(s.attribute(), a -> new ArrayList<>()).addAll(s.points());
        }
        byAttribute.values().forEach(points -> points.sort(Comparator.comparing(Point::time)));
        return byAttribute;
    }
}
