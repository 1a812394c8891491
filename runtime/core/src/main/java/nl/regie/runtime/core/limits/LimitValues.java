package nl.regie.runtime.core.limits;

import static nl.regie.api.scope.LimitExceededException.BUS_SHARE;
import static nl.regie.api.scope.LimitExceededException.ENTITIES;
import static nl.regie.api.scope.LimitExceededException.PUBLISH_RATE;
import static nl.regie.api.scope.LimitExceededException.SUBSCRIPTIONS;
import static nl.regie.api.scope.LimitExceededException.THREADS;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One plugin's limits.
 *
 * @param publishPerSecond readings it may publish per second, on average
 * @param publishBurst     readings it may publish at once above that average, after a quiet while
 * @param entities         entities it may bring into the city state (its readings about entities nobody had
 *                         reported on before, and its alerts)
 * @param subscriptions    subscriptions it may have open at once (whiteboard listeners and programmatic ones)
 * @param threads          threads it may have running; only reported, as nothing in the JVM can refuse a thread
 * @param busSharePercent  how much of each of the runtime's own subscription queues (city state, stream) readings
 *                         of plugins may fill: past it, a plugin's publish is refused, so the rest is always free for
 *                         the devices' readings; 100 lets plugins fill it all
 */
public record LimitValues(int publishPerSecond, int publishBurst, int entities, int subscriptions, int threads,
        int busSharePercent) {

    /** The name under which the configuration and an override give {@link #publishBurst()}. */
    public static final String PUBLISH_BURST = "publishBurst";

    /** The limits' names, in the order of this record's components, as the configuration gives them. */
    public static final List<String> NAMES = List.of(PUBLISH_RATE, PUBLISH_BURST, ENTITIES, SUBSCRIPTIONS, THREADS,
            BUS_SHARE);

    /** The defaults: 10,000 readings a second (bursts of 20,000), 10,000 entities, 50 subscriptions and threads, half. */
    public static final LimitValues DEFAULTS = new LimitValues(10_000, 20_000, 10_000, 50, 50, 50);

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the limit, its value and the allowed range
     */
    public LimitValues {
        check(PUBLISH_RATE, publishPerSecond, 1, 100_000_000);
        check(PUBLISH_BURST, publishBurst, 1, 100_000_000);
        check(ENTITIES, entities, 0, 100_000_000);
        check(SUBSCRIPTIONS, subscriptions, 0, 10_000);
        check(THREADS, threads, 0, 100_000);
        check(BUS_SHARE, busSharePercent, 1, 100);
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " = " + value + " is out of range: it must be from " + min
                    + " to " + max);
        }
    }

    /** The value of a limit by its name. */
    public int get(String name) {
        return switch (name) {
            case PUBLISH_RATE -> publishPerSecond;
            case PUBLISH_BURST -> publishBurst;
            case ENTITIES -> entities;
            case SUBSCRIPTIONS -> subscriptions;
            case THREADS -> threads;
            case BUS_SHARE -> busSharePercent;
            default -> throw new IllegalArgumentException("unknown limit " + name);
        };
    }

    /**
     * These values with some replaced, by name.
     *
     * @throws IllegalArgumentException naming an unknown limit or a value out of range
     */
    public LimitValues with(Map<String, Integer> changes) {
        Map<String, Integer> values = new LinkedHashMap<>();
        for (String name : NAMES) {
            values.put(name, get(name));
        }
        changes.forEach((name, value) -> {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a limit: use " + String.join(", ", NAMES));
            }
            values.put(name, value);
        });
        return new LimitValues(values.get(PUBLISH_RATE), values.get(PUBLISH_BURST), values.get(ENTITIES),
                values.get(SUBSCRIPTIONS), values.get(THREADS), values.get(BUS_SHARE));
    }
}
