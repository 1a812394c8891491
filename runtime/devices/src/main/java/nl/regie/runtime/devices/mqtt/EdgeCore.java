package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.Logger;

/**
 * The device bridge of a {@code core} runtime (framework property {@value #ROLE} {@code =core}): its edges take the
 * devices' telemetry through a shared subscription and forward what they accept; the core takes presence and
 * acknowledgements from the devices as before, and the forwarded packs from the edge topics through an
 * {@link EdgeIntake}, which passes each once, in each device's order, to {@link DeviceBridge#forwarded}.
 *
 * <p>The core must take forwarded packs only from edges: the broker's ACL lets only edge credentials publish on
 * {@code regie/v1/{site}/edge/#} (see docs/scaling.md); a device's credentials reach its own {@code dev/{d}/...} topics
 * only.
 */
final class EdgeCore implements MetricSource {

    /** Framework property: {@code edge} or {@code core} for a site whose ingest is split; absent for one runtime. */
    static final String ROLE = "regie.role";
    /** How often held packs are looked at. */
    private static final long RELEASE_EVERY_MILLIS = 5;

    private final EdgeWire wire;
    private final String edgePrefix;
    private final EdgeIntake intake;
    private final Logger log;
    private ScheduledFuture<?> releasing;
    private ServiceRegistration<MetricSource> registration;

    EdgeCore(String site, MqttBridgeComponent.Config config, DeviceBridge bridge, int maxDevices, Logger log) {
        this(site, config.edge_dedupWindow(), Duration.ofMillis(config.edge_holdMillis()), bridge, maxDevices, log);
    }

    EdgeCore(String site, int dedupWindow, Duration hold, DeviceBridge bridge, int maxDevices, Logger log) {
        this.wire = new EdgeWire(site);
        this.edgePrefix = wire.filter().substring(0, wire.filter().length() - 1);
        this.log = log;
        this.intake = new EdgeIntake(wire, dedupWindow, hold, maxDevices, bridge::forwarded, log);
    }

    /** The bridge's filters without the devices' telemetry, which the edges take, and with the edge topics. */
    List<String> filters(List<String> bridgeFilters) {
        List<String> filters = new ArrayList<>();
        for (String filter : bridgeFilters) {
            if (!filter.endsWith("/tele")) {
                filters.add(filter);
            }
        }
        filters.add(wire.filter());
        return List.copyOf(filters);
    }

    /** Routes a message: from an edge to the intake, from a device to the bridge. */
    void onMessage(String topic, byte[] payload, DeviceBridge bridge) {
        if (topic.startsWith(edgePrefix)) {
            intake.onMessage(topic, payload, System.nanoTime());
        } else {
            bridge.onMessage(topic, payload);
        }
    }

    /** Starts passing on held packs and offers the intake's counts as metrics (not without a context: tests). */
    void start(ScheduledExecutorService scheduler, BundleContext context) {
        try {
            releasing = scheduler.scheduleWithFixedDelay(() -> {
                try {
                    intake.release(System.nanoTime());
                } catch (RuntimeException e) {
                    log.error("Edge intake: passing on held packs failed", e);
                }
            }, RELEASE_EVERY_MILLIS, RELEASE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // stopping
        }
        if (context == null) {
            logStart();
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(MetricSource.ORDER, 31);
        registration = context.registerService(MetricSource.class, this, properties);
        logStart();
    }

    private void logStart() {
        log.info("Core runtime: device telemetry comes from edges on {} (held {} ms for each device's order)",
                wire.filter(), intake.holdMillis());
    }

    /** What the intake counted. */
    EdgeIntake.Counts counts() {
        return intake.counts();
    }

    /** Passes on what is still held and withdraws the metrics; after the connection closed. */
    void close() {
        if (releasing != null) {
            releasing.cancel(false);
        }
        intake.releaseAll();
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        }
    }

    @Override
    public void collect(MetricWriter out) {
        EdgeIntake.Counts counts = intake.counts();
        out.counter("regie_edge_packs_total", "SenML packs forwarded by edge runtimes and passed on here.")
                .sample(counts.packs());
        out.counter("regie_edge_readings_total", "Readings in the packs forwarded by edges.").sample(counts.readings());
        out.counter("regie_edge_refused_total", "Forwarded packs dropped, by reason: duplicate (the broker delivered"
                + " a device's message again), malformed (not edge wire v1).")
                .sample(counts.duplicates(), "reason", "duplicate").sample(counts.malformed(), "reason", "malformed");
        out.counter("regie_edge_late_total", "Forwarded packs older than one of their device already passed on"
                + " (passed on anyway, out of order).").sample(counts.late());
        out.gauge("regie_edge_held", "Forwarded packs waiting for an earlier pack of their device.")
                .sample(counts.held());
    }
}
