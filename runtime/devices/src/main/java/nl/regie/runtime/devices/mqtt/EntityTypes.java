package nl.regie.runtime.devices.mqtt;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.service.log.Logger;

/**
 * The entity types of device-backed entities known so far (from the registry and from births), and the one listener
 * told of each new one: the component that registers an MQTT actuation driver per type. Thread-safe.
 */
final class EntityTypes {

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Logger log;
    private volatile Consumer<String> listener = type -> { };

    EntityTypes(Logger log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Adds a type; tells the listener if it is new. A listener that throws is logged, and the type stays known. */
    void learn(String type) {
        if (known.add(type)) {
            try {
                listener.accept(type);
            } catch (RuntimeException e) {
                log.error("Could not offer MQTT actuation for entity type {}", type, e);
            }
        }
    }

    /** Sets the listener and tells it every type known now; from then on it hears of each new one, once. */
    void onNew(Consumer<String> newListener) {
        listener = Objects.requireNonNull(newListener, "listener");
        List.copyOf(known).forEach(newListener);
    }

    Set<String> all() {
        return Set.copyOf(known);
    }
}
