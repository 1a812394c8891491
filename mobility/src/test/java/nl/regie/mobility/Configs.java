package nl.regie.mobility;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Configurations for tests: {@link FlowWatcher.Config} with the given keys set and the rest at their defaults. */
final class Configs {

    private Configs() {
    }

    /** A configuration with the named keys (dotted, e.g. {@code crowd.busy.density}) set. */
    static FlowWatcher.Config of(Map<String, Object> values) {
        for (String key : values.keySet()) {
            try {
                FlowWatcher.Config.class.getMethod(key.replace('.', '_'));
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("no configuration key " + key, e);
            }
        }
        return (FlowWatcher.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {FlowWatcher.Config.class}, (proxy, method, args) -> value(method, values));
    }

    /** The configuration with every key at its default. */
    static FlowWatcher.Config defaults() {
        return of(Map.of());
    }

    private static Object value(Method method, Map<String, Object> values) {
        switch (method.getName()) {
            case "annotationType":
                return FlowWatcher.Config.class;
            case "toString":
                return "Config" + values;
            case "hashCode":
                return values.hashCode();
            default:
                String key = method.getName().replace('_', '.');
                return values.containsKey(key) ? values.get(key) : method.getDefaultValue();
        }
    }
}
