package nl.regie.waste;

/**
 * When a bin is full: at or above its threshold; and once full, until it drops below the threshold minus the
 * hysteresis, so that a level hovering at the threshold (sensor noise, a lid pressed down) does not flap.
 */
final class FullRule {

    private FullRule() {
    }

    /**
     * Whether a bin is full now.
     *
     * @param wasFull    whether it was full, {@code null} on first sight (then only the threshold counts)
     * @param level      its fill level, 0..1
     * @param threshold  its threshold
     * @param hysteresis how far below the threshold a full bin must drop to be no longer full
     */
    static boolean full(Boolean wasFull, double level, double threshold, double hysteresis) {
        if (Boolean.TRUE.equals(wasFull)) {
            return level >= threshold - hysteresis;
        }
        return level >= threshold;
    }
}
