package nl.regie.waste;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The long run behind RoutePlanner's claim: 150,000 random tours of 3 to 8 bins against brute force (a few
 * minutes). Run it with {@code mvn -o install -pl waste -Dtest=RouteQualityTest -Dwaste.quality=true}.
 */
@EnabledIfSystemProperty(named = "waste.quality", matches = "true")
class RouteQualityTest {

    @Test
    void noSmallTourIsMoreThan10PercentAboveTheOptimum() {
        int over = 0;
        for (int n = 3; n <= 8; n++) {
            double worst = 0;
            int count = n <= 6 ? 30_000 : n == 7 ? 20_000 : 10_000;
            for (int s = 0; s < count; s++) {
                List<Stop> stops = RoutePlannerTest.randomStops(new SplittableRandom(s * 31L + n), n);
                List<Location> points = new ArrayList<>(List.of(RoutePlannerTest.DEPOT));
                stops.forEach(stop -> points.add(stop.location()));
                double ratio = RoutePlanner.plan(RoutePlannerTest.DEPOT, stops, Settings.DEFAULTS.routeBudget())
                        .lengthMetres() / RoutePlannerTest.bruteForce(new Distances(points));
                worst = Math.max(worst, ratio);
                over += ratio > 1.10 ? 1 : 0;
            }
            System.out.printf("route quality: %d bins, %d tours, worst %.4f x the optimum%n", n, count, worst);
        }
        assertEquals(0, over);
    }
}
