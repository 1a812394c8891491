package nl.regie.mobility;

/**
 * Classifies a measurement into ordered levels with hysteresis, so that a value hovering near a threshold does not
 * make the level flap. A level is entered when the value crosses its threshold, but held until the value has moved
 * back past the threshold by the hysteresis fraction: with a busy threshold of 2.0 people/m² and a hysteresis of
 * 0.1, a zone becomes busy at 2.0 and is normal again only below 1.8.
 */
final class Bands {

    private Bands() {
    }

    /**
     * The level for a value that gets worse as it rises (crowd density).
     *
     * @param value      the measurement
     * @param thresholds where levels 1, 2, ... begin, ascending
     * @param hysteresis the fraction below its threshold to which a level already reached is held, 0 to 1
     * @param current    the level now, 0 for the lowest
     * @return the new level, 0 to {@code thresholds.length}
     */
    static int rising(double value, double[] thresholds, double hysteresis, int current) {
        int level = 0;
        for (int i = 0; i < thresholds.length; i++) {
            int candidate = i + 1;
            double threshold = candidate <= current ? thresholds[i] * (1 - hysteresis) : thresholds[i];
            if (value >= threshold) {
                level = candidate;
            }
        }
        return level;
    }

    /**
     * The level for a value that gets worse as it falls (speed over free-flow speed).
     *
     * @param value      the measurement
     * @param thresholds where levels 1, 2, ... begin, descending
     * @param hysteresis the fraction above its threshold to which a level already reached is held, 0 to 1
     * @param current    the level now, 0 for the lowest
     * @return the new level, 0 to {@code thresholds.length}
     */
    static int falling(double value, double[] thresholds, double hysteresis, int current) {
        int level = 0;
        for (int i = 0; i < thresholds.length; i++) {
            int candidate = i + 1;
            double threshold = candidate <= current ? thresholds[i] * (1 + hysteresis) : thresholds[i];
            if (value <= threshold) {
                level = candidate;
            }
        }
        return level;
    }
}
