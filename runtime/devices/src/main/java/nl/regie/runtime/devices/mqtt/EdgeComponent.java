package nl.regie.runtime.devices.mqtt;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.spi.audit.AuditLog;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * An edge runtime (framework property {@value EdgeCore#ROLE} {@code =edge}): takes its share of the site's device
 * telemetry through a shared subscription, checks each pack as the device bridge does, and forwards what it accepts to
 * the site's core over the edge hop of the wire ({@link EdgeLink}, {@link EdgeForwarder}). It needs no bus: an edge runs
 * no plugins and keeps no city state (the launcher starts only the device bundle on an edge). Idle in any other role.
 *
 * <p>Configuration (required: the component waits for it): the device bridge's (PID {@value MqttBridgeComponent#PID}: SenML limits, registry, future
 * tolerance, {@code edge.group}, {@code edge.window}); {@code clientId} is required, one per edge, since the broker keeps
 * each edge's session (and what it had not acknowledged) under it. The broker and credentials come from the launcher
 * as for the bridge.
 *
 * <p>Threads: {@code regie-edge-forward} (see {@link EdgeLink}) and {@code regie-edge} (reconnects, a status line
 * every minute), both stopped in deactivate.
 */
@Component(immediate = true, configurationPid = MqttBridgeComponent.PID, service = {},
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class EdgeComponent {

    private final Logger log;
    private final EdgeForwarder forwarder;
    private final EdgeLink link;
    private final ScheduledExecutorService scheduler;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AuditLog audit;

    /** Starts the edge when the launcher says this runtime is one; idle otherwise. */
    @Activate
    public EdgeComponent(MqttBridgeComponent.Config config, BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.log = log;
        String url = property(context, MqttBridgeComponent.URL);
        if (!"edge".equals(property(context, EdgeCore.ROLE)) || url == null) {
            this.forwarder = null;
            this.link = null;
            this.scheduler = null;
            return;
        }
        String site = Optional.ofNullable(property(context, MqttBridgeComponent.SITE)).orElse("demo");
        String clientId = config.clientId() == null ? "" : config.clientId().trim();
        ScheduledExecutorService threads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-edge");
            t.setDaemon(true);
            return t;
        });
        EdgeForwarder checks = null;
        EdgeLink connection = null;
        try {
            if (clientId.isEmpty()) {
                throw new IllegalArgumentException("an edge needs a client id of its own: set clientId in "
                        + MqttBridgeComponent.PID + ".cfg (the broker keeps each edge's session under it)");
            }
            BridgeSettings settings = MqttBridgeComponent.bridgeSettings(site, config, log);
            if ("off".equalsIgnoreCase(property(context, MqttBridgeComponent.FUTURE_CHECK))) {
                settings = settings.withFutureTolerance(null);
            }
            ConnectionSettings connectionSettings = new ConnectionSettings(url, clientId,
                    property(context, MqttBridgeComponent.USERNAME), property(context, MqttBridgeComponent.PASSWORD),
                    property(context, MqttBridgeComponent.TRUSTSTORE),
                    property(context, MqttBridgeComponent.TRUSTSTORE_PASSWORD),
                    Math.max(1, config.reconnectMaxSeconds()), Math.max(0, config.sessionExpirySeconds()),
                    ConnectionSettings.DEFAULT_KEEP_ALIVE_SECONDS,
                    Math.max(ConnectionSettings.DEFAULT_MAX_PACKET_BYTES, settings.senmlLimits().maxPayloadBytes() * 4
                            + 65_536));
            checks = new EdgeForwarder(settings, Clock.systemUTC(), log, event -> {
                AuditLog auditLog = audit;
                if (auditLog != null) {
                    auditLog.record(event);
                }
            });
            connection = new EdgeLink(connectionSettings, config.edge_group(), config.edge_window(), checks, threads,
                    log);
        } catch (Exception e) {
            log.error("The edge is off: {}", e.getMessage());
            threads.shutdownNow();
            this.forwarder = null;
            this.link = null;
            this.scheduler = null;
            return;
        }
        this.forwarder = checks;
        this.link = connection;
        this.scheduler = threads;
        EdgeForwarder counted = checks;
        EdgeLink linked = connection;
        threads.scheduleWithFixedDelay(() -> log.info("Edge: {} packs ({} readings) accepted, {} forwarded, {} refused;"
                + " {}", counted.packs(), counted.readings(), linked.forwarded(), counted.refused(),
                linked.isConnected() ? "connected" : "not connected"), 60, 60, TimeUnit.SECONDS);
        log.info("Edge runtime for site {}: broker {}, client id {}, taking its share of {} and forwarding to the core"
                + " on regie/v1/{}/edge/{{deviceId}}", site, url, clientId, connection.filter(), site);
        connection.start();
    }

    private static String property(BundleContext context, String key) {
        String value = context.getProperty(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Deactivate
    void deactivate() {
        if (link == null) {
            return;
        }
        link.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Edge stopped: {} packs accepted, {} forwarded, {} refused", forwarder.packs(), link.forwarded(),
                forwarder.refused());
    }
}
