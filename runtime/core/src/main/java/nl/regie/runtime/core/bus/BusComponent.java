package nl.regie.runtime.core.bus;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.spi.monitor.BusMonitor;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Runs the {@link BusEngine} and offers it as {@link BusMonitor} (api, for operators and tooling), as
 * {@link RuntimeBus} (runtime-internal, for the bus views, the whiteboard, the city state and the HTTP API)
 * and as {@link BusHolds} (runtime-internal, for the plugin lifecycle), and as {@link PluginBus} (core-internal, for
 * the plugins' bus views).
 * Configured under the PID {@value #PID}. A change takes effect on the running bus ({@link BusEngine#configure}): the
 * component is not reactivated, because every part of the runtime and every plugin holds the bus, and reactivating it
 * would restart them all and lose what waits in the queues.
 */
@Component(immediate = true, configurationPid = BusComponent.PID,
        service = {RuntimeBus.class, PluginBus.class, BusMonitor.class, BusHolds.class})
@Designate(ocd = BusComponent.Config.class)
public final class BusComponent implements PluginBus, BusHolds {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.bus";

    /** The bus configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie reading bus",
            description = "Queues, delivery timeout and quarantine of the in-process reading bus.")
    public @interface Config {

        /** Readings each subscriber can have waiting. */
        @AttributeDefinition(name = "Queue capacity", min = "1",
                description = "Readings each subscriber can have waiting; when its queue is full, new readings for"
                        + " that subscriber are dropped and counted.")
        int queueCapacity() default BusSettings.DEFAULT_QUEUE_CAPACITY;

        /** How long one delivery may take, in milliseconds. */
        @AttributeDefinition(name = "Delivery timeout (ms)", min = "1",
                description = "How long one call to a listener may take before it counts as failed and timed out.")
        long deliveryTimeoutMillis() default BusSettings.DEFAULT_DELIVERY_TIMEOUT_MILLIS;

        /** Failures in a row before a subscriber is quarantined. */
        @AttributeDefinition(name = "Failures before quarantine", min = "1",
                description = "Consecutive failures (exceptions or timeouts) after which a subscriber is quarantined.")
        int failuresBeforeQuarantine() default BusSettings.DEFAULT_FAILURES_BEFORE_QUARANTINE;
    }

    private final BusEngine engine;
    private final Logger logger;

    /** Starts the bus with the configured settings; an invalid value is logged and replaced by its default. */
    @Activate
    public BusComponent(Config config, @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
        this.engine = new BusEngine(settings(config, logger), logger);
    }

    /** Gives the running bus the changed settings (see {@link BusEngine#configure}), and says what they change. */
    @Modified
    void modified(Config config) {
        BusSettings before = engine.settings();
        BusSettings after = settings(config, logger);
        if (after.equals(before)) {
            return;
        }
        engine.configure(after);
        logger.info("Bus settings changed: delivery timeout {} ms, quarantine after {} failures in a row, for every"
                + " subscription at once; queue capacity {} for subscriptions made from now on{}",
                after.deliveryTimeout().toMillis(), after.failuresBeforeQuarantine(), after.queueCapacity(),
                after.queueCapacity() == before.queueCapacity() ? ""
                        : " (the queues made before keep the " + before.queueCapacity() + " they were made with)");
    }

    private static BusSettings settings(Config config, Logger logger) {
        return settings(config.queueCapacity(), config.deliveryTimeoutMillis(), config.failuresBeforeQuarantine(),
                logger);
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /** The settings from configured values; a value out of range is logged and replaced by its default. */
    static BusSettings settings(int queueCapacity, long deliveryTimeoutMillis, int failuresBeforeQuarantine,
            Logger logger) {
        BusSettings defaults = BusSettings.defaults();
        if (queueCapacity < 1) {
            logger.error("Configuration {}: queueCapacity {} must be at least 1; using {}", PID, queueCapacity,
                    defaults.queueCapacity());
            queueCapacity = defaults.queueCapacity();
        }
        if (deliveryTimeoutMillis < 1) {
            logger.error("Configuration {}: deliveryTimeoutMillis {} must be at least 1; using {}", PID,
                    deliveryTimeoutMillis, defaults.deliveryTimeout().toMillis());
            deliveryTimeoutMillis = defaults.deliveryTimeout().toMillis();
        }
        if (failuresBeforeQuarantine < 1) {
            logger.error("Configuration {}: failuresBeforeQuarantine {} must be at least 1; using {}", PID,
                    failuresBeforeQuarantine, defaults.failuresBeforeQuarantine());
            failuresBeforeQuarantine = defaults.failuresBeforeQuarantine();
        }
        return new BusSettings(queueCapacity, Duration.ofMillis(deliveryTimeoutMillis), failuresBeforeQuarantine);
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener) {
        return engine.subscribe(owner, topicFilters, listener);
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            int queueCapacity) {
        return engine.subscribe(owner, topicFilters, listener, queueCapacity);
    }

    @Override
    public Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener) {
        return engine.subscribeDurable(owner, durableName, topicFilters, listener);
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            ReadView view) {
        return engine.subscribe(owner, topicFilters, listener, view);
    }

    @Override
    public Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener, ReadView view) {
        return engine.subscribeDurable(owner, durableName, topicFilters, listener, view);
    }

    @Override
    public Hold hold(String symbolicName) {
        return engine.hold(symbolicName);
    }

    @Override
    public void publish(String publisher, Reading reading) {
        engine.publish(publisher, reading);
    }

    @Override
    public void delete(String publisher, Deletion deletion) {
        engine.delete(publisher, deletion);
    }

    @Override
    public String publishUnlessCrowded(String publisher, Reading reading, int sharePercent) {
        return engine.publishUnlessCrowded(publisher, reading, sharePercent);
    }

    @Override
    public List<SubscriberInfo> subscribers() {
        return engine.subscribers();
    }

    @Override
    public long published() {
        return engine.published();
    }

    @Override
    public Map<String, LatencyHistogram.Snapshot> deliveryLatency() {
        return engine.deliveryLatency();
    }

    @Override
    public Map<String, Long> publishedBy() {
        return engine.publishedBy();
    }
}
