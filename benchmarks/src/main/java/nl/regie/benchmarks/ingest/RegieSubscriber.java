package nl.regie.benchmarks.ingest;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.benchmarks.ConsoleLogger;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.devices.mqtt.BridgeSettings;
import nl.regie.runtime.devices.mqtt.ConnectionSettings;
import nl.regie.runtime.devices.mqtt.DeviceBridge;
import nl.regie.runtime.devices.mqtt.PahoConnection;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.log.Logger;

/**
 * The Regie path, wired as the runtime bundle wires it but without a framework: broker, {@link PahoConnection},
 * {@link DeviceBridge} (strict SenML parsing, checks, readings), {@link BusEngine} (bounded queue and thread per
 * subscriber), and the city state ({@link CityStateComponent}, subscribed to {@code #} like in the runtime). A pack
 * counts when all its readings have been applied to the city state.
 */
final class RegieSubscriber implements Subscriber {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime.core", "0.1.0", 1);

    private final String url;
    private final String clientId;
    private final Logger log = ConsoleLogger.create("ingest", System.err, Set.of("warn", "error", "audit"));
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log);
    private final CityStateComponent cityState;
    private final DeviceBridge bridge;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "regie-mqtt-bridge");
        t.setDaemon(true);
        return t;
    });
    private PahoConnection connection;

    RegieSubscriber(String url, String site) {
        this.url = url;
        this.clientId = "regie-" + site;
        cityState = new CityStateComponent(bus, RUNTIME);
        bridge = new DeviceBridge(BridgeSettings.defaults(site), bus::publish, Clock.systemUTC(), log);
    }

    @Override
    public void connect() throws Exception {
        connection = new PahoConnection(ConnectionSettings.of(url, clientId), bridge.topicFilters(), bridge::onMessage,
                scheduler, log);
        bridge.attach(connection, url, clientId);
        connection.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!connection.isSubscribed()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bridge did not subscribe within 10 s");
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void disconnect() {
        connection.close();
        connection = null;
    }

    /** Packs turned into readings by the bridge. */
    private long packs() {
        long packs = 0;
        for (DeviceSnapshot device : bridge.devices()) {
            packs += device.counts().telemetryAccepted() + device.counts().telemetryRejected();
        }
        return packs;
    }

    private SubscriberInfo cityStateSubscription() {
        List<SubscriberInfo> subscribers = bus.subscribers();
        return subscribers.get(0);
    }

    @Override
    public boolean done(int packs) {
        if (bridge.bridge().messagesReceived() < packs) {
            return false;
        }
        SubscriberInfo state = cityStateSubscription();
        return packs() >= packs && state.delivered() + state.dropped() + state.failed() >= bus.published();
    }

    @Override
    public String counts() {
        SubscriberInfo state = cityStateSubscription();
        return bridge.bridge().messagesReceived() + " messages, " + bus.published() + " readings published, "
                + state.delivered() + " applied to the city state (" + cityState.size() + " entities)";
    }

    @Override
    public String problems() {
        SubscriberInfo state = cityStateSubscription();
        long rejected = bridge.devices().stream().mapToLong(d -> d.counts().telemetryRejected()).sum();
        StringBuilder problems = new StringBuilder();
        if (rejected > 0) {
            problems.append(rejected).append(" packs rejected; ");
        }
        if (state.dropped() + state.failed() > 0) {
            problems.append(state.dropped()).append(" readings dropped and ").append(state.failed())
                    .append(" failed at the city state; ");
        }
        return problems.toString();
    }

    @Override
    public void close() {
        if (connection != null) {
            disconnect();
        }
        scheduler.shutdownNow();
        bus.close();
    }
}
