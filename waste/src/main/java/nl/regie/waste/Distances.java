package nl.regie.waste;

import java.util.List;

import nl.regie.api.model.Location;

/**
 * Great-circle distances between points, in metres: the haversine formula of {@link Location#distanceMetres}, with
 * each point's radians and cosine computed once, since planning asks for millions of distances.
 */
final class Distances {

    private final double[] phi;
    private final double[] lambda;
    private final double[] cosPhi;

    Distances(List<Location> points) {
        int n = points.size();
        phi = new double[n];
        lambda = new double[n];
        cosPhi = new double[n];
        for (int i = 0; i < n; i++) {
            phi[i] = Math.toRadians(points.get(i).latitude());
            lambda[i] = Math.toRadians(points.get(i).longitude());
            cosPhi[i] = Math.cos(phi[i]);
        }
    }

    int size() {
        return phi.length;
    }

    /** Latitude of point {@code i}, radians. */
    double latitude(int i) {
        return phi[i];
    }

    /** Longitude of point {@code i}, radians. */
    double longitude(int i) {
        return lambda[i];
    }

    /** The distance between points {@code i} and {@code j}, metres. */
    double between(int i, int j) {
        double sinPhi = Math.sin((phi[j] - phi[i]) / 2);
        double sinLambda = Math.sin((lambda[j] - lambda[i]) / 2);
        double a = sinPhi * sinPhi + cosPhi[i] * cosPhi[j] * sinLambda * sinLambda;
        return 2 * Location.EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** The length of the closed tour visiting the points in this order and back to the first. */
    double tourLength(int[] tour) {
        double length = 0;
        for (int i = 0; i < tour.length; i++) {
            length += between(tour[i], tour[(i + 1) % tour.length]);
        }
        return length;
    }
}
