package nl.regie.waste;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.Location;

/**
 * Plans a collection route: the nearest-neighbour tour from the depot over the stops, improved by 2-opt within a
 * time budget. Nearest neighbour and 2-opt's neighbour lists take O(n²) distances, unbounded by the budget but
 * quick (see the README for measured times); the 2-opt moves stop at the budget.
 */
final class RoutePlanner {

    /**
     * Small tours are also started from other points than the depot, keeping the shortest (each start costs n²
     * distances; this many in all, so every point up to about 1,400 points, then fewer, one from 1,415 on). With it
     * none of 150,000 tours of 3 to 8 bins was more than 10% above the optimum (worst 9.4%; RouteQualityTest).
     */
    static final long MULTI_START_WORK = 2_000_000;

    private RoutePlanner() {
    }

    /** The route from {@code depot} over {@code stops} and back; the stops' order in the list does not matter. */
    static Route plan(Location depot, List<Stop> stops, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Location> points = new ArrayList<>(stops.size() + 1);
        points.add(depot);
        stops.forEach(stop -> points.add(stop.location()));
        Distances distances = new Distances(points);
        LocalSearch search = new LocalSearch(distances);
        int[] best = NearestNeighbour.tour(distances);
        boolean improved = search.improve(best, deadline);
        double bestLength = distances.tourLength(best);
        int starts = (int) Math.min(points.size(), MULTI_START_WORK / ((long) points.size() * points.size()));
        for (int start = 1; start < starts && System.nanoTime() - deadline < 0; start++) {
            int[] tour = NearestNeighbour.tour(distances, start);
            boolean done = search.improve(tour, deadline);
            double length = distances.tourLength(tour);
            if (length < bestLength - 1e-6) {
                best = tour;
                bestLength = length;
                improved = done;
            }
        }
        return new Route(depot, visitingOrder(best, stops), bestLength, improved);
    }

    /** The stops in tour order, starting after the depot (point 0). */
    private static List<Stop> visitingOrder(int[] tour, List<Stop> stops) {
        int start = 0;
        while (tour[start] != 0) {
            start++;
        }
        List<Stop> order = new ArrayList<>(stops.size());
        for (int k = 1; k < tour.length; k++) {
            order.add(stops.get(tour[(start + k) % tour.length] - 1));
        }
        return order;
    }
}
