package nl.regie.runtime.web.access;

/**
 * Which scope each HTTP path needs, before the servlet looks closer (the entity type of a command's target, the
 * party of each entity). Plain Java: {@link #publicAsset} says what needs no token at all, {@link #refusal} what
 * a caller lacks.
 */
final class AccessRules {

    private AccessRules() {
    }

    /**
     * The web page and its static assets (no data in them), and the public side under {@code /public} (the sensor
     * register and the public warnings, read-only, never personal data): served to anyone who can reach the server.
     */
    static boolean publicAsset(String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        return read && (path.isEmpty() || path.equals("/") || path.equals("/index.html") || path.startsWith("/ui/")
                || under(path, "/public"));
    }

    /**
     * The scope the caller lacks for this request, as a 403 problem names it, or null when it may go on.
     *
     * @param path the request's path within the server, without the query
     */
    static String refusal(String method, String path, Caller caller) {
        if (caller.operator()) {
            return null;
        }
        if (path.equals("/health")) {
            return null;
        }
        if (path.equals("/metrics")) {
            return caller.mayReadMetrics() ? null : "metrics";
        }
        if (under(path, "/api/devices") && !method.equals("GET") && !method.equals("HEAD")) {
            // Giving devices MQTT credentials, renewing and revoking them: who may speak for which device.
            return Caller.OPERATOR;
        }
        if (under(path, "/api/entities") || under(path, "/api/devices") || under(path, "/api/alerts")
                || under(path, "/api/stream") || under(path, "/api/notifications") || under(path, "/api/history")) {
            return caller.mayReadAny() ? null : "read:<EntityType>";
        }
        if (under(path, "/api/commands")) {
            return caller.mayCommandAny() ? null : "command:<EntityType>";
        }
        if (under(path, "/api/plugins")) {
            return caller.mayManagePlugins() ? null : "plugins";
        }
        if (under(path, "/api/audit") || under(path, "/api/config")) {
            return caller.mayAudit() ? null : "audit";
        }
        if (under(path, "/ngsi-ld")) {
            // The NGSI-LD bundle checks each entity type (read or publish) and answers in the standard's terms.
            return caller.mayReadAny() || caller.mayPublishAny() ? null : "read:<EntityType> or publish:<EntityType>";
        }
        if (under(path, "/api")) {
            return "operator";
        }
        return null;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
