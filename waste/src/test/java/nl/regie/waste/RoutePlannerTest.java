package nl.regie.waste;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

/** Route planning: quality against brute force, 2-opt against nearest neighbour, edge cases. */
class RoutePlannerTest {

    static final Location DEPOT = Location.of(4.8990, 52.3600);
    private static final Duration BUDGET = Duration.ofSeconds(10);

    /** Bins spread over the simulated city's box (as City places them). */
    static List<Stop> randomStops(SplittableRandom random, int n) {
        List<Stop> stops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stops.add(new Stop(EntityId.of("WasteContainer", String.format("bin-%04d", i + 1)),
                    Location.of(4.882 + random.nextDouble() * 0.036, 52.362 + random.nextDouble() * 0.016)));
        }
        return stops;
    }

    private static List<Location> points(List<Stop> stops) {
        List<Location> points = new ArrayList<>(List.of(DEPOT));
        stops.forEach(stop -> points.add(stop.location()));
        return points;
    }

    /** The shortest closed tour from point 0 over all points, by trying every order. */
    static double bruteForce(Distances d) {
        int n = d.size();
        int[] rest = new int[n - 1];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = i + 1;
        }
        return permute(d, rest, 0);
    }

    private static double permute(Distances d, int[] rest, int k) {
        if (k == rest.length) {
            double length = d.between(0, rest[0]) + d.between(rest[rest.length - 1], 0);
            for (int i = 1; i < rest.length; i++) {
                length += d.between(rest[i - 1], rest[i]);
            }
            return length;
        }
        double best = Double.MAX_VALUE;
        for (int i = k; i < rest.length; i++) {
            swap(rest, k, i);
            best = Math.min(best, permute(d, rest, k + 1));
            swap(rest, k, i);
        }
        return best;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    @Test
    void within10PercentOfTheOptimumFor100SmallCities() {
        SplittableRandom random = new SplittableRandom(2026);
        double worst = 0;
        for (int instance = 0; instance < 100; instance++) {
            List<Stop> stops = randomStops(random, 3 + instance % 6);
            Route route = RoutePlanner.plan(DEPOT, stops, BUDGET);
            double optimum = bruteForce(new Distances(points(stops)));
            double ratio = route.lengthMetres() / optimum;
            worst = Math.max(worst, ratio);
            assertTrue(ratio <= 1.10, "instance " + instance + ": " + ratio);
        }
        System.out.printf("route: worst of 100 small instances %.4f x the optimum%n", worst);
    }

    @Test
    void twoOptIsNeverWorseThanNearestNeighbour() {
        SplittableRandom random = new SplittableRandom(7);
        for (int instance = 0; instance < 200; instance++) {
            Distances d = new Distances(points(randomStops(random, 1 + random.nextInt(150))));
            int[] tour = NearestNeighbour.tour(d);
            double nearest = d.tourLength(tour);
            assertTrue(new LocalSearch(d).improve(tour, System.nanoTime() + BUDGET.toNanos()));
            assertTrue(d.tourLength(tour) <= nearest + 1e-6, "instance " + instance);
            assertEquals(d.size(), new HashSet<>(boxed(tour)).size(), "a tour visits every point once");
        }
    }

    @Test
    void emptyAndSingleBin() {
        Route empty = RoutePlanner.plan(DEPOT, List.of(), BUDGET);
        assertEquals(List.of(), empty.stops());
        assertEquals(0, empty.lengthMetres());
        assertEquals("[]", empty.stopsJson());

        Stop only = new Stop(EntityId.of("WasteContainer", "bin-007"), Location.of(4.8990, 52.3700));
        Route single = RoutePlanner.plan(DEPOT, List.of(only), BUDGET);
        assertEquals(List.of(only), single.stops());
        assertEquals(2 * DEPOT.distanceMetres(only.location()), single.lengthMetres(), 1e-6);
        assertEquals("[\"urn:ngsi-ld:WasteContainer:bin-007\"]", single.stopsJson());
    }

    @Test
    void distancesAreLocationsHaversine() {
        List<Stop> stops = randomStops(new SplittableRandom(1), 20);
        Distances d = new Distances(points(stops));
        for (int i = 0; i < stops.size(); i++) {
            assertEquals(DEPOT.distanceMetres(stops.get(i).location()), d.between(0, i + 1), 1e-6);
        }
    }

    @Test
    void aRouteVisitsEveryStopOnceAndItsLengthIsTheClosedTour() {
        List<Stop> stops = randomStops(new SplittableRandom(3), 300);
        Route route = RoutePlanner.plan(DEPOT, stops, BUDGET);
        assertEquals(new HashSet<>(stops), new HashSet<>(route.stops()));
        assertEquals(stops.size(), route.stops().size());
        List<Location> tour = new ArrayList<>(List.of(DEPOT));
        route.stops().forEach(stop -> tour.add(stop.location()));
        tour.add(DEPOT);
        double length = 0;
        for (int i = 1; i < tour.size(); i++) {
            length += tour.get(i - 1).distanceMetres(tour.get(i));
        }
        assertEquals(length, route.lengthMetres(), 1e-6);
        assertTrue(route.improved());
    }

    @Test
    void anExhaustedBudgetStillGivesAValidTour() {
        List<Stop> stops = randomStops(new SplittableRandom(5), 2000);
        Route route = RoutePlanner.plan(DEPOT, stops, Duration.ZERO);
        assertEquals(new HashSet<>(stops), new HashSet<>(route.stops()));
    }

    private static List<Integer> boxed(int[] tour) {
        List<Integer> list = new ArrayList<>();
        for (int point : tour) {
            list.add(point);
        }
        return list;
    }
}
