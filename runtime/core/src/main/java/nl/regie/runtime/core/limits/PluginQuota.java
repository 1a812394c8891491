package nl.regie.runtime.core.limits;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.runtime.spi.bus.Owner;

/**
 * One plugin's limits as its views enforce them: checks that pass, or refusals ({@link LimitExceededException}) that
 * name the plugin, the limit and its value, counted and (the first of each limit per plugin version) logged and
 * audited by {@link PluginLimits}. What a plugin has used (its rate, the entities it brought in, its open
 * subscriptions) is kept per symbolic name, so it carries over an update. The runtime's own bundles get
 * {@link #UNLIMITED}.
 */
public final class PluginQuota {

    /** The quota that checks nothing, for the runtime's own bundles (and measurements without limits). */
    public static final PluginQuota UNLIMITED = new PluginQuota(null, null, null);

    private static final Runnable NOTHING = () -> { };

    private final PluginLimits limits;
    private final PluginUsage usage;
    private final Owner plugin;

    PluginQuota(PluginLimits limits, PluginUsage usage, Owner plugin) {
        this.limits = limits;
        this.usage = usage;
        this.plugin = plugin;
    }

    /** Whether this quota checks anything. */
    public boolean limited() {
        return limits != null;
    }

    /**
     * Checks a reading the plugin publishes, and counts it against the plugin's rate: refused when it is about an
     * entity the city state does not have and the plugin has brought in as many as it may, or when the plugin is past
     * its publish rate.
     *
     * @throws LimitExceededException naming the plugin, the limit and its value; nothing is counted
     */
    public void checkPublish(Reading reading) {
        if (limits == null) {
            return;
        }
        LimitValues values = usage.values(limits.settings());
        checkEntity(reading.entity(), values, () -> "publish " + reading.topic());
        if (!usage.tryPublish(limits.nanoTime(), values)) {
            throw limits.refuse(usage, plugin, LimitExceededException.PUBLISH_RATE, values.publishPerSecond(),
                    "publish " + reading.topic() + ": it is past its limit " + LimitExceededException.PUBLISH_RATE
                            + " = " + values.publishPerSecond() + " readings a second (" + LimitValues.PUBLISH_BURST
                            + " = " + values.publishBurst() + ")");
        }
    }

    /**
     * Counts a deletion the plugin makes against its publish rate, as a reading is counted: a plugin cannot flood the
     * bus with deletions either.
     *
     * @param topic what it deletes, for the message
     * @throws LimitExceededException naming the plugin, the limit and its value; nothing is counted
     */
    public void checkDelete(String topic) {
        if (limits == null) {
            return;
        }
        LimitValues values = usage.values(limits.settings());
        if (!usage.tryPublish(limits.nanoTime(), values)) {
            throw limits.refuse(usage, plugin, LimitExceededException.PUBLISH_RATE, values.publishPerSecond(),
                    "delete " + topic + ": it is past its limit " + LimitExceededException.PUBLISH_RATE + " = "
                            + values.publishPerSecond() + " readings a second (" + LimitValues.PUBLISH_BURST + " = "
                            + values.publishBurst() + ")");
        }
    }

    /**
     * Checks that the plugin may bring an entity into the city state (an alert it raises under a new key is one).
     *
     * @throws LimitExceededException naming the plugin, the limit and its value
     */
    public void checkEntity(EntityId entity) {
        if (limits != null) {
            checkEntity(entity, usage.values(limits.settings()),
                    () -> "bring entity " + entity + " into the city state");
        }
    }

    /** @param action what was refused, for the message: built only on a refusal, never on the publish path */
    private void checkEntity(EntityId entity, LimitValues values, Supplier<String> action) {
        if (usage.created(entity) || limits.known(entity)) {
            return;
        }
        if (!usage.create(entity, values.entities())) {
            throw limits.refuse(usage, plugin, LimitExceededException.ENTITIES, values.entities(), action.get()
                    + ": it has brought " + usage.entities() + " entities into the city state, its limit "
                    + LimitExceededException.ENTITIES + " = " + values.entities());
        }
    }

    /**
     * Takes one of the plugin's subscriptions.
     *
     * @param filters what it subscribes to, for the message
     * @return what gives the subscription back when it is closed; calling it again does nothing
     * @throws LimitExceededException when the plugin has as many open as it may
     */
    public Runnable openSubscription(Collection<String> filters) {
        if (limits == null) {
            return NOTHING;
        }
        LimitValues values = usage.values(limits.settings());
        if (!usage.openSubscription(values.subscriptions())) {
            throw limits.refuse(usage, plugin, LimitExceededException.SUBSCRIPTIONS, values.subscriptions(),
                    "subscribe to " + filters + ": it has " + usage.subscriptions() + " subscriptions open, its limit "
                            + LimitExceededException.SUBSCRIPTIONS + " = " + values.subscriptions());
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                usage.closeSubscription();
            }
        };
    }

    /** How much of a runtime subscription's queue the plugin's readings may fill, in percent (100: all of it). */
    public int busSharePercent() {
        return limits == null ? 100 : usage.values(limits.settings()).busSharePercent();
    }

    /**
     * The refusal of a publish because one of the runtime's own subscriptions has the plugins' share of its queue
     * waiting; counted, and logged and audited the first time per plugin version.
     *
     * @param reading      what was not published
     * @param subscription the crowded subscription, as messages name it
     */
    public LimitExceededException crowded(Reading reading, String subscription) {
        int share = busSharePercent();
        return limits.refuse(usage, plugin, LimitExceededException.BUS_SHARE, share, "publish " + reading.topic()
                + " now: " + subscription + " has the share of its queue that plugins may fill waiting ("
                + LimitExceededException.BUS_SHARE + " = " + share + "); the rest is kept for the devices' readings."
                + " Try again when it has caught up");
    }
}
