package nl.regie.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code Provide-Capability} header as OSGi Core defines it (clauses separated by commas; in each, the namespace
 * and then {@code name[:Type]=value} attributes separated by semicolons; values may be quoted), into each clause of one
 * namespace's attributes, typed as the framework types them: a {@code List<String>} becomes a list. This is the form
 * the runtime reads a plugin's declared scope in ({@code BundleRevision.getDeclaredCapabilities}).
 */
final class CapabilityHeader {

    private CapabilityHeader() {
    }

    /**
     * The attributes of every clause of {@code namespace} in the header.
     *
     * @throws IllegalArgumentException naming the clause when the header is malformed
     */
    static List<Map<String, Object>> attributes(String header, String namespace) {
        List<Map<String, Object>> found = new ArrayList<>();
        if (header == null) {
            return found;
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            if (parts.isEmpty() || !parts.get(0).trim().equals(namespace)) {
                continue;
            }
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (String part : parts.subList(1, parts.size())) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("malformed attribute '" + part.trim() + "' in " + clause.trim());
                }
                String name = part.substring(0, eq).trim();
                if (name.endsWith(":")) {
                    continue; // a directive, name:=value
                }
                String value = unquote(part.substring(eq + 1).trim());
                int colon = name.indexOf(':');
                String type = colon < 0 ? "String" : name.substring(colon + 1).trim();
                attributes.put(colon < 0 ? name : name.substring(0, colon).trim(), typed(type, value, clause));
            }
            found.add(attributes);
        }
        return found;
    }

    private static Object typed(String type, String value, String clause) {
        return switch (type) {
            case "String" -> value;
            case "List<String>" -> value.isEmpty() ? List.of() : split(value, ',').stream().map(String::trim).toList();
            default -> throw new IllegalArgumentException("attribute type " + type + " is not read here, in " + clause.trim());
        };
    }

    /** Splits on a separator outside double quotes, honouring backslash escapes. */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            parts.add(current.toString());
        }
        return parts;
    }

    private static String unquote(String value) {
        String inner = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
        return inner.replace("\\\"", "\"");
    }
}
