package nl.regie.waste;

/**
 * For each point, its {@code k} nearest other points, nearest first, with their distances: the only candidates
 * the local search tries. Chosen on a flat projection (longitude scaled by the cosine of the mean latitude: within
 * a city it ranks neighbours as haversine does, at a fraction of the cost, which matters at O(n²) pairs), then
 * measured and ordered by haversine.
 */
final class NeighbourLists {

    private final int[][] near;
    private final double[][] distance;

    NeighbourLists(Distances distances, int k) {
        int n = distances.size();
        k = Math.min(k, n - 1);
        double[] longitudes = new double[n];
        double[] latitudes = new double[n];
        double meanLatitude = 0;
        for (int i = 0; i < n; i++) {
            longitudes[i] = distances.longitude(i);
            latitudes[i] = distances.latitude(i);
            meanLatitude += latitudes[i] / n;
        }
        double scale = Math.cos(meanLatitude);
        near = new int[n][];
        distance = new double[n][];
        for (int i = 0; i < n; i++) {
            int[] ids = new int[k];
            double[] keys = new double[k];
            int count = 0;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double dx = (longitudes[j] - longitudes[i]) * scale;
                double dy = latitudes[j] - latitudes[i];
                double key = dx * dx + dy * dy;
                if (count == k && key >= keys[k - 1]) {
                    continue;
                }
                int at = count < k ? count++ : k - 1;
                for (; at > 0 && keys[at - 1] > key; at--) {
                    ids[at] = ids[at - 1];
                    keys[at] = keys[at - 1];
                }
                ids[at] = j;
                keys[at] = key;
            }
            for (int m = 0; m < k; m++) {
                keys[m] = distances.between(i, ids[m]);
            }
            sortByDistance(ids, keys);
            near[i] = ids;
            distance[i] = keys;
        }
    }

    /** Insertion sort of a short list: the flat ranking is nearly haversine's already. */
    private static void sortByDistance(int[] ids, double[] keys) {
        for (int m = 1; m < ids.length; m++) {
            int id = ids[m];
            double key = keys[m];
            int at = m;
            for (; at > 0 && keys[at - 1] > key; at--) {
                ids[at] = ids[at - 1];
                keys[at] = keys[at - 1];
            }
            ids[at] = id;
            keys[at] = key;
        }
    }

    /** The neighbours of {@code i}, nearest first. */
    int[] of(int i) {
        return near[i];
    }

    /** The distances to {@link #of(int)}'s neighbours, metres. */
    double[] distances(int i) {
        return distance[i];
    }
}
