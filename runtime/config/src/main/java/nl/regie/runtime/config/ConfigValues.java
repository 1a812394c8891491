package nl.regie.runtime.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * The values of a whole configuration file, checked against the attributes of the PID's metatype: each key must
 * be an attribute, each value must be what that attribute declares (see {@link AttributeValue}). One problem
 * anywhere refuses the whole file, so every problem is reported at once.
 *
 * @param values the typed values by key, in file order; empty when there are problems
 * @param problems what is wrong, one sentence each ({@code full.threshold = 1.5 is above the maximum 1})
 */
record ConfigValues(Map<String, Object> values, List<String> problems) {

    /** Values longer than this are shortened in messages. */
    private static final int MAX_SHOWN = 120;

    ConfigValues {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        problems = List.copyOf(problems);
    }

    /** Converts {@code raw} (key to text, stripped) against the PID's metatype. */
    static ConfigValues convert(Schema schema, Map<String, String> raw) {
        Map<String, AttributeDefinition> byKey = new LinkedHashMap<>();
        for (AttributeDefinition definition : schema.attributes()) {
            byKey.put(definition.getID(), definition);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        raw.forEach((key, text) -> {
            AttributeDefinition definition = byKey.get(key);
            if (definition == null) {
                unknown.add(key);
                return;
            }
            AttributeValue.Result result = new AttributeValue(definition, schema.ranges().get(key)).convert(text);
            if (result instanceof AttributeValue.Valid valid) {
                values.put(key, valid.value());
            } else {
                String problem = ((AttributeValue.Invalid) result).problem();
                problems.add(key + " = " + shown(text) + (problem.startsWith(":") ? "" : " ") + problem);
            }
        });
        if (!unknown.isEmpty()) {
            String known = byKey.isEmpty() ? "it declares none" : "known keys: " + String.join(", ", byKey.keySet());
            problems.add(0, (unknown.size() == 1 ? "unknown key " : "unknown keys ") + String.join(", ", unknown)
                    + " (" + known + ")");
        }
        return problems.isEmpty() ? new ConfigValues(values, List.of()) : new ConfigValues(Map.of(), problems);
    }

    /** Whether every value is valid. */
    boolean valid() {
        return problems.isEmpty();
    }

    private static String shown(String text) {
        if (text.isEmpty()) {
            return "(empty)";
        }
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }
}
