package nl.regie.api.scope;

import java.util.Objects;

/**
 * A plugin went past one of the limits the operator sets per plugin, so the call was refused and nothing of it
 * happened: a publish past its rate ({@value #PUBLISH_RATE}) or while the runtime's own subscriptions are busy
 * ({@value #BUS_SHARE}), a reading about a new entity past {@value #ENTITIES}, a subscription past
 * {@value #SUBSCRIPTIONS}. The message names the plugin, the limit and its value; the runtime counts every refusal
 * (in {@code /metrics}) and writes the first of each limit per plugin version to its audit log.
 *
 * <p>A plugin that publishes in bursts can catch it and try again later; one that keeps going past its limit is
 * doing something wrong, or needs the operator to raise the limit for it.
 */
public class LimitExceededException extends SecurityException {

    private static final long serialVersionUID = 1L;

    /** Readings a plugin may publish per second (on average; a short burst may go above it). */
    public static final String PUBLISH_RATE = "publishPerSecond";
    /** The share of the runtime's own subscriptions' queues (city state, stream) a plugin's readings may fill. */
    public static final String BUS_SHARE = "busSharePercent";
    /** Entities a plugin may bring into the city state. */
    public static final String ENTITIES = "entities";
    /** Subscriptions a plugin may have open at once. */
    public static final String SUBSCRIPTIONS = "subscriptions";
    /** Threads a plugin may have running (reported: the runtime cannot refuse a thread). */
    public static final String THREADS = "threads";

    private final String plugin;
    private final String limit;
    private final long value;

    /**
     * A refusal.
     *
     * @param plugin  the plugin's symbolic name
     * @param limit   which limit, one of the constants of this class
     * @param value   the limit's value for this plugin
     * @param message what was refused and why, naming the three above
     */
    public LimitExceededException(String plugin, String limit, long value, String message) {
        super(message);
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.value = value;
    }

    /** The plugin's symbolic name. */
    public String plugin() {
        return plugin;
    }

    /** Which limit was reached: one of the constants of this class. */
    public String limit() {
        return limit;
    }

    /** The limit's value for the plugin. */
    public long value() {
        return value;
    }
}
