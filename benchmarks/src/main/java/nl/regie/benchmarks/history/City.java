package nl.regie.benchmarks.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * The simulated city whose readings every candidate store receives, identical for all of them: a deterministic
 * function of its size, so every store, every run and every child JVM sees the same readings in the same order.
 *
 * <p>At full size it has 10,000 entities of five Smart Data Models types with 1 to 3 attributes each (numbers, one
 * text, one boolean), reporting at the intervals such devices use: counters every minute, lamps and bins every
 * ten. That is 6,900 readings per simulated minute, so 10 million readings are one day (24.15 h) and "a day of one
 * attribute" reads a real day of 1,440 one-minute readings. A smaller city ({@code scale} below 1) keeps the mix.
 */
final class City {

    /** Midnight UTC on the first simulated day; every reading is observed from then on. */
    static final long START = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    /** The city's extent (Amsterdam), lon/lat WGS84. */
    static final double WEST = 4.80, SOUTH = 52.30, EAST = 5.00, NORTH = 52.42;

    /** One attribute of a type: its Smart Data Models name, SenML unit, kind and sensor resolution. */
    record Attribute(String name, String unit, char kind, double resolution, double low, double high) {
    }

    /** One entity type: how many, how often each reports, what. */
    record Type(String name, int count, int intervalMinutes, List<Attribute> attributes) {
    }

    /** The 10,000-entity city at scale 1. */
    static final List<Type> TYPES = List.of(
            new Type("WasteContainer", 4000, 10, List.of(
                    new Attribute("fillingLevel", "/", 'n', 0.01, 0, 1),
                    new Attribute("temperature", "Cel", 'n', 0.1, -5, 35))),
            new Type("Streetlight", 3000, 10, List.of(
                    new Attribute("powerConsumption", "W", 'n', 0.1, 0, 120),
                    new Attribute("illuminanceLevel", "/", 'n', 0.01, 0, 1),
                    new Attribute("powerState", "", 't', 0, 0, 0))),
            new Type("TrafficFlowObserved", 1000, 1, List.of(
                    new Attribute("intensity", "count", 'n', 1, 0, 60),
                    new Attribute("averageVehicleSpeed", "km/h", 'n', 0.1, 0, 80),
                    new Attribute("occupancy", "/", 'n', 0.01, 0, 1))),
            new Type("CrowdFlowObserved", 1000, 1, List.of(
                    new Attribute("peopleCount", "count", 'n', 1, 0, 400),
                    new Attribute("congested", "", 'b', 0, 0, 0))),
            new Type("WaterObserved", 1000, 10, List.of(
                    new Attribute("waterLevel", "m", 'n', 0.01, -0.5, 1.5),
                    new Attribute("temperature", "Cel", 'n', 0.1, 2, 22))));

    /** One entity of the city: its id, device (the readings' source), location and reporting phase. */
    record Entity(EntityId id, Type type, String source, Location location, int phase) {
    }

    private final List<Entity> entities = new ArrayList<>();

    /** A city with {@code scale} times the entities of each type (1.0: 10,000 entities). */
    City(double scale) {
        int n = 0;
        for (Type type : TYPES) {
            int count = Math.max(1, (int) Math.round(type.count() * scale));
            for (int i = 0; i < count; i++, n++) {
                String local = String.format("%s-%05d", abbreviation(type.name()), i);
                double lon = WEST + (EAST - WEST) * unit(n, 1);
                double lat = SOUTH + (NORTH - SOUTH) * unit(n, 2);
                entities.add(new Entity(EntityId.of(type.name(), local), type, "dev-" + local,
                        Location.of(lon, lat), (int) (unit(n, 3) * type.intervalMinutes())));
            }
        }
    }

    List<Entity> entities() {
        return entities;
    }

    /** Readings per simulated minute. */
    int readingsPerMinute() {
        double perMinute = 0;
        for (Entity e : entities) {
            perMinute += e.type().attributes().size() / (double) e.type().intervalMinutes();
        }
        return (int) Math.round(perMinute);
    }

    /** The first {@code n} readings, in the order they arrive (by minute, then entity). */
    Reading[] readings(int n) {
        Reading[] out = new Reading[n];
        int i = 0;
        for (long minute = 0; i < n; minute++) {
            for (int e = 0; e < entities.size() && i < n; e++) {
                Entity entity = entities.get(e);
                Type type = entity.type();
                if ((minute + entity.phase()) % type.intervalMinutes() != 0) {
                    continue;
                }
                // Devices do not all report on the minute: each has its own second within it.
                long observed = START + minute * MINUTE + (long) (unit(e, 4) * 59_000);
                Instant observedAt = Instant.ofEpochMilli(observed);
                Instant receivedAt = Instant.ofEpochMilli(observed + 150 + (long) (unit(e * 31 + minute, 5) * 900));
                for (int a = 0; a < type.attributes().size() && i < n; a++) {
                    Attribute attribute = type.attributes().get(a);
                    out[i++] = new Reading(entity.id(), attribute.name(), value(attribute, e, a, minute), attribute.unit(),
                            observedAt, receivedAt, entity.source(), entity.location());
                }
            }
        }
        return out;
    }

    /** How many simulated milliseconds the first {@code n} readings span. */
    long spanMillis(long n) {
        return (long) (n / (double) readingsPerMinute() * MINUTE);
    }

    private static Value value(Attribute attribute, int entity, int a, long minute) {
        double daily = 0.5 + 0.4 * Math.sin(2 * Math.PI * (minute % 1440) / 1440.0 + entity);
        double noise = unit(entity * 7L + a * 1_000_003L + minute * 10_007L, 6) - 0.5;
        return switch (attribute.kind()) {
            case 't' -> Value.of(daily + noise * 0.3 > 0.55 ? "on" : "off");
            case 'b' -> Value.of(daily + noise * 0.2 > 0.85);
            default -> {
                double raw = attribute.low() + (attribute.high() - attribute.low())
                        * Math.min(1, Math.max(0, daily + noise * 0.2));
                yield Value.of(Math.round(raw / attribute.resolution()) * attribute.resolution());
            }
        };
    }

    /** A deterministic number in [0, 1) from a key and a stream (splitmix64). */
    static double unit(long key, int stream) {
        long z = key * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    private static String abbreviation(String type) {
        return switch (type) {
            case "WasteContainer" -> "bin";
            case "Streetlight" -> "lamp";
            case "TrafficFlowObserved" -> "traffic";
            case "CrowdFlowObserved" -> "crowd";
            default -> "gauge";
        };
    }
}
