package nl.regie.waste;

import java.util.List;
import java.util.stream.Collectors;

import nl.regie.api.model.Location;

/**
 * A planned collection route: a closed tour from the depot over the stops, in visiting order, back to the depot.
 *
 * @param depot        where it starts and ends
 * @param stops        the bins in visiting order (the depot not included)
 * @param lengthMetres the closed tour's length
 * @param improved     whether 2-opt ran to a local optimum ({@code false} when its time budget ran out first)
 */
record Route(Location depot, List<Stop> stops, double lengthMetres, boolean improved) {

    Route {
        stops = List.copyOf(stops);
    }

    /** The stops as a JSON array of entity URNs; URNs need no escaping (letters, digits, {@code . _ - :} only). */
    String stopsJson() {
        return stops.stream().map(stop -> '"' + stop.bin().toString() + '"').collect(Collectors.joining(",", "[", "]"));
    }
}
