package nl.regie.runtime.core.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import nl.regie.runtime.spi.policy.ServiceKinds;

/**
 * What serving an HTTP whiteboard service takes, in the terms of a plugin's {@code serves}: the URL paths the service
 * would see requests for. Plain Java over a service's properties, so every case is one line of a table test.
 *
 * <p>A service is an HTTP whiteboard service when one of its object classes is a servlet, filter, listener, servlet
 * context helper or preprocessor type (javax or jakarta, whiteboard 1.x or 2.0), or when it has an
 * {@code osgi.http.whiteboard.*} property: that is what the HTTP implementation picks up. In the default context (no
 * {@code context.select}, or one naming {@code default}) a servlet, resource or filter pattern {@code /acme/*} or
 * {@code /acme} needs {@code /acme}; what sees requests beyond its own paths needs {@code /}, which trusts the plugin
 * with every path: the default servlet {@code /}, {@code /*}, an extension pattern {@code *.jsp}, an error page, a
 * listener, a filter by regex or by servlet name, a preprocessor, and anything that selects contexts other than the
 * default and the plugin's own (such as {@code (osgi.http.whiteboard.context.name=*)}, which includes the default).
 * A plugin's own context must be named by the plugin's symbolic name (so it cannot shadow {@code default} or another
 * plugin's) and needs its path; what selects exactly that context needs only some path granted, since the context's
 * path is checked on the context itself.
 *
 * @param paths what it needs: each a path for {@link ServiceKinds#covers}; empty when any granted path will do
 * @param what  the service as messages name it, with why it needs what it needs
 */
record WhiteboardNeeds(List<String> paths, String what) {

    static final String PREFIX = "osgi.http.whiteboard.";
    static final String CONTEXT_NAME = PREFIX + "context.name";
    static final String CONTEXT_PATH = PREFIX + "context.path";
    static final String CONTEXT_SELECT = PREFIX + "context.select";
    static final String SERVLET_PATTERN = PREFIX + "servlet.pattern";
    static final String SERVLET_ERROR_PAGE = PREFIX + "servlet.errorPage";
    static final String RESOURCE_PATTERN = PREFIX + "resource.pattern";
    static final String FILTER_PATTERN = PREFIX + "filter.pattern";
    static final String FILTER_REGEX = PREFIX + "filter.regex";
    static final String FILTER_SERVLET = PREFIX + "filter.servlet";
    static final String LISTENER = PREFIX + "listener";
    static final String DEFAULT_CONTEXT = "default";

    private static final Set<String> CONTEXT_TYPES = Set.of("org.osgi.service.http.context.ServletContextHelper",
            "org.osgi.service.servlet.context.ServletContextHelper", "org.osgi.service.http.HttpContext");
    private static final Set<String> PREPROCESSOR_TYPES = Set.of("org.osgi.service.http.whiteboard.Preprocessor",
            "org.osgi.service.servlet.whiteboard.Preprocessor");
    private static final Set<String> LISTENER_TYPES = Set.of("ServletContextListener",
            "ServletContextAttributeListener", "ServletRequestListener", "ServletRequestAttributeListener",
            "http.HttpSessionListener", "http.HttpSessionAttributeListener", "http.HttpSessionIdListener");
    private static final Set<String> SERVLET_TYPES = Set.of("Servlet", "Filter");

    /**
     * What an HTTP whiteboard service of a plugin needs, or null if the service is not one.
     *
     * @param objectClass  the service's object classes
     * @param property     its properties by key
     * @param keys         its property keys
     * @param serviceId    its service id, for messages
     * @param symbolicName the registering plugin's symbolic name: the name its own context must have
     */
    static WhiteboardNeeds of(String[] objectClass, Function<String, Object> property, String[] keys, long serviceId,
            String symbolicName) {
        if (!isWhiteboard(objectClass, keys)) {
            return null;
        }
        boolean context = false;
        boolean preprocessor = false;
        for (String type : objectClass) {
            context |= CONTEXT_TYPES.contains(type);
            preprocessor |= PREPROCESSOR_TYPES.contains(type);
        }
        String service = "HTTP whiteboard service " + serviceId;
        if (preprocessor) {
            return new WhiteboardNeeds(List.of(ServiceKinds.ROOT), service + " (a preprocessor, which sees every"
                    + " request of every context)");
        }
        if (context || property.apply(CONTEXT_NAME) != null) {
            return ofContext(property, service, symbolicName);
        }
        String select = property.apply(CONTEXT_SELECT) instanceof String text ? text.replaceAll("\\s", "") : null;
        if (select != null && select.equals("(" + CONTEXT_NAME + "=" + symbolicName + ")")) {
            return new WhiteboardNeeds(List.of(), service + " in the plugin's own context " + symbolicName);
        }
        if (select != null && !select.equals("(" + CONTEXT_NAME + "=" + DEFAULT_CONTEXT + ")")) {
            return new WhiteboardNeeds(List.of(ServiceKinds.ROOT), service + " selecting " + select + " (only the"
                    + " default context or the plugin's own, " + CONTEXT_NAME + "=" + symbolicName
                    + ", are checked by path; any other selection needs every path)");
        }
        return ofDefaultContext(property, service);
    }

    /** Whether a service is one an HTTP whiteboard implementation picks up: by an object class or a property. */
    static boolean isWhiteboard(String[] objectClass, String[] keys) {
        for (String type : objectClass) {
            if (CONTEXT_TYPES.contains(type) || PREPROCESSOR_TYPES.contains(type) || servletType(type)) {
                return true;
            }
        }
        for (String key : keys) {
            if (key.startsWith(PREFIX)) {
                return true;
            }
        }
        return false;
    }

    private static boolean servletType(String type) {
        for (String api : List.of("javax.servlet.", "jakarta.servlet.")) {
            if (type.startsWith(api)) {
                String name = type.substring(api.length());
                if (SERVLET_TYPES.contains(name) || LISTENER_TYPES.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static WhiteboardNeeds ofContext(Function<String, Object> property, String service, String symbolicName) {
        Object name = property.apply(CONTEXT_NAME);
        Object path = property.apply(CONTEXT_PATH);
        String described = service + " (servlet context " + name + " at " + path + ")";
        if (!symbolicName.equals(name)) {
            return new WhiteboardNeeds(List.of(ServiceKinds.ROOT), described + ", not named by the plugin's symbolic"
                    + " name " + symbolicName + ": it could take the place of another context (" + DEFAULT_CONTEXT
                    + " is the runtime's), which needs every path");
        }
        if (!(path instanceof String text) || text.isEmpty()) {
            return new WhiteboardNeeds(List.of(ServiceKinds.ROOT), described);
        }
        return new WhiteboardNeeds(List.of(prefixOf(text)), described);
    }

    private static WhiteboardNeeds ofDefaultContext(Function<String, Object> property, String service) {
        Set<String> paths = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        for (String key : List.of(SERVLET_PATTERN, RESOURCE_PATTERN, FILTER_PATTERN)) {
            List<String> patterns = strings(property.apply(key));
            if (!patterns.isEmpty()) {
                reasons.add(key.substring(PREFIX.length()) + " " + patterns);
                patterns.forEach(pattern -> paths.add(prefixOfPattern(pattern)));
            }
        }
        for (String key : List.of(SERVLET_ERROR_PAGE, FILTER_REGEX, FILTER_SERVLET)) {
            if (property.apply(key) != null) {
                reasons.add(key.substring(PREFIX.length()) + " " + strings(property.apply(key)));
                paths.add(ServiceKinds.ROOT);
            }
        }
        Object listener = property.apply(LISTENER);
        if (Boolean.TRUE.equals(listener) || "true".equalsIgnoreCase(String.valueOf(listener))) {
            reasons.add("a listener");
            paths.add(ServiceKinds.ROOT);
        }
        return new WhiteboardNeeds(List.copyOf(paths), service + (reasons.isEmpty() ? "" : " ("
                + String.join(", ", reasons) + ", in the default context)"));
    }

    /** The path a servlet, resource or filter pattern sees requests for; {@code /} beyond a plain path. */
    static String prefixOfPattern(String pattern) {
        String path = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        if (path.isEmpty() || path.contains("*") || !path.startsWith("/")) {
            return ServiceKinds.ROOT; // the default servlet, /*, the context root, *.ext, or not a path at all
        }
        return prefixOf(path);
    }

    private static String prefixOf(String path) {
        String trimmed = path;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.startsWith("/") ? trimmed : ServiceKinds.ROOT;
    }

    private static List<String> strings(Object value) {
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
