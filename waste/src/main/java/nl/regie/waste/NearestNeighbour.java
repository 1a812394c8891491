package nl.regie.waste;

/** The nearest-neighbour tour: from point 0 (the depot), always on to the nearest point not yet visited. O(n²). */
final class NearestNeighbour {

    private NearestNeighbour() {
    }

    /** A closed tour over every point, starting at point 0. */
    static int[] tour(Distances distances) {
        return tour(distances, 0);
    }

    /** A closed tour over every point, starting at point {@code start}. */
    static int[] tour(Distances distances, int start) {
        int n = distances.size();
        int[] tour = new int[n];
        // The points not yet visited, kept in tour[next..n-1] so each step scans only those.
        for (int i = 0; i < n; i++) {
            tour[i] = i;
        }
        tour[0] = start;
        tour[start] = 0;
        for (int next = 1; next < n; next++) {
            int from = tour[next - 1];
            int best = next;
            double bestDistance = Double.MAX_VALUE;
            for (int k = next; k < n; k++) {
                double d = distances.between(from, tour[k]);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = k;
                }
            }
            int swap = tour[next];
            tour[next] = tour[best];
            tour[best] = swap;
        }
        return tour;
    }
}
