package nl.regie.lighting;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Instances of {@link LightingComponent.Config} for tests: the given keys, the annotation's defaults for the rest. */
final class Configs {

    private Configs() {
    }

    /** A configuration with {@code values} by key ({@code dim.from}), as Configuration Admin would give it. */
    static LightingComponent.Config of(Map<String, Object> values) {
        return (LightingComponent.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {LightingComponent.Config.class}, (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    if (values.containsKey(key)) {
                        return values.get(key);
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> LightingComponent.Config.class;
                        case "toString" -> "Config" + values;
                        case "hashCode" -> values.hashCode();
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }

    /** The configuration when none is set. */
    static LightingComponent.Config defaults() {
        return of(Map.of());
    }
}
