package nl.regie.runtime.history;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.HistoryQuery;

/**
 * The store's series (entity, attribute, unit, source), numbered: each reading row holds only its series' number and
 * numbers, which keeps a reading at a few bytes. Loaded from the store when it opens; extended by the writer thread,
 * read by query threads (hence concurrent maps).
 */
final class SeriesIndex {

    /** What identifies a series. */
    record Key(EntityId entity, String attribute, String unit, String source) {
    }

    /** A series: its number, what it is, where it was first reported from, and its kind (n, b or t). */
    record Info(int id, Key key, Location location, char kind) {
    }

    private final Map<Key, Info> byKey = new ConcurrentHashMap<>();
    private final Map<Integer, Info> byId = new ConcurrentHashMap<>();
    private final Map<EntityId, Set<Info>> byEntity = new ConcurrentHashMap<>();
    /** A type query looks at its type's series only, not at every series of the city. */
    private final Map<String, Set<Info>> byType = new ConcurrentHashMap<>();
    private volatile int last;

    /** Loads the series a store already has. */
    void load(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT id, entity, attribute, unit, source, kind, lon, lat FROM series")) {
            while (rows.next()) {
                double lon = rows.getDouble(7);
                Location location = rows.wasNull() ? null : Location.of(lon, rows.getDouble(8));
                Key key = new Key(EntityId.parse(rows.getString(2)), rows.getString(3), rows.getString(4),
                        rows.getString(5));
                add(new Info(rows.getInt(1), key, location, rows.getString(6).charAt(0)));
            }
        }
    }

    int size() {
        return byId.size();
    }

    /** The series of {@code reading}; a new one is numbered, remembered and added to {@code added}. */
    Info of(Reading reading, List<Info> added) {
        Key key = new Key(reading.entity(), reading.attribute(), reading.unit(), reading.source());
        Info known = byKey.get(key);
        if (known != null) {
            return known;
        }
        Info fresh = new Info(last + 1, key, reading.location(), kind(reading.value()));
        add(fresh);
        added.add(fresh);
        return fresh;
    }

    private void add(Info info) {
        byKey.put(info.key(), info);
        byId.put(info.id(), info);
        byEntity.computeIfAbsent(info.key().entity(), e -> ConcurrentHashMap.newKeySet()).add(info);
        byType.computeIfAbsent(info.key().entity().type(), t -> ConcurrentHashMap.newKeySet()).add(info);
        last = Math.max(last, info.id());
    }

    /** Forgets series added by a batch that was rolled back. */
    void forget(List<Info> added) {
        for (Info info : added) {
            byKey.remove(info.key());
            byId.remove(info.id());
            Set<Info> of = byEntity.get(info.key().entity());
            if (of != null) {
                of.remove(info);
            }
            Set<Info> ofType = byType.get(info.key().entity().type());
            if (ofType != null) {
                ofType.remove(info);
            }
        }
        last = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    Info byId(int id) {
        return byId.get(id);
    }

    boolean knows(EntityId entity) {
        Set<Info> of = byEntity.get(entity);
        return of != null && !of.isEmpty();
    }

    /** The series a query selects, numeric only when {@code numericOnly}. */
    List<Info> matching(HistoryQuery query, boolean numericOnly) {
        List<Info> found = new ArrayList<>();
        Iterable<Info> candidates = query.entity() != null ? byEntity.getOrDefault(query.entity(), Set.of())
                : query.type() != null ? byType.getOrDefault(query.type(), Set.of()) : byId.values();
        for (Info info : candidates) {
            if (numericOnly && info.kind() == 't') {
                continue;
            }
            if (query.type() != null && !query.type().equals(info.key().entity().type())) {
                continue;
            }
            if (!query.attributes().isEmpty() && !query.attributes().contains(info.key().attribute())) {
                continue;
            }
            if (query.bbox() != null && (info.location() == null || !query.bbox().contains(info.location()))) {
                continue;
            }
            found.add(info);
        }
        return found;
    }

    /** The entity types the store has series of. */
    Set<String> types() {
        Set<String> types = new java.util.TreeSet<>();
        byType.forEach((type, of) -> {
            if (!of.isEmpty()) {
                types.add(type);
            }
        });
        return types;
    }

    /** 'n' number, 'b' boolean (stored as 0 or 1 in the number column), 't' text. */
    static char kind(Value value) {
        return value instanceof Value.Text ? 't' : value instanceof Value.Bool ? 'b' : 'n';
    }
}
