package nl.regie.runtime.history;

import java.util.List;

import nl.regie.runtime.spi.history.HistoryQuery;

/** The SQL condition on the {@code series} table (aliased {@code s}) that both stores put in their queries. */
final class SeriesFilter {

    private SeriesFilter() {
    }

    /**
     * Appends {@code AND ...} for the query's entity or type, its area (the series' location within the box) and its
     * attributes, and the values for its placeholders, in order.
     */
    static void append(HistoryQuery query, StringBuilder filter, List<Object> parameters) {
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
}
