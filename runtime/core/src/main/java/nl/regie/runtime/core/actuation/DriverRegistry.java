package nl.regie.runtime.core.actuation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import nl.regie.api.actuation.ActuationDriver;

/**
 * The actuation drivers by entity type. When several drivers claim one type, the highest service ranking
 * wins, then the lowest service id (the oldest), as for any OSGi service lookup; a driver that may not drive the type
 * now (its plugin's grant was withdrawn) is passed over, whatever its ranking.
 */
final class DriverRegistry {

    /**
     * One registered driver service.
     *
     * @param mayDrive whether it may drive an entity type now (its plugin's declared scope and the policy in force)
     */
    record Entry(ActuationDriver driver, long serviceId, int ranking, List<String> entityTypes,
            Predicate<String> mayDrive) {

        /** A driver that may drive every type it names (a runtime bundle's, or a test's). */
        Entry(ActuationDriver driver, long serviceId, int ranking, List<String> entityTypes) {
            this(driver, serviceId, ranking, entityTypes, type -> true);
        }
    }

    private static final Comparator<Entry> PREFERRED_FIRST = Comparator.comparingInt((Entry e) -> -e.ranking())
            .thenComparingLong(Entry::serviceId);

    private final Map<String, List<Entry>> byType = new ConcurrentHashMap<>();

    void add(Entry entry) {
        for (String type : entry.entityTypes()) {
            byType.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(entry);
        }
    }

    void remove(long serviceId) {
        for (List<Entry> entries : byType.values()) {
            entries.removeIf(e -> e.serviceId() == serviceId);
        }
    }

    Optional<ActuationDriver> driverFor(String entityType) {
        List<Entry> entries = byType.get(entityType);
        if (entries == null || entries.isEmpty()) {
            return Optional.empty();
        }
        return new ArrayList<>(entries).stream().filter(e -> e.mayDrive().test(entityType)).min(PREFERRED_FIRST)
                .map(Entry::driver);
    }

    /**
     * Reads the entity types property of a driver service: a String or a String array, each a non-blank type.
     *
     * @throws IllegalArgumentException if the property is missing or malformed
     */
    static List<String> entityTypes(Object property) {
        List<String> types = new ArrayList<>();
        if (property instanceof String s) {
            types.add(s);
        } else if (property instanceof String[] array) {
            types.addAll(List.of(array));
        } else if (property != null) {
            throw new IllegalArgumentException("property " + ActuationDriver.ENTITY_TYPES
                    + " must be a String or String[], was " + property.getClass().getSimpleName());
        }
        if (types.isEmpty() || types.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("property " + ActuationDriver.ENTITY_TYPES
                    + " must name at least one entity type and no blank ones");
        }
        return List.copyOf(types);
    }
}
