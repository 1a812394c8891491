package nl.regie.runtime.devices.mqtt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import nl.regie.api.model.EntityId;

/**
 * The device registry from configuration: extra entities assigned to a device, beyond its own
 * {@code urn:ngsi-ld:Device:{d}} and the entities whose local id is {@code d}. A device may report on, and
 * receives the commands for, the entities assigned to it. Immutable.
 */
public final class DeviceRegistry {

    /**
     * A registry and the entries that could not be read.
     *
     * @param registry the entries that were well formed
     * @param problems one message per malformed entry, naming it and the reason
     */
    public record Parsed(DeviceRegistry registry, List<String> problems) {
    }

    private static final DeviceRegistry EMPTY = new DeviceRegistry(Map.of());

    private final Map<String, Set<EntityId>> byDevice;
    private final Map<EntityId, String> byEntity;

    private DeviceRegistry(Map<String, Set<EntityId>> byDevice) {
        Map<String, Set<EntityId>> devices = new LinkedHashMap<>();
        Map<EntityId, String> entities = new HashMap<>();
        byDevice.forEach((device, assigned) -> {
            devices.put(device, Collections.unmodifiableSet(new LinkedHashSet<>(assigned)));
            assigned.forEach(e -> entities.put(e, device));
        });
        this.byDevice = Collections.unmodifiableMap(devices);
        this.byEntity = Collections.unmodifiableMap(entities);
    }

    /** A registry without entries. */
    public static DeviceRegistry empty() {
        return EMPTY;
    }

    /**
     * Reads entries of the form {@code deviceId=urn1;urn2} (or {@code urn1 urn2}, or {@code urn1,urn2} where the
     * entry is not itself an element of a comma-separated list, as in a {@code .cfg} file of the config folder, where
     * a comma separates the entries). A malformed entry (no '=', a bad device id, a bad
     * URN, no entity, or an entity already assigned to another device) is skipped and reported; the other
     * entries still count. Entries for the same device add up.
     */
    public static Parsed parse(String[] entries) {
        if (entries == null || entries.length == 0) {
            return new Parsed(EMPTY, List.of());
        }
        Map<String, Set<EntityId>> byDevice = new LinkedHashMap<>();
        Map<EntityId, String> owners = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String problem = parseEntry(entry, byDevice, owners);
            if (problem != null) {
                problems.add("device registry entry '" + entry + "' skipped: " + problem);
            }
        }
        return new Parsed(new DeviceRegistry(byDevice), List.copyOf(problems));
    }

    /** Between the entities of one entry: ';', ',' or white space (a URN holds none of them). */
    private static final String ENTITY_SEPARATOR = "\\s*[;,]\\s*|\\s+";

    private static String parseEntry(String entry, Map<String, Set<EntityId>> byDevice, Map<EntityId, String> owners) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
            return "it must have the form deviceId=urn1;urn2";
        }
        String device = entry.substring(0, eq).trim();
        if (!Topics.isDeviceId(device)) {
            return Topics.deviceIdRule(device);
        }
        List<EntityId> entities = new ArrayList<>();
        for (String part : entry.substring(eq + 1).trim().split(ENTITY_SEPARATOR, -1)) {
            String urn = part.trim();
            if (urn.isEmpty()) {
                return "an entity URN is empty";
            }
            EntityId id;
            try {
                id = EntityId.parse(urn);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            String owner = owners.get(id);
            if (owner != null && !owner.equals(device)) {
                return id + " is already assigned to device " + owner;
            }
            entities.add(id);
        }
        for (EntityId id : entities) {
            owners.put(id, device);
        }
        byDevice.computeIfAbsent(device, d -> new LinkedHashSet<>()).addAll(entities);
        return null;
    }

    /** The device an entity is assigned to, if any. */
    Optional<String> owner(EntityId entity) {
        return Optional.ofNullable(byEntity.get(entity));
    }

    /** The entities assigned to a device (empty if none). */
    Set<EntityId> assigned(String device) {
        return byDevice.getOrDefault(device, Set.of());
    }

    /** Every device with entries. */
    Set<String> devices() {
        return byDevice.keySet();
    }

    /** Whether the registry lets a device speak for an entity. */
    boolean assigns(String device, EntityId entity) {
        return device.equals(byEntity.get(entity));
    }

    /**
     * Whether a device may report on an entity, and name it in its birth: its own (local id {@code device}, among
     * them {@code urn:ngsi-ld:Device:{device}}) and those assigned to it here.
     */
    boolean mayReportOn(String device, EntityId entity) {
        return entity.localId().equals(device) || assigns(device, entity);
    }
}
