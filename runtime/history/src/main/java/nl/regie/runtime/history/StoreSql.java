package nl.regie.runtime.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.HistoryQuery;

/** What both stores' SQL has in common: the condition on the {@code series} table, and reading a bucket's row. */
final class StoreSql {

    private StoreSql() {
    }

    /**
     * Appends {@code AND ...} for the query's entity or type, its area (the series' location within the box) and its
     * attributes, and the values for its placeholders, in order.
     */
    static void seriesFilter(HistoryQuery query, StringBuilder filter, List<Object> parameters) {
        if (query.entity() != null) {
            filter.append(" AND s.entity = ?");
            parameters.add(query.entity().toString());
        } else {
            filter.append(" AND s.type = ?");
            parameters.add(query.type());
        }
        if (query.bbox() != null) {
            filter.append(" AND s.lon BETWEEN ? AND ? AND s.lat BETWEEN ? AND ?");
            parameters.addAll(List.of(query.bbox().west(), query.bbox().east(), query.bbox().south(),
                    query.bbox().north()));
        }
        if (!query.attributes().isEmpty()) {
            filter.append(" AND s.attribute IN (").append("?, ".repeat(query.attributes().size() - 1)).append("?)");
            parameters.addAll(query.attributes().stream().sorted().toList());
        }
    }

    /**
     * A bucket's value under the query's aggregate, from a row of (series, bucket, count, sum, min, max, last); null
     * for an empty bucket or a value that is not finite.
     */
    static Value bucketValue(ResultSet result, HistoryQuery query) throws SQLException {
        long n = result.getLong(3);
        if (n == 0) {
            return null;
        }
        double value = switch (query.aggregate()) {
            case AVG -> result.getDouble(4) / n;
            case SUM -> result.getDouble(4);
            case MIN -> result.getDouble(5);
            case MAX -> result.getDouble(6);
            case LAST -> result.getDouble(7);
            case COUNT -> n;
        };
        return Double.isFinite(value) ? Value.of(value) : null;
    }
}
