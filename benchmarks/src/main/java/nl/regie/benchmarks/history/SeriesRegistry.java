package nl.regie.benchmarks.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * The writer's map from a series (entity, attribute, unit, source) to its number in the {@code series} table,
 * loaded from the store on open and extended as new series arrive. Every store normalises the same way: the
 * strings of a reading are stored once per series, and each reading row holds only numbers (series, times,
 * value), which is what makes 10 million readings fit in a few hundred megabytes.
 */
final class SeriesRegistry {

    /** What identifies a series. */
    record Key(EntityId entity, String attribute, String unit, String source) {
    }

    /** A series' number and the location it was first reported from (the one area queries select by). */
    record Series(int id, Location location) {
    }

    static final String INSERT = "INSERT INTO series(id, entity, type, attribute, unit, source, kind, lon, lat)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Map<Key, Series> series = new HashMap<>();

    /** Loads the series a store already has. */
    void load(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, entity, attribute, unit, source, lon, lat FROM series")) {
            while (rows.next()) {
                double lon = rows.getDouble(6);
                Location location = rows.wasNull() ? null : Location.of(lon, rows.getDouble(7));
                series.put(new Key(EntityId.parse(rows.getString(2)), rows.getString(3), rows.getString(4),
                        rows.getString(5)), new Series(rows.getInt(1), location));
            }
        }
    }

    int size() {
        return series.size();
    }

    /** The series of {@code reading}; a new one is numbered, remembered and added to {@code added}. */
    Series of(Reading reading, List<Reading> added) {
        Key key = new Key(reading.entity(), reading.attribute(), reading.unit(), reading.source());
        Series known = series.get(key);
        if (known != null) {
            return known;
        }
        Series fresh = new Series(series.size() + 1, reading.location());
        series.put(key, fresh);
        added.add(reading);
        return fresh;
    }

    /** Inserts the series of {@code added} (numbered from {@code firstId} on) with a batch of {@link #INSERT}. */
    static void insert(Connection connection, List<Reading> added, int firstId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            int id = firstId;
            for (Reading reading : added) {
                insert.setInt(1, id++);
                insert.setString(2, reading.entity().toString());
                insert.setString(3, reading.entityType());
                insert.setString(4, reading.attribute());
                insert.setString(5, reading.unit());
                insert.setString(6, reading.source());
                insert.setString(7, String.valueOf(kind(reading.value())));
                if (reading.location() == null) {
                    insert.setNull(8, java.sql.Types.DOUBLE);
                    insert.setNull(9, java.sql.Types.DOUBLE);
                } else {
                    insert.setDouble(8, reading.location().longitude());
                    insert.setDouble(9, reading.location().latitude());
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Forgets series added by a batch that was rolled back. */
    void forgetAbove(int id) {
        series.values().removeIf(s -> s.id() > id);
    }

    /** 'n' number, 'b' boolean (stored as 0 or 1 in the number column), 't' text. */
    static char kind(Value value) {
        return value instanceof Value.Text ? 't' : value instanceof Value.Bool ? 'b' : 'n';
    }

    /** The number column of a reading: the number, 0 or 1 for a boolean, null for text. */
    static Double number(Value value) {
        if (value instanceof Value.Number n) {
            return n.value();
        }
        if (value instanceof Value.Bool b) {
            return b.value() ? 1.0 : 0.0;
        }
        return null;
    }

    /** The text column of a reading: the text, or null. */
    static String text(Value value) {
        return value instanceof Value.Text t ? t.value() : null;
    }

    /** A reading's own location, stored only where it differs from its series' (a moving entity); else null. */
    static Location ownLocation(Reading reading, Series series) {
        Location location = reading.location();
        return location == null || location.equals(series.location()) ? null : location;
    }
}
