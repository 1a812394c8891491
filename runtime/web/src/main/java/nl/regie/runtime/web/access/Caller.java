package nl.regie.runtime.web.access;

import java.util.Set;
import java.util.TreeSet;

import javax.servlet.ServletRequest;

import nl.regie.runtime.spi.access.HttpCaller;

/**
 * Who makes an HTTP request, as the {@link AccessFilter} found out: a configured token's name, party and scopes, or
 * the {@link #LOCAL_OPERATOR operator} (the operator's token, or loopback without a token under the development
 * switch). The filter puts it in the request attribute
 * {@value #ATTRIBUTE}; the servlets read it with {@link #of}.
 *
 * <p>Scopes: {@code read:<EntityType>} or {@code read:*} (query and stream that type), {@code command:<EntityType>}
 * or {@code command:*} (send commands to entities of that type), {@code publish:<EntityType>} or {@code publish:*}
 * (create, update and delete entities of that type through the NGSI-LD API, as the token's party), {@code plugins} (list and manage plugins),
 * {@code audit} (read the audit log and the configuration), {@code metrics} ({@code /metrics}) and {@code operator}
 * (everything, and all data unfiltered).
 *
 * @param name     the token's name, {@code operator} for the local operator
 * @param party    the party it acts for
 * @param scopes   what it may do
 * @param grant    the fingerprint of its token as configured when the request came ({@link Token#grant()}); empty for
 *                 the operator and for callers made in tests
 */
public record Caller(String name, String party, Set<String> scopes, String grant) implements HttpCaller {

    /** The request attribute that holds the caller. */
    public static final String ATTRIBUTE = HttpCaller.ATTRIBUTE;
    static final String READ = "read";
    static final String COMMAND = "command";
    static final String PUBLISH = "publish";
    static final String PLUGINS = "plugins";
    static final String AUDIT = "audit";
    static final String METRICS = "metrics";
    static final String OPERATOR = "operator";

    /** The operator: the operator's token (or, on a developer's machine, loopback without one). Sees and may do everything. */
    public static final Caller LOCAL_OPERATOR = new Caller("operator", "", Set.of(OPERATOR));
    /** Nobody: what a servlet sees when no access filter ran. May do nothing. */
    public static final Caller NOBODY = new Caller("nobody", "", Set.of());

    /** Copies the scopes. */
    public Caller {
        scopes = Set.copyOf(scopes);
    }

    /** A caller of no configured token (the operator, nobody, tests): its grant is empty. */
    public Caller(String name, String party, Set<String> scopes) {
        this(name, party, scopes, "");
    }

    /** The caller the access filter put in the request, or {@link #NOBODY} when none did. */
    public static Caller of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? caller : NOBODY;
    }

    /** Whether it has the operator scope: everything, unfiltered. */
    @Override
    public boolean operator() {
        return scopes.contains(OPERATOR);
    }

    /** Whether it may read entities of this type. */
    @Override
    public boolean mayRead(String entityType) {
        return operator() || scopes.contains("read:*") || scopes.contains("read:" + entityType);
    }

    /** Whether it may read some entity type. */
    public boolean mayReadAny() {
        return operator() || scopes.stream().anyMatch(s -> s.startsWith("read:"));
    }

    /** The entity types it may read, or null when it may read every type. */
    public Set<String> readTypes() {
        if (operator() || scopes.contains("read:*")) {
            return null;
        }
        Set<String> types = new TreeSet<>();
        scopes.stream().filter(s -> s.startsWith("read:")).forEach(s -> types.add(s.substring("read:".length())));
        return types;
    }

    /** Whether it may publish entities of this type (the NGSI-LD API's writes). */
    @Override
    public boolean mayPublish(String entityType) {
        return operator() || scopes.contains("publish:*") || scopes.contains("publish:" + entityType);
    }

    /** Whether it may publish some entity type. */
    @Override
    public boolean mayPublishAny() {
        return operator() || scopes.stream().anyMatch(s -> s.startsWith("publish:"));
    }

    /** Whether it may command entities of this type. */
    public boolean mayCommand(String entityType) {
        return operator() || scopes.contains("command:*") || scopes.contains("command:" + entityType);
    }

    /** Whether it may command some entity type. */
    public boolean mayCommandAny() {
        return operator() || scopes.stream().anyMatch(s -> s.startsWith("command:"));
    }

    /** Whether it may list and manage plugins. */
    public boolean mayManagePlugins() {
        return operator() || scopes.contains(PLUGINS);
    }

    /** Whether it may read the audit log and the configuration. */
    public boolean mayAudit() {
        return operator() || scopes.contains(AUDIT);
    }

    /** Whether it may read {@code /metrics}. */
    public boolean mayReadMetrics() {
        return operator() || scopes.contains(METRICS);
    }
}
