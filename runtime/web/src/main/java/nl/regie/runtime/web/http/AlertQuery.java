package nl.regie.runtime.web.http;

import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.alert.AlertFilter;

/**
 * The query parameters of {@code GET /api/alerts}, parsed and checked: {@code state} ({@code active}, the default,
 * {@code resolved} or {@code all}), {@code category}, {@code source} (a plugin's symbolic name), and the paging
 * pair {@code limit} and {@code offset} as for entities. A bad value is refused with a message naming the
 * parameter and what is allowed.
 *
 * @param filter which alerts
 * @param limit  the page size
 * @param offset how many matches to skip
 */
record AlertQuery(AlertFilter filter, int limit, int offset) {

    private static final List<String> KNOWN = List.of("state", "category", "source", "limit", "offset");

    static AlertQuery parse(Map<String, String[]> parameters) {
        QueryParameters.checkKnown(parameters, KNOWN);
        String state = QueryParameters.single(parameters, "state");
        AlertFilter filter = new AlertFilter(state == null ? AlertFilter.State.ACTIVE : state(state),
                QueryParameters.single(parameters, "category"), QueryParameters.single(parameters, "source"));
        return new AlertQuery(filter, QueryParameters.limit(parameters), QueryParameters.offset(parameters));
    }

    private static AlertFilter.State state(String text) {
        try {
            return AlertFilter.State.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter 'state' must be active, resolved or all, was '" + text + "'", e);
        }
    }
}
