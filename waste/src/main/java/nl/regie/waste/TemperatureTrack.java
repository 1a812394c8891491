package nl.regie.waste;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One bin's recent temperature readings, by observation time, kept for the rate-of-rise window only (a few
 * readings at the simulator's five-minute reports).
 */
final class TemperatureTrack {

    /** What one new reading shows. */
    record Step(double celsius, double rise, boolean warming) {
    }

    private record Sample(Instant at, double celsius) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /**
     * Adds a reading and says how it compares with the readings before it.
     *
     * @param window the rise is the reading minus the lowest reading observed within this time before it
     * @return the step, or {@code null} if the reading is older than the newest one kept (it is ignored)
     */
    Step add(Instant at, double celsius, Duration window) {
        Sample last = samples.peekLast();
        if (last != null && at.isBefore(last.at())) {
            return null;
        }
        Instant from = at.minus(window);
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(from)) {
            samples.removeFirst();
        }
        double lowest = celsius;
        for (Sample sample : samples) {
            lowest = Math.min(lowest, sample.celsius());
        }
        boolean warming = last != null && celsius > last.celsius();
        samples.addLast(new Sample(at, celsius));
        return new Step(celsius, celsius - lowest, warming);
    }
}
