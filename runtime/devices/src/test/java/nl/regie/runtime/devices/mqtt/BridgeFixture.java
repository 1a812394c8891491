package nl.regie.runtime.devices.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

/**
 * A device bridge wired as the runtime wires it, without a framework: a real {@link BusEngine}, a
 * {@link DeviceBridge} publishing on it, a {@link PahoConnection} to a broker, and a bus subscriber on {@code #}
 * that keeps every reading.
 */
final class BridgeFixture implements AutoCloseable {

    final RecordingLogger log = new RecordingLogger();
    final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    final List<Reading> readings = new CopyOnWriteArrayList<>();
    final DeviceBridge bridge;
    final PahoConnection connection;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-mqtt-bridge");
        t.setDaemon(true);
        return t;
    });
    private final Subscription subscription;

    BridgeFixture(String url, String site, String... registry) throws Exception {
        this(url, site, 3.0, registry);
    }

    BridgeFixture(String url, String site, double staleFactor, String... registry) throws Exception {
        this(ConnectionSettings.of(url, "regie-" + site).withReconnectMaxSeconds(2), site, staleFactor, registry);
    }

    BridgeFixture(ConnectionSettings connectionSettings, String site, double staleFactor, String... registry)
            throws Exception {
        subscription = bus.subscribe(new Owner("test", "0.0.0", 0), List.of("#"), readings::add);
        bridge = new DeviceBridge(new BridgeSettings(site, SenmlLimits.defaults(), staleFactor, Duration.ofSeconds(300),
                DeviceRegistry.parse(registry).registry(), 1000), bus::publish, Clock.systemUTC(), log.logger());
        connection = new PahoConnection(connectionSettings, bridge.topicFilters(), bridge::onMessage, scheduler,
                log.logger());
        bridge.attach(connection, connectionSettings.serverUri(), connectionSettings.clientId());
    }

    BridgeFixture start() {
        connection.start();
        return this;
    }

    List<Reading> telemetry() {
        return readings.stream().filter(r -> !r.attribute().equals(DeviceBridge.DEVICE_STATE)).toList();
    }

    @Override
    public void close() {
        connection.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscription.close();
        bus.close();
    }
}
