package nl.regie.runtime.spi.policy;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.scope.PluginScope;

/**
 * The three kinds of service a plugin may register for others to trust, and what a value of each is: one rule for
 * what a plugin declares ({@link PluginScope#drives()}, {@link PluginScope#notifies()}, {@link PluginScope#serves()})
 * and what the policy grants ({@link AccessPolicy#grantedServices}), so that both read the same.
 *
 * <ul>
 * <li>{@value #DRIVES}: entity types, such as {@code Streetlight}, or {@code *} for every type;</li>
 * <li>{@value #NOTIFIES}: parties, such as {@code waterboard}, or {@code *} for every party;</li>
 * <li>{@value #SERVES}: URL path prefixes, such as {@code /acme}, which covers {@code /acme} and every path below
 * it, or {@code /} for every path.</li>
 * </ul>
 */
public final class ServiceKinds {

    /** Entity types an actuation driver carries out commands for. */
    public static final String DRIVES = PluginScope.DRIVES;
    /** Parties whose notifications a notifier delivers. */
    public static final String NOTIFIES = PluginScope.NOTIFIES;
    /** URL paths HTTP whiteboard services serve. */
    public static final String SERVES = PluginScope.SERVES;
    /** The three kinds, in this order. */
    public static final List<String> ALL = List.of(DRIVES, NOTIFIES, SERVES);

    /** Every value of {@value #DRIVES} or {@value #NOTIFIES}. */
    public static final String EVERY = "*";
    /** Every path of {@value #SERVES}. */
    public static final String ROOT = "/";

    /**
     * The paths the runtime itself serves over HTTP. No plugin may be declared or granted one of them, or a path
     * below one: only {@code /}, which trusts a plugin with every path, covers them.
     */
    public static final List<String> RUNTIME_PATHS = List.of("/api", "/health", "/metrics", "/ui", "/index.html");

    private static final Pattern PARTY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");

    private ServiceKinds() {
    }

    /**
     * What is wrong with a value of a kind, or null if it is a valid one.
     *
     * @return a phrase such as {@code "'/acme/' must not end with '/'"}, for a message that names where it was found
     */
    public static String problem(String kind, String value) {
        if (value == null || value.isBlank()) {
            return "a value must not be blank";
        }
        switch (kind) {
            case DRIVES -> {
                if (EVERY.equals(value)) {
                    return null;
                }
                try {
                    EntityId.of(value, "x");
                    return null;
                } catch (IllegalArgumentException e) {
                    return "'" + value + "' is not an entity type (nor '*'): " + e.getMessage();
                }
            }
            case NOTIFIES -> {
                return EVERY.equals(value) || PARTY.matcher(value).matches() ? null : "'" + value + "' is not a party"
                        + " (a lower-case letter, then lower-case letters, digits, '_' or '-', at most 64) nor '*'";
            }
            case SERVES -> {
                return pathProblem(value);
            }
            default -> {
                return "'" + kind + "' is not a kind of service: use " + String.join(", ", ALL);
            }
        }
    }

    private static String pathProblem(String path) {
        if (ROOT.equals(path)) {
            return null;
        }
        if (!path.startsWith("/")) {
            return "'" + path + "' is not a path: it must start with '/' (such as /acme, or / for every path)";
        }
        if (path.endsWith("/")) {
            return "'" + path + "' must not end with '/' (write /acme, which covers /acme/...)";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || !PATH_SEGMENT.matcher(segment).matches()) {
                return "'" + path + "' is not a plain path: each part between '/' must be letters, digits, '.', '_',"
                        + " '~' or '-', and not '.' or '..' (no wildcards: a prefix covers what is below it)";
            }
        }
        for (String own : RUNTIME_PATHS) {
            if (covers(SERVES, List.of(own), path)) {
                return "'" + path + "' is the runtime's own (" + own + "): a plugin serves paths of its own, such as"
                        + " /acme (only '/' trusts it with every path)";
            }
        }
        return null;
    }

    /**
     * Whether the allowed values of a kind (a plugin's declaration, or a grant) cover a value: for
     * {@value #DRIVES} and {@value #NOTIFIES} the value itself or {@code *}; for {@value #SERVES} a prefix of the
     * path at a '/' boundary, or {@code /}.
     */
    public static boolean covers(String kind, Collection<String> allowed, String value) {
        if (SERVES.equals(kind)) {
            for (String prefix : allowed) {
                if (ROOT.equals(prefix) || value.equals(prefix)
                        || value.startsWith(prefix) && value.charAt(prefix.length()) == '/') {
                    return true;
                }
            }
            return false;
        }
        return allowed.contains(EVERY) || allowed.contains(value);
    }

    /** The value of a kind that stands for everything: {@code /} for {@value #SERVES}, else {@code *}. */
    public static String everything(String kind) {
        return SERVES.equals(kind) ? ROOT : EVERY;
    }
}
