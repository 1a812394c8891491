package nl.regie.waste;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.service.log.Logger;

/** Small helpers the tests share: configurations, a recording logger, readings. */
final class Fakes {

    static final Instant T0 = Instant.parse("2026-07-01T08:00:00Z");

    private Fakes() {
    }

    /** A configuration with its defaults, except the given keys ({@code full.threshold} style). */
    static WastePlugin.Config config(Map<String, Object> values) {
        return (WastePlugin.Config) Proxy.newProxyInstance(WastePlugin.Config.class.getClassLoader(),
                new Class<?>[] {WastePlugin.Config.class}, (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    return values.containsKey(key) ? values.get(key) : method.getDefaultValue();
                });
    }

    static WastePlugin.Config config() {
        return config(Map.of());
    }

    /** A logger that keeps "LEVEL message" lines. */
    static Logger logger(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (args != null && args.length > 0 && args[0] instanceof String message) {
                        lines.add(method.getName().toUpperCase() + " " + message);
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }

    static Logger logger() {
        return logger(new ArrayList<>());
    }

    static EntityId bin(String localId) {
        return EntityId.of("WasteContainer", localId);
    }

    static Reading reading(String localId, String attribute, Value value, Instant at, Location location) {
        String unit = attribute.equals("temperature") ? "Cel" : attribute.equals("fillingLevel") ? "/" : "";
        return new Reading(bin(localId), attribute, value, unit, at, at, localId, location);
    }

    static Reading level(String localId, double level, Instant at) {
        return reading(localId, "fillingLevel", Value.of(level), at, Location.of(4.89, 52.37));
    }

    static Reading temperature(String localId, double celsius, Instant at) {
        return reading(localId, "temperature", Value.of(celsius), at, Location.of(4.89, 52.37));
    }

    static Reading kind(String localId, String kind, Instant at) {
        return reading(localId, "storedWasteKind", Value.of(kind), at, Location.of(4.89, 52.37));
    }
}
