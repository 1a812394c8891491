package nl.regie.runtime.devices.mqtt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.statefiles.StateFiles;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Runs the {@link DeviceBridge} on a {@link PahoConnection} when the launcher names a broker, and offers what it
 * knows as {@link DeviceDirectory} (for the HTTP API) either way.
 *
 * <p>The broker comes from framework properties, set by the launcher: {@value #URL} (absent: the bridge is off),
 * {@value #SITE}, and optionally {@value #USERNAME}, {@value #PASSWORD}, {@value #TRUSTSTORE} and
 * {@value #TRUSTSTORE_PASSWORD}; {@value #FUTURE_CHECK} {@code =off} turns the check of readings dated ahead off.
 * Refused messages are written to the audit log when there is one. Tunables and the device registry come from the configuration {@value #PID};
 * a change restarts the bridge (its persistent session at the broker keeps what arrives meanwhile).
 *
 * <p>Commands: an {@link MqttActuationDriver} is registered once per entity type of device-backed entities (the
 * registry's, then each new type a birth announces), each registration naming one type. One registration per
 * type, rather than one whose {@value ActuationDriver#ENTITY_TYPES} property grows with
 * {@code ServiceRegistration.setProperties}, because a service's changed properties reach a DS reference only
 * through an {@code updated} method, which the actuation component does not have (nor need) for its drivers;
 * new registrations reach every tracker as they are. Types are never withdrawn while the bridge runs.
 *
 * <p>Threads: Paho's own (connection, callback), plus one daemon thread {@code regie-mqtt-bridge} that checks
 * presence every second, retries the first connection and registers drivers.
 */
@Component(immediate = true, configurationPid = MqttBridgeComponent.PID, service = DeviceDirectory.class)
@Designate(ocd = MqttBridgeComponent.Config.class)
public final class MqttBridgeComponent implements DeviceDirectory {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.mqtt";
    /** Framework property: the broker URL, such as {@code tcp://127.0.0.1:1883}; absent turns the bridge off. */
    public static final String URL = "regie.mqtt.url";
    /** Framework property: the site (city) name in the topics; {@code demo} when absent. */
    public static final String SITE = "regie.site";
    /** Framework property: the state folder; the devices are kept in its {@code devices} folder. Absent: in memory. */
    static final String STATE_DIR = "regie.state.dir";
    /** Framework property: the MQTT user name. */
    public static final String USERNAME = "regie.mqtt.username";
    /** Framework property: the MQTT password. */
    public static final String PASSWORD = "regie.mqtt.password";
    /** Framework property: a trust store file with the broker's CA, for {@code ssl://} brokers. */
    public static final String TRUSTSTORE = "regie.mqtt.truststore";
    /** Framework property: the trust store's password. */
    public static final String TRUSTSTORE_PASSWORD = "regie.mqtt.truststore.password";
    /**
     * Framework property: {@code off} takes readings of any date, however far ahead of the runtime's clock. The
     * launcher sets it while its simulated city runs, whose clock runs ahead of the wall clock; nothing else should.
     */
    public static final String FUTURE_CHECK = "regie.mqtt.future.check";

    /** The tunables of the bridge. */
    @ObjectClassDefinition(id = PID, name = "Regie MQTT device bridge",
            description = "Tunables of the bridge between MQTT devices and the reading bus, and the device registry."
                    + " The broker itself is set by the launcher.")
    public @interface Config {

        /** The fixed MQTT client id; empty for regie-{site}. */
        @AttributeDefinition(name = "Client id", required = false,
                description = "The bridge's fixed MQTT client id: the broker keeps its session under it. Empty for"
                        + " regie-{site}. Two runtimes must not share one.")
        String clientId() default "";

        /** The largest SenML pack accepted, in bytes. */
        @AttributeDefinition(name = "Largest SenML pack (bytes)", min = "1",
                description = "A larger telemetry payload is rejected without being parsed.")
        int senml_maxPayloadBytes() default SenmlLimits.DEFAULT_MAX_PAYLOAD_BYTES;

        /** The most records in one SenML pack. */
        @AttributeDefinition(name = "Most records per SenML pack", min = "1")
        int senml_maxRecords() default SenmlLimits.DEFAULT_MAX_RECORDS;

        /** Units accepted beyond the SenML Units registries. */
        @AttributeDefinition(name = "Extra SenML units", required = false,
                description = "Units a record may carry beyond the SenML Units registry (RFC 8428 §12.1, RFC 8798);"
                        + " a pack with any other unit is rejected. The default, 1/h (vehicles per hour), is what the"
                        + " simulated traffic counters send. Each at most 32 characters, no spaces or control"
                        + " characters.")
        String[] senml_extraUnits() default {"1/h"};

        /** Silence longer than the reporting interval times this makes an online device stale. */
        @AttributeDefinition(name = "Stale factor", min = "1",
                description = "An online device silent for longer than its reporting interval times this factor is"
                        + " marked stale.")
        double staleFactor() default BridgeSettings.DEFAULT_STALE_FACTOR;

        /** The reporting interval assumed for a device whose birth announces none, in seconds. */
        @AttributeDefinition(name = "Default reporting interval (s)", min = "1")
        int defaultIntervalSeconds() default BridgeSettings.DEFAULT_INTERVAL_SECONDS;

        /** The longest wait between reconnect attempts, in seconds. */
        @AttributeDefinition(name = "Longest reconnect backoff (s)", min = "1",
                description = "Reconnect attempts start after 1 s and double up to this.")
        int reconnectMaxSeconds() default ConnectionSettings.DEFAULT_RECONNECT_MAX_SECONDS;

        /** How long the broker keeps the bridge's session while it is away, in seconds. */
        @AttributeDefinition(name = "Session expiry (s)", min = "0",
                description = "How long the broker keeps the bridge's subscriptions and queues its QoS 1 messages"
                        + " while the bridge is disconnected.")
        long sessionExpirySeconds() default ConnectionSettings.DEFAULT_SESSION_EXPIRY_SECONDS;

        /** How far ahead of the runtime's clock a reading may be dated, in seconds. */
        @AttributeDefinition(name = "Future tolerance (s)", min = "1",
                description = "A SenML pack with a reading dated more than this many seconds ahead of the runtime's"
                        + " clock is rejected whole: a device clock may be a little fast, but a reading dated hours or"
                        + " days ahead would hold its value in the city state against every real one. (Off while the"
                        + " launcher's simulated city runs: framework property " + FUTURE_CHECK + "=off.)")
        int futureToleranceSeconds() default BridgeSettings.DEFAULT_FUTURE_TOLERANCE_SECONDS;

        /** How many devices the bridge keeps track of. */
        @AttributeDefinition(name = "Most devices", min = "1",
                description = "Messages from devices beyond this many are dropped and counted as unroutable.")
        int maxDevices() default BridgeSettings.DEFAULT_MAX_DEVICES;

        /** How many device ids that never sent a valid message are counted one by one. */
        @AttributeDefinition(name = "Most unknown devices counted", min = "1",
                description = "Device ids that sent only rejected messages are no device and no entity; the bridge"
                        + " counts the most recently heard of them one by one, up to this many, and forgets the least"
                        + " recently heard beyond it (counted as forgotten).")
        int maxUnknownDevices() default BridgeSettings.DEFAULT_MAX_UNKNOWN_DEVICES;

        /** Edge runtimes: the shared subscription's group. */
        @AttributeDefinition(name = "Edge group", description = "Edge runtimes (regie.role=edge) of a site share the"
                + " devices' telemetry through the shared subscription $share/{group}/regie/v1/{site}/dev/+/tele.")
        String edge_group() default "regie-edges";

        /** Edge runtimes: device messages in the edge at once. */
        @AttributeDefinition(name = "Edge window", min = "1", max = "65535", description = "How many device messages"
                + " an edge holds unacknowledged at once (its MQTT receive maximum); the broker's in-flight limit per"
                + " client should be at least this.")
        int edge_window() default 1000;

        /** The core: how long a forwarded pack waits for an earlier one of its device, in milliseconds. */
        @AttributeDefinition(name = "Edge hold (ms)", min = "0", description = "On the core (regie.role=core): a"
                + " pack forwarded by an edge waits this long for an earlier pack of its device, forwarded by another"
                + " edge; 0 when the broker sends each device to one edge.")
        int edge_holdMillis() default 500;

        /** The core: how many forwarded pack ids are remembered to drop a second copy. */
        @AttributeDefinition(name = "Edge de-duplication window", min = "1")
        int edge_dedupWindow() default 100_000;

        /** The device registry: {@code deviceId=urn1;urn2} entries. */
        @AttributeDefinition(name = "Device registry", required = false,
                description = "Entries deviceId=urn1;urn2 assigning extra entities to a device: it may report on them"
                        + " and receives their commands. Malformed entries are logged and skipped.")
        String[] device_entities() default {};
    }

    private final Logger log;
    private final BundleContext context;
    private final DeviceBridge bridge;
    private final PahoConnection connection;
    /** The intake of what edges forward, on a core runtime; null otherwise. */
    private final EdgeCore edges;
    private final ScheduledExecutorService scheduler;
    private final Map<String, ServiceRegistration<ActuationDriver>> drivers = new LinkedHashMap<>();
    private boolean stopped;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AuditLog audit;

    /** Starts the bridge if a broker is configured; logs why not otherwise. */
    @Activate
    public MqttBridgeComponent(Config config, BundleContext context, @Reference(name = "bus") RuntimeBus bus,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.log = log;
        this.context = context;
        String url = property(context, URL);
        if (url == null) {
            log.info("no MQTT broker configured; the device bridge is off");
            this.bridge = null;
            this.edges = null;
            this.connection = null;
            this.scheduler = null;
            return;
        }
        String site = Optional.ofNullable(property(context, SITE)).orElse("demo");
        BridgeSettings bridgeSettings;
        ConnectionSettings connectionSettings;
        try {
            bridgeSettings = bridgeSettings(site, config, log);
            if ("off".equalsIgnoreCase(property(context, FUTURE_CHECK))) {
                bridgeSettings = bridgeSettings.withFutureTolerance(null);
            }
            String clientId = config.clientId() == null || config.clientId().isBlank() ? "regie-" + site
                    : config.clientId().trim();
            connectionSettings = new ConnectionSettings(url, clientId, property(context, USERNAME),
                    property(context, PASSWORD), property(context, TRUSTSTORE), property(context, TRUSTSTORE_PASSWORD),
                    positive(config.reconnectMaxSeconds(), ConnectionSettings.DEFAULT_RECONNECT_MAX_SECONDS,
                            "reconnectMaxSeconds", log),
                    config.sessionExpirySeconds() >= 0 ? config.sessionExpirySeconds()
                            : ConnectionSettings.DEFAULT_SESSION_EXPIRY_SECONDS,
                    ConnectionSettings.DEFAULT_KEEP_ALIVE_SECONDS,
                    Math.max(ConnectionSettings.DEFAULT_MAX_PACKET_BYTES, bridgeSettings.senmlLimits().maxPayloadBytes() + 65_536));
        } catch (IllegalArgumentException e) {
            log.error("The MQTT device bridge is off: {}", e.getMessage());
            this.bridge = null;
            this.edges = null;
            this.connection = null;
            this.scheduler = null;
            return;
        }
        ScheduledExecutorService threads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-mqtt-bridge");
            t.setDaemon(true);
            return t;
        });
        DeviceBridge deviceBridge = new DeviceBridge(bridgeSettings, bus::publish, Clock.systemUTC(), log, event -> {
            AuditLog auditLog = audit;
            if (auditLog != null) {
                auditLog.record(event);
            }
        });
        EdgeCore edges = "core".equals(property(context, EdgeCore.ROLE))
                ? new EdgeCore(site, config, deviceBridge, bridgeSettings.maxDevices(), log) : null;
        PahoConnection paho;
        try {
            paho = edges == null
                    ? new PahoConnection(connectionSettings, deviceBridge.topicFilters(), deviceBridge::onMessage, threads, log)
                    : new PahoConnection(connectionSettings, edges.filters(deviceBridge.topicFilters()),
                            (topic, payload) -> edges.onMessage(topic, payload, deviceBridge), threads, log);
        } catch (Exception e) {
            log.error("The MQTT device bridge is off: cannot set up the connection to {}: {}", url, e.getMessage());
            threads.shutdownNow();
            this.bridge = null;
            this.edges = null;
            this.connection = null;
            this.scheduler = null;
            return;
        }
        String state = property(context, STATE_DIR);
        if (state != null && !state.isBlank()) {
            Path folder = Path.of(state).resolve("devices");
            try {
                StateFiles.Recovery recovery = deviceBridge.keepIn(folder, (level, message) -> {
                    switch (level) {
                        case ERROR -> log.error(message);
                        case WARN -> log.warn(message);
                        default -> log.info(message);
                    }
                });
                if (!recovery.empty()) {
                    log.info("Devices restored from {}: {} known, each with its last known presence, in {} ms", folder,
                            deviceBridge.devices().size(), recovery.took().toMillis());
                }
            } catch (IOException e) {
                log.error("The devices cannot be kept in {}: {}; the bridge keeps them in memory only", folder,
                        e.toString());
            }
        }
        this.bridge = deviceBridge;
        this.edges = edges;
        this.connection = paho;
        this.scheduler = threads;
        deviceBridge.attach(paho, url, connectionSettings.clientId());
        MqttActuationDriver driver = new MqttActuationDriver(deviceBridge);
        deviceBridge.onEntityTypes(type -> {
            try {
                threads.execute(() -> register(type, driver));
            } catch (RejectedExecutionException e) {
                // stopping
            }
        });
        threads.scheduleWithFixedDelay(() -> {
            try {
                deviceBridge.checkPresence();
            } catch (RuntimeException e) {
                log.error("MQTT device bridge: the presence check failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        log.info("MQTT device bridge for site {}: broker {}, client id {}{}, topics {}; {}", site, url,
                connectionSettings.clientId(), connectionSettings.username() == null ? ""
                        : ", user " + connectionSettings.username(), deviceBridge.topicFilters(),
                bridgeSettings.futureTolerance() == null
                        ? "readings of any date are taken (" + FUTURE_CHECK + "=off: devices on a simulated clock)"
                        : "readings dated more than " + bridgeSettings.futureTolerance().getSeconds()
                                + " s ahead of this clock are refused");
        if (edges != null) {
            edges.start(threads, context);
        }
        paho.start();
    }

    /** The bridge settings from configuration; a value out of range is logged and replaced by its default. */
    static BridgeSettings bridgeSettings(String site, Config config, Logger log) {
        int maxPayload = positive(config.senml_maxPayloadBytes(), SenmlLimits.DEFAULT_MAX_PAYLOAD_BYTES,
                "senml.maxPayloadBytes", log);
        int maxRecords = positive(config.senml_maxRecords(), SenmlLimits.DEFAULT_MAX_RECORDS, "senml.maxRecords", log);
        Set<String> extraUnits = config.senml_extraUnits() == null ? Set.of() : Set.copyOf(Arrays.asList(config.senml_extraUnits()));
        SenmlLimits limits;
        try {
            limits = new SenmlLimits(maxPayload, maxRecords, extraUnits);
        } catch (IllegalArgumentException e) {
            log.error("Configuration {}: senml.extraUnits: {}; using {}", PID, e.getMessage(),
                    SenmlLimits.DEFAULT_EXTRA_UNITS);
            limits = new SenmlLimits(maxPayload, maxRecords, SenmlLimits.DEFAULT_EXTRA_UNITS);
        }
        double staleFactor = config.staleFactor();
        if (!Double.isFinite(staleFactor) || staleFactor < 1) {
            log.error("Configuration {}: staleFactor {} must be a number of at least 1; using {}", PID, staleFactor,
                    BridgeSettings.DEFAULT_STALE_FACTOR);
            staleFactor = BridgeSettings.DEFAULT_STALE_FACTOR;
        }
        int interval = positive(config.defaultIntervalSeconds(), BridgeSettings.DEFAULT_INTERVAL_SECONDS,
                "defaultIntervalSeconds", log);
        int maxDevices = positive(config.maxDevices(), BridgeSettings.DEFAULT_MAX_DEVICES, "maxDevices", log);
        int futureTolerance = positive(config.futureToleranceSeconds(),
                BridgeSettings.DEFAULT_FUTURE_TOLERANCE_SECONDS, "futureToleranceSeconds", log);
        DeviceRegistry.Parsed registry = DeviceRegistry.parse(config.device_entities());
        for (String problem : registry.problems()) {
            log.error("Configuration {}: {}", PID, problem);
        }
        int maxUnknown = positive(config.maxUnknownDevices(), BridgeSettings.DEFAULT_MAX_UNKNOWN_DEVICES,
                "maxUnknownDevices", log);
        return new BridgeSettings(site, limits, staleFactor, Duration.ofSeconds(interval), registry.registry(), maxDevices,
                Duration.ofSeconds(futureTolerance), maxUnknown);
    }

    private static int positive(int value, int fallback, String name, Logger log) {
        if (value < 1) {
            log.error("Configuration {}: {} {} must be at least 1; using {}", PID, name, value, fallback);
            return fallback;
        }
        return value;
    }

    private static String property(BundleContext context, String key) {
        String value = context.getProperty(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private void register(String type, MqttActuationDriver driver) {
        synchronized (drivers) {
            if (stopped || drivers.containsKey(type)) {
                return;
            }
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(ActuationDriver.ENTITY_TYPES, type);
            properties.put("regie.driver.name", "mqtt");
            drivers.put(type, context.registerService(ActuationDriver.class, driver, properties));
        }
        log.info("MQTT device bridge: commands for {} entities now go to their devices", type);
    }

    @Deactivate
    void deactivate() {
        if (bridge == null) {
            return;
        }
        List<ServiceRegistration<ActuationDriver>> registrations;
        synchronized (drivers) {
            stopped = true;
            registrations = List.copyOf(drivers.values());
            drivers.clear();
        }
        for (ServiceRegistration<ActuationDriver> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        scheduler.shutdownNow();
        connection.close();
        if (edges != null) {
            edges.close();
        }
        bridge.failPending("the MQTT device bridge stopped before the device answered");
        bridge.closeFiles();
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public BridgeInfo bridge() {
        return bridge == null ? BridgeInfo.off() : bridge.bridge();
    }

    @Override
    public List<DeviceSnapshot> devices() {
        return bridge == null ? List.of() : bridge.devices();
    }

    @Override
    public List<DeviceSnapshot> devices(String after, int limit) {
        return bridge == null ? List.of() : bridge.devices(after, limit);
    }

    @Override
    public Optional<LatencyHistogram.Snapshot> ingestLatency() {
        return bridge == null ? Optional.empty() : bridge.ingestLatency();
    }

    @Override
    public UnknownDevices unknownDevices() {
        return bridge == null ? DeviceDirectory.super.unknownDevices() : bridge.unknownDevices();
    }

    @Override
    public Optional<DeviceSnapshot> device(String deviceId) {
        return bridge == null ? Optional.empty() : bridge.device(deviceId);
    }
}
