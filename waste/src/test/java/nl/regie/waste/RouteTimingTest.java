package nl.regie.waste;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

/**
 * Measures planning time at 500 and 4,000 stops spread over the simulated city (printed; nothing is asserted about
 * time, machines differ). Each size runs three times so the JIT has warmed up; the last run is reported, by phase.
 */
class RouteTimingTest {

    @Test
    void planningTimes() {
        for (int n : new int[] {500, 4000}) {
            List<Stop> stops = RoutePlannerTest.randomStops(new SplittableRandom(n), n);
            List<Location> points = new ArrayList<>(List.of(RoutePlannerTest.DEPOT));
            stops.forEach(stop -> points.add(stop.location()));
            for (int run = 0; run < 3; run++) {
                long t0 = System.nanoTime();
                Distances d = new Distances(points);
                int[] tour = NearestNeighbour.tour(d);
                long t1 = System.nanoTime();
                double nearest = d.tourLength(tour);
                LocalSearch search = new LocalSearch(d);
                long t2 = System.nanoTime();
                boolean done = search.improve(tour, System.nanoTime() + Duration.ofSeconds(30).toNanos());
                long t3 = System.nanoTime();
                Route route = RoutePlanner.plan(RoutePlannerTest.DEPOT, stops, Settings.DEFAULTS.routeBudget());
                long t4 = System.nanoTime();
                assertEquals(n, route.stops().size());
                if (run == 2) {
                    System.out.printf("route %d stops: nearest neighbour %.1f ms (%.0f m), neighbour lists %.1f ms, "
                            + "2-opt + Or-opt %.1f ms to %s (%.0f m, %.1f%% shorter); RoutePlanner.plan %.1f ms%n",
                            n, ms(t1 - t0), nearest, ms(t2 - t1), ms(t3 - t2), done ? "a local optimum" : "the deadline",
                            d.tourLength(tour), 100 * (1 - d.tourLength(tour) / nearest), ms(t4 - t3));
                }
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
