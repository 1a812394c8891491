package nl.regie.mqtt.access;

/**
 * MQTT topic matching (MQTT 5, section 4.7): whether a filter matches a topic, and whether one filter covers another
 * (every topic the second can match, the first matches too). A filter whose first level is a wildcard does not match a
 * topic that begins with {@code $}.
 */
public final class TopicFilters {

    private TopicFilters() {
    }

    /** Whether {@code filter} matches {@code topic} (a topic without wildcards). */
    public static boolean matches(String filter, String topic) {
        return matches(filter.split("/", -1), topic.split("/", -1), topic.startsWith("$"));
    }

    /**
     * Whether a filter matches a topic, both split into their levels.
     *
     * @param system whether the topic begins with {@code $}
     */
    static boolean matches(String[] f, String[] t, boolean system) {
        if (system && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Whether every topic {@code requested} can match is matched by {@code allowed}. */
    public static boolean covers(String allowed, String requested) {
        String[] a = allowed.split("/", -1);
        String[] r = requested.split("/", -1);
        if (requested.startsWith("$") && (a[0].equals("+") || a[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < r.length; i++) {
            if (i >= a.length) {
                return false;
            }
            if (a[i].equals("#")) {
                return true;
            }
            if (r[i].equals("#")) {
                return false;
            }
            if (r[i].equals("+") ? !a[i].equals("+") : !a[i].equals("+") && !a[i].equals(r[i])) {
                return false;
            }
        }
        // The requested filter ended: it is covered if the allowed one ends too, or goes on only with '#' (which
        // matches its parent level).
        return a.length == r.length || (a.length == r.length + 1 && a[r.length].equals("#"));
    }

    /** The filter inside a shared subscription ({@code $share/{group}/{filter}}), or the filter itself. */
    public static String unshared(String filter) {
        if (filter.startsWith("$share/")) {
            int slash = filter.indexOf('/', "$share/".length());
            return slash < 0 ? filter : filter.substring(slash + 1);
        }
        return filter;
    }
}
