package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a device's birth ({@code {"online": true, ...}} on its state topic) announces, each part optional: its entity
 * type, the entities it speaks for (only ones it may report on, else the birth is refused whole), its location
 * ({@code [longitude, latitude]}) and its reporting interval in seconds. Other members are ignored.
 *
 * @param type     the device's entity type, or null
 * @param entities the entities it speaks for, perhaps none
 * @param location where it is, or null
 * @param interval how often it reports, or null
 */
record Birth(String type, List<EntityId> entities, Location location, Duration interval) {

    /** The longest reporting interval a birth may announce: 31 days. */
    static final double MAX_INTERVAL_SECONDS = 31 * 24 * 3600;

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");

    Birth {
        entities = List.copyOf(entities);
    }

    /**
     * Reads the birth of a device from its state message, whose {@code online} is true.
     *
     * @throws IllegalArgumentException saying which member is wrong and what it must be
     */
    static Birth read(JsonNode root, String device, DeviceRegistry registry) {
        String type = type(root.get("type"));
        List<EntityId> entities = entities(root.get("entities"), device, registry);
        Location location = location(root.get("location"));
        Duration interval = interval(root.get("interval"));
        return new Birth(type, entities, location, interval);
    }

    private static String type(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual() || !TYPE.matcher(node.textValue()).matches()) {
            throw new IllegalArgumentException("'type' must be an entity type: an upper-case letter, then letters"
                    + " and digits, as in WasteContainer");
        }
        return node.textValue();
    }

    private static List<EntityId> entities(JsonNode node, String device, DeviceRegistry registry) {
        List<EntityId> entities = new ArrayList<>();
        if (absent(node)) {
            return entities;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("'entities' must be an array of entity URNs");
        }
        for (JsonNode e : node) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("'entities' must be an array of entity URNs, found " + e);
            }
            EntityId entity;
            try {
                entity = EntityId.parse(e.textValue());
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException("'entities': " + x.getMessage(), x);
            }
            if (!registry.mayReportOn(device, entity)) {
                throw new IllegalArgumentException("'entities': device " + device + " may not speak for " + entity
                        + " (only for entities whose local id is " + device
                        + " and entities the device registry assigns to it)");
            }
            entities.add(entity);
        }
        return entities;
    }

    private static Location location(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isNumber() || !node.get(1).isNumber()) {
            throw new IllegalArgumentException("'location' must be [longitude, latitude]");
        }
        try {
            return Location.of(node.get(0).doubleValue(), node.get(1).doubleValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'location': " + e.getMessage(), e);
        }
    }

    private static Duration interval(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        double seconds = node.isNumber() ? node.doubleValue() : Double.NaN;
        if (!(seconds > 0 && seconds <= MAX_INTERVAL_SECONDS)) {
            throw new IllegalArgumentException("'interval' must be a number of seconds, more than 0 and at most "
                    + (long) MAX_INTERVAL_SECONDS);
        }
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
