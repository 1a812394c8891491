package nl.regie.runtime.core.scope;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.policy.ServiceKinds;

/**
 * What one plugin declared with {@link PluginScope}: the topic filters it reads and publishes, the entity types it
 * actuates, and the services others trust it registers (entity types it drives, parties whose notifications it
 * delivers, URL paths it serves), with the checks the enforcing views make. Immutable; the bus checks allocate
 * nothing.
 */
public final class DeclaredScope {

    /** The scope of a plugin that declared nothing: every check fails. */
    public static final DeclaredScope NOTHING = new DeclaredScope(List.of(), List.of(), Set.of(), Map.of());

    private static final String EVERY_TYPE = "*";

    private final TopicFilter[] reads;
    private final TopicFilter[] publishes;
    private final Set<String> actuates;
    private final boolean actuatesEveryType;
    /** By kind (drives, notifies, serves): the values declared, in order; a kind declared nothing is absent. */
    private final Map<String, List<String>> services;

    private DeclaredScope(List<TopicFilter> reads, List<TopicFilter> publishes, Set<String> actuates,
            Map<String, List<String>> services) {
        this.reads = reads.toArray(TopicFilter[]::new);
        this.publishes = publishes.toArray(TopicFilter[]::new);
        this.actuates = Set.copyOf(actuates);
        this.actuatesEveryType = actuates.contains(EVERY_TYPE);
        this.services = Map.copyOf(services);
    }

    /**
     * A scope from its three lists, each entry validated.
     *
     * @throws IllegalArgumentException naming the list and the bad entry
     */
    public static DeclaredScope of(Collection<String> reads, Collection<String> publishes,
            Collection<String> actuates) {
        return of(reads, publishes, actuates, Map.of());
    }

    /**
     * A scope from its lists, each entry validated: the three of the bus and actuation, and the services by kind
     * ({@value PluginScope#DRIVES}, {@value PluginScope#NOTIFIES}, {@value PluginScope#SERVES}).
     *
     * @throws IllegalArgumentException naming the list and the bad entry
     */
    public static DeclaredScope of(Collection<String> reads, Collection<String> publishes,
            Collection<String> actuates, Map<String, ? extends Collection<String>> services) {
        Map<String, List<String>> declared = new LinkedHashMap<>();
        services.forEach((kind, values) -> {
            Set<String> unique = new LinkedHashSet<>();
            for (String value : values) {
                String problem = ServiceKinds.problem(kind, value);
                if (problem != null) {
                    throw new IllegalArgumentException(kind + ": " + problem);
                }
                unique.add(value);
            }
            if (!unique.isEmpty()) {
                declared.put(kind, List.copyOf(unique));
            }
        });
        Set<String> types = new LinkedHashSet<>();
        for (String type : actuates) {
            if (!EVERY_TYPE.equals(type)) {
                try {
                    EntityId.of(type, "x");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(PluginScope.ACTUATES + ": '" + type
                            + "' is not an entity type (nor '*'): " + e.getMessage(), e);
                }
            }
            types.add(type);
        }
        return new DeclaredScope(filters(PluginScope.READS, reads), filters(PluginScope.PUBLISHES, publishes), types,
                declared);
    }

    /**
     * The union of the scopes in a bundle's {@value PluginScope#NAMESPACE} capabilities, given as their attribute
     * maps. An attribute may be a list or a single string (a hand-written manifest); blank entries are ignored.
     *
     * @throws IllegalArgumentException naming the attribute and the bad entry
     */
    public static DeclaredScope fromCapabilities(List<Map<String, Object>> capabilities) {
        Set<String> reads = new LinkedHashSet<>();
        Set<String> publishes = new LinkedHashSet<>();
        Set<String> actuates = new LinkedHashSet<>();
        Map<String, Set<String>> services = new LinkedHashMap<>();
        for (Map<String, Object> attributes : capabilities) {
            addAll(reads, PluginScope.READS, attributes.get(PluginScope.READS));
            addAll(publishes, PluginScope.PUBLISHES, attributes.get(PluginScope.PUBLISHES));
            addAll(actuates, PluginScope.ACTUATES, attributes.get(PluginScope.ACTUATES));
            for (String kind : ServiceKinds.ALL) {
                addAll(services.computeIfAbsent(kind, k -> new LinkedHashSet<>()), kind, attributes.get(kind));
            }
        }
        return of(reads, publishes, actuates, services);
    }

    private static void addAll(Set<String> into, String name, Object value) {
        if (value == null) {
            return;
        }
        Collection<?> values = value instanceof Collection<?> list ? list
                : value instanceof String[] array ? List.of(array) : List.of(value);
        for (Object entry : values) {
            if (!(entry instanceof String text)) {
                throw new IllegalArgumentException(name + " must hold strings, not " + entry.getClass().getName());
            }
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    into.add(part.trim());
                }
            }
        }
    }

    private static List<TopicFilter> filters(String name, Collection<String> texts) {
        List<TopicFilter> filters = new ArrayList<>();
        for (String text : new LinkedHashSet<>(texts)) {
            try {
                filters.add(TopicFilter.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
        return filters;
    }

    /** Whether the plugin may publish this reading's topic. */
    public boolean mayPublish(Reading reading) {
        EntityId entity = reading.entity();
        return anyMatches(publishes, entity.type(), entity.localId(), reading.attribute());
    }

    /** Whether the plugin may publish an attribute of an entity (and so delete it). */
    public boolean mayPublish(String entityType, String localId, String attribute) {
        return anyMatches(publishes, entityType, localId, attribute);
    }

    /** Whether the plugin may publish some attribute of an entity. */
    public boolean mayPublishOn(String entityType, String localId) {
        for (TopicFilter filter : publishes) {
            if (filter.matchesEntity(entityType, localId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the plugin may read an attribute of an entity (for the city state). */
    public boolean mayRead(String entityType, String localId, String attribute) {
        return anyMatches(reads, entityType, localId, attribute);
    }

    /** Whether some declared read filter covers every topic the filter can match. */
    public boolean covers(TopicFilter filter) {
        for (TopicFilter read : reads) {
            if (read.covers(filter)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the plugin may send commands to entities of a type. */
    public boolean mayActuate(String entityType) {
        return actuatesEveryType || actuates.contains(entityType);
    }

    /**
     * What the plugin declared of a kind of service ({@value PluginScope#DRIVES}, {@value PluginScope#NOTIFIES},
     * {@value PluginScope#SERVES}); empty if nothing.
     */
    public List<String> services(String kind) {
        return services.getOrDefault(kind, List.of());
    }

    /** Whether the plugin declared a value of a kind of service, or one that covers it (see {@link ServiceKinds}). */
    public boolean declares(String kind, String value) {
        return ServiceKinds.covers(kind, services(kind), value);
    }

    /** Whether the plugin declared nothing at all. */
    public boolean isEmpty() {
        return reads.length == 0 && publishes.length == 0 && actuates.isEmpty() && services.isEmpty();
    }

    private static boolean anyMatches(TopicFilter[] filters, String type, String localId, String attribute) {
        for (TopicFilter filter : filters) {
            if (filter.matches(type, localId, attribute)) {
                return true;
            }
        }
        return false;
    }

    /** The declared read filters, for messages. */
    String readsText() {
        return List.of(reads).toString();
    }

    /** The declared publish filters, for messages. */
    String publishesText() {
        return List.of(publishes).toString();
    }

    /** The declared entity types, for messages. */
    String actuatesText() {
        return actuates.stream().sorted().toList().toString();
    }

    /** The scope as the manifest would say it, for messages. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("reads " + readsText() + ", publishes " + publishesText() + ", actuates "
                + actuatesText());
        for (String kind : ServiceKinds.ALL) {
            if (services.containsKey(kind)) {
                text.append(", ").append(kind).append(' ').append(services.get(kind));
            }
        }
        return text.toString();
    }
}
