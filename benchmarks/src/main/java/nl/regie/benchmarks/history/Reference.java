package nl.regie.benchmarks.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

/**
 * The right answer to a {@link Query}, computed in plain Java from the readings themselves: what every store's
 * answer is checked against.
 */
final class Reference {

    private Reference() {
    }

    static List<Row> answer(Reading[] readings, Query query) {
        EntityId entity = query.entity() == null ? null : EntityId.parse(query.entity());
        Map<String, double[]> groups = new TreeMap<>();
        Map<String, Row> keys = new HashMap<>();
        List<Row> raw = new ArrayList<>();
        for (Reading r : readings) {
            long observed = r.observedAt().toEpochMilli();
            if (observed < query.from() || observed >= query.to() || SeriesRegistry.kind(r.value()) == 't') {
                continue;
            }
            double value = SeriesRegistry.number(r.value());
            String key;
            long bucket;
            switch (query.kind()) {
                case DAY, RAW_HOUR -> {
                    if (!r.entity().equals(entity) || !r.attribute().equals(query.attribute())) {
                        continue;
                    }
                    if (query.kind() == Query.Kind.RAW_HOUR) {
                        raw.add(new Row("", observed, 1, value, value, value));
                        continue;
                    }
                    key = "";
                    bucket = Math.floorDiv(observed, query.bucketMillis()) * query.bucketMillis();
                }
                case AREA_BUCKETS -> {
                    if (!r.entityType().equals(query.type()) || !numeric(r) || !inside(r.location(), query)) {
                        continue;
                    }
                    key = r.attribute();
                    bucket = Math.floorDiv(observed, query.bucketMillis()) * query.bucketMillis();
                }
                default -> {
                    if (!numeric(r) || !inside(r.location(), query)) {
                        continue;
                    }
                    key = r.entity() + " " + r.attribute();
                    bucket = 0;
                }
            }
            String group = key + '\u0000' + String.format("%020d", bucket);
            keys.putIfAbsent(group, new Row(key, bucket, 0, 0, 0, 0));
            double[] g = groups.computeIfAbsent(group, k -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE});
            g[0]++;
            g[1] += value;
            g[2] = Math.min(g[2], value);
            g[3] = Math.max(g[3], value);
        }
        if (query.kind() == Query.Kind.RAW_HOUR) {
            raw.sort((a, b) -> Long.compare(a.bucket(), b.bucket()));
            return raw;
        }
        List<Row> rows = new ArrayList<>();
        groups.forEach((group, g) -> {
            Row key = keys.get(group);
            rows.add(new Row(key.key(), key.bucket(), (long) g[0], g[1] / g[0], g[2], g[3]));
        });
        return rows;
    }

    /** Whether two answers are the same, row by row, in order. */
    static String difference(List<Row> expected, List<Row> actual) {
        if (expected.size() != actual.size()) {
            return expected.size() + " rows expected, " + actual.size() + " returned";
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).sameAs(actual.get(i))) {
                return "row " + i + ": expected " + expected.get(i) + ", returned " + actual.get(i);
            }
        }
        return null;
    }

    private static boolean numeric(Reading r) {
        return SeriesRegistry.kind(r.value()) == 'n';
    }

    private static boolean inside(Location l, Query q) {
        return l != null && l.longitude() >= q.west() && l.longitude() <= q.east() && l.latitude() >= q.south()
                && l.latitude() <= q.north();
    }
}
