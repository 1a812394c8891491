package nl.regie.waste;

/**
 * When a bin is on fire: hot (at or above {@code fire.temperature}) or heating fast (a rise of {@code fire.rise}
 * within the window), which no weather does: the air swings by about one degree an hour at most. A burning bin
 * is out once it is below {@code fire.cool.temperature} and no warmer than its previous reading; the gap between
 * the two temperatures keeps a bin cooling through the threshold from flapping.
 */
final class FireRule {

    private FireRule() {
    }

    /** Whether a bin is on fire after a reading, given whether it was. */
    static boolean burning(Settings settings, boolean wasBurning, TemperatureTrack.Step step) {
        if (wasBurning) {
            return step.celsius() >= settings.coolTemperature() || step.warming();
        }
        return step.celsius() >= settings.fireTemperature() || step.rise() >= settings.fireRise();
    }

    /** Whether a fire at this temperature is critical. */
    static boolean critical(Settings settings, double celsius) {
        return celsius > settings.criticalTemperature();
    }
}
