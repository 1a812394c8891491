package nl.regie.benchmarks.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One query of the benchmark, with its parameters. The four kinds are what the history API will ask:
 * <ul>
 * <li>{@link Kind#DAY}: a day of one attribute of one entity in one-minute buckets (count, avg, min, max), the
 * details panel's chart and {@code /api/entities/{id}/history?bucket=1m};</li>
 * <li>{@link Kind#RAW_HOUR}: the raw readings of one attribute of one entity over an hour;</li>
 * <li>{@link Kind#AREA_BUCKETS}: one type over an area (bbox) and an hour, aggregated per attribute and
 * five-minute bucket: {@code /api/history?type=&bbox=&bucket=};</li>
 * <li>{@link Kind#AREA_ENTITIES}: every entity (all types: the 10,000 of the city) in an area over an hour,
 * aggregated per entity and attribute: the replayed map's hour.</li>
 * </ul>
 * Area queries select entities by the location of their series (where the entity reported from).
 */
record Query(Kind kind, String entity, String attribute, String type, double west, double south, double east,
        double north, long from, long to, long bucketMillis) {

    enum Kind { DAY, RAW_HOUR, AREA_BUCKETS, AREA_ENTITIES }

    static final long HOUR = 60 * City.MINUTE;

    /**
     * {@code repeats} queries of one kind over {@code city}'s first {@code spanMillis} of history, with parameters
     * drawn from {@code seed}: the same list for every store.
     */
    static List<Query> draw(Kind kind, City city, long spanMillis, int repeats, long seed) {
        Random random = new Random(seed * 31 + kind.ordinal());
        List<City.Entity> traffic = city.entities().stream()
                .filter(e -> e.type().name().equals("TrafficFlowObserved")).toList();
        long hours = Math.max(1, spanMillis / HOUR);
        List<Query> queries = new ArrayList<>(repeats);
        for (int i = 0; i < repeats; i++) {
            String entity = traffic.get(random.nextInt(traffic.size())).id().toString();
            long hour = City.START + random.nextInt((int) hours) * HOUR;
            queries.add(switch (kind) {
                case DAY -> new Query(kind, entity, "intensity", null, 0, 0, 0, 0, City.START,
                        City.START + 24 * HOUR, City.MINUTE);
                case RAW_HOUR -> new Query(kind, entity, "averageVehicleSpeed", null, 0, 0, 0, 0, hour, hour + HOUR, 0);
                case AREA_BUCKETS -> {
                    // Half of the city's width, anywhere across it, full height.
                    double west = City.WEST + random.nextDouble() * (City.EAST - City.WEST) / 2;
                    yield new Query(kind, null, null, "TrafficFlowObserved", west, City.SOUTH,
                            west + (City.EAST - City.WEST) / 2, City.NORTH, hour, hour + HOUR, 5 * City.MINUTE);
                }
                case AREA_ENTITIES -> new Query(kind, null, null, null, City.WEST, City.SOUTH, City.EAST, City.NORTH,
                        hour, hour + HOUR, 0);
            });
        }
        return queries;
    }
}
